// How fast the platform simulator alone settles outpatient bills on loopback, driven by the real
// client: 1101 -> 2201 -> 2204 -> 2206 -> 2207 per settlement. Later figures (terminal + journal)
// can then say how much the terminal adds. The baseline, measured in the same run, is a bare HTTP
// round trip on loopback with the same fetch and a body of the same size, so the ratio survives a
// noisy machine. Last line: one JSON object.
//   npm run bench:platform -- [--seconds 5] [--concurrency 8]
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createPlatformClient, type CallOutcome, type PlatformClient } from '../terminal/insurance/client';
import { fenToYuan } from '../terminal/common/money';
import { formatMsgid } from '../terminal/insurance/msgid';
import { simEnvelopeContext } from '../terminal/sim/platform/context';
import { argValue } from '../terminal/sim/platform/cli-args';
import { startPlatformSimulator } from '../terminal/sim/platform/server';
import { closeServer, listen, readBody, sendText, trackSockets } from '../terminal/sim/http';

const seconds = Number(argValue('--seconds') ?? 5);
const concurrency = Number(argValue('--concurrency') ?? 8);
const fixturesDir = fileURLToPath(new URL('../fixtures', import.meta.url));
const INFNOS = ['1101', '2201', '2204', '2206', '2207'] as const;

// The 4-digit sequence wraps every 10,000 calls; the msgid's time part advances one second per
// wrap so no two calls of this run share a msgid however fast the loop goes.
const msgidBase = Date.now();
let sequence = 0;
function nextMsgid(): string {
  const n = sequence++;
  return formatMsgid(simEnvelopeContext.fixmedins_code, new Date(msgidBase + Math.floor(n / 10_000) * 1000), n);
}

const EMPLOYEE = { psnNo: '33000000000000000101', certno: '33010219800101123X', insutype: '310', admdvs: '330100' };
const FEES = [
  { codg: '001101000010000-110100001', fen: 2_000 },
  { codg: 'XA01BAA001A001010100001', fen: 3_000 },
  { codg: 'XB02CDE002B002020200002', fen: 12_000 },
  { codg: 'ZC03FGH003C003030300003', fen: 3_000 },
];
const TOTAL_FEN = FEES.reduce((s, f) => s + f.fen, 0);

function expectOk(infno: string, o: CallOutcome): Record<string, Record<string, unknown>> {
  if (o.kind !== 'ok') throw new Error(`${infno} failed: ${JSON.stringify(o).slice(0, 300)}`);
  return o.output as Record<string, Record<string, unknown>>;
}

type Timings = Record<(typeof INFNOS)[number], number[]>;

async function timed(t: Timings, infno: (typeof INFNOS)[number], run: () => Promise<CallOutcome>): Promise<Record<string, Record<string, unknown>>> {
  const start = performance.now();
  const o = await run();
  t[infno].push(performance.now() - start);
  return expectOk(infno, o);
}

async function settleOnce(client: PlatformClient, t: Timings, visit: number): Promise<void> {
  const area = EMPLOYEE.admdvs;
  await timed(t, '1101', () => client.call({ infno: '1101', msgid: nextMsgid(), input: { data: { mdtrt_cert_type: '02', mdtrt_cert_no: EMPLOYEE.certno, card_sn: '', begntime: '', psn_cert_type: '01', certno: EMPLOYEE.certno, psn_name: '' } } }));
  const reg = await timed(t, '2201', () => client.call({ infno: '2201', msgid: nextMsgid(), insuplcAdmdvs: area, input: { data: { psn_no: EMPLOYEE.psnNo, insutype: EMPLOYEE.insutype, begntime: '2024-01-15 09:00:00', mdtrt_cert_type: '02', mdtrt_cert_no: EMPLOYEE.certno, ipt_otp_no: `BENCH${visit}`, atddr_no: 'D0001', dr_name: '医生', dept_code: 'A03', dept_name: '内科', caty: 'A03' } } }));
  const mdtrtId = String(reg.data?.mdtrt_id);
  await timed(t, '2204', () => client.call({
    infno: '2204', msgid: nextMsgid(), insuplcAdmdvs: area,
    input: { feedetail: FEES.map((f, i) => ({ feedetl_sn: `B${visit}-${i}`, mdtrt_id: mdtrtId, psn_no: EMPLOYEE.psnNo, chrg_bchno: 'B1', med_list_codg: f.codg, medins_list_codg: `H-${i}`, det_item_fee_sumamt: fenToYuan(f.fen), cnt: 1, pric: fenToYuan(f.fen), fee_ocur_time: '2024-01-15 09:10:00', bilg_dept_codg: 'A03', bilg_dr_codg: 'D0001' })) },
  }));
  const settle = { data: { psn_no: EMPLOYEE.psnNo, mdtrt_cert_type: '02', mdtrt_cert_no: EMPLOYEE.certno, med_type: '11', medfee_sumamt: fenToYuan(TOTAL_FEN), psn_setlway: '01', mdtrt_id: mdtrtId, chrg_bchno: 'B1', acct_used_flag: '1', insutype: EMPLOYEE.insutype } };
  await timed(t, '2206', () => client.call({ infno: '2206', msgid: nextMsgid(), insuplcAdmdvs: area, input: settle }));
  await timed(t, '2207', () => client.call({ infno: '2207', msgid: nextMsgid(), insuplcAdmdvs: area, input: settle }));
}

function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}
const round2 = (x: number) => Math.round(x * 100) / 100;

/** Runs `worker` on `lanes` lanes until the deadline; returns how many iterations finished. */
async function runFor(ms: number, lanes: number, worker: (i: number) => Promise<void>): Promise<{ count: number; elapsedMs: number }> {
  const start = performance.now();
  const deadline = start + ms;
  let count = 0;
  let next = 0;
  await Promise.all(Array.from({ length: lanes }, async () => {
    while (performance.now() < deadline) {
      await worker(next++);
      count++;
    }
  }));
  return { count, elapsedMs: performance.now() - start };
}

async function bareBaseline(bodyBytes: number): Promise<{ sequentialMs: number[]; perSecond: number }> {
  const answer = JSON.stringify({ infcode: 0, output: { pad: 'x'.repeat(Math.max(0, bodyBytes - 30)) } });
  const server = createServer((req, res) => void readBody(req).then(() => sendText(res, 200, answer)));
  const sockets = trackSockets(server);
  const url = await listen(server, 0, '127.0.0.1');
  const body = JSON.stringify({ pad: 'y'.repeat(bodyBytes) });
  const once = async () => {
    const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body, signal: AbortSignal.timeout(5000) });
    await r.text();
  };
  try {
    for (let i = 0; i < 200; i++) await once(); // warm-up: JIT and keep-alive
    const sequentialMs: number[] = [];
    await runFor((seconds * 1000) / 2, 1, async () => {
      const s = performance.now();
      await once();
      sequentialMs.push(performance.now() - s);
    });
    const conc = await runFor((seconds * 1000) / 2, concurrency, once);
    return { sequentialMs, perSecond: (conc.count * 1000) / conc.elapsedMs };
  } finally {
    await closeServer(server, sockets);
  }
}

async function main(): Promise<void> {
  const sim = await startPlatformSimulator({ fixturesDir, seed: 1 });
  const client = createPlatformClient({ baseUrl: sim.url, context: simEnvelopeContext, timeoutMs: 10_000 });
  const empty = (): Timings => ({ '1101': [], '2201': [], '2204': [], '2206': [], '2207': [] });
  try {
    for (let i = 0; i < 50; i++) await settleOnce(client, empty(), -1 - i); // warm-up
    const sequential = empty();
    const seq = await runFor(seconds * 1000, 1, (i) => settleOnce(client, sequential, i));
    const parallel = empty();
    const par = await runFor(seconds * 1000, concurrency, (i) => settleOnce(client, parallel, 1_000_000 + i));
    const ledger = sim.ledger();

    // A bare round trip the size of a typical request of this run.
    const base = await bareBaseline(1500);
    const baseSorted = [...base.sequentialMs].sort((a, b) => a - b);
    const baseP50 = percentile(baseSorted, 50);

    const perCall: Record<string, { p50_ms: number; p99_ms: number; p50_vs_bare: number; calls: number }> = {};
    for (const infno of INFNOS) {
      const xs = [...sequential[infno]].sort((a, b) => a - b);
      perCall[infno] = { p50_ms: round2(percentile(xs, 50)), p99_ms: round2(percentile(xs, 99)), p50_vs_bare: round2(percentile(xs, 50) / baseP50), calls: xs.length };
    }
    const settlementsPerS = (par.count * 1000) / par.elapsedMs;
    const sequentialPerS = (seq.count * 1000) / seq.elapsedMs;
    // Five round trips make a settlement, so the bare transport's ceiling is its rate / 5.
    const bareCeiling = base.perSecond / INFNOS.length;
    console.log(`sequential: ${seq.count} settlements in ${(seq.elapsedMs / 1000).toFixed(1)} s; concurrency ${concurrency}: ${par.count}`);
    console.log(`simulator ledger: ${ledger.settlements.length} settlements, ${ledger.visits.length} visits`);
    console.log(JSON.stringify({
      bench: 'platform',
      seconds,
      concurrency,
      settlements_per_s: round2(settlementsPerS),
      settlements_per_s_sequential: round2(sequentialPerS),
      per_call: perCall,
      baseline: { what: 'bare HTTP POST round trip on loopback, same fetch, 1.5 kB body', p50_ms: round2(baseP50), p99_ms: round2(percentile(baseSorted, 99)), round_trips_per_s: round2(base.perSecond) },
      ratio_settlements_vs_bare_ceiling: round2(settlementsPerS / bareCeiling),
    }));
  } finally {
    await sim.close();
  }
}

await main();
