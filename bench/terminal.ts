// The terminal benchmark (`npm run bench:terminal`): whole visits through the API the screens use
// (session.begin -> credential.text with a fresh 医保码 -> confirm -> receipt -> reset) against the
// embedded platform simulator, the terminal's own time per visit beside the platform's (every HTTP
// round trip to the simulator, timed at the fetch the terminal's client makes, summed per visit);
// the admin overview and 查询 (history: identify, list past payments); start of the core (and to
// payments taken: a large journal's page walk runs after the start, journal/page-check.ts); and cold
// start (the web host spawned, to the attract screen in headless Chromium). Then
// the same on a journal holding a year of visits (~200,000 closed ones, copied in one transaction
// from the visits just made, so the rows are the terminal's own). Last line: one JSON object.
//
//   --visits=n        measured visits per journal (40)      --year=n   closed visits in the year (200000)
//   --cold=n          cold starts per journal (3)           --no-cold  skip the Chromium figures
//   --keep            leave the two data folders for a look afterwards
//   --restarts=n      starts of the core on each existing journal, in turns (3): the start-time row
//   --no-year         the empty journal only (for a profile of the visits: node --cpu-prof)
//   --cold-against=DIR  also cold-start another checkout's built web host (DIR/dist/web/cli.mjs, with
//                     DIR's UI and fixtures; built there first) in the same turns: before/after in one run
//
// Cold start is timed for the built web host (dist/web/cli.mjs, built here first, as `npm run
// start:web` runs it) beside the TypeScript source through tsx and a bare node process, in turns.
// The visits run again with the journal on tmpfs (/dev/shm) to show what the disk's fsyncs cost.
//
// The HIS is a small stub here (one fresh bill a visit for the same patient, so any number of visits
// can be paid); its round trips are timed too and kept out of the terminal's figure.
import { spawn, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Database from 'better-sqlite3';
import { parseConfig } from '../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../terminal/app/start-terminal';
import { journalFiles } from '../terminal/journal/storage';
import { walkStampFile } from '../terminal/journal/walk-stamp';
import type { SessionView, TerminalEvent } from '../terminal/api/schema';
import { hashPin } from '../terminal/staff/staff-pin';
import { launchBrowser } from '../test/e2e/browser';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const VISITS = Number(args.get('visits') ?? 40);
const YEAR = Number(args.get('year') ?? 200_000);
const COLD_RUNS = args.has('no-cold') ? 0 : Number(args.get('cold') ?? 3);
const COLD_AGAINST = args.get('cold-against') ? resolve(args.get('cold-against')!) : null;
const RESTARTS = Number(args.get('restarts') ?? 3);
const root = resolve(import.meta.dirname, '..');
const fixturesDir = join(root, 'fixtures');
const PIN = '482915';
const EMPLOYEE_CERTNO = '33010219800101123X';

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const round = (n: number, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
const log = (...parts: unknown[]) => console.log(...parts);

// ---- time spent waiting on the platform and the HIS, as the terminal's own fetches see it ----
const waited = { platform: 0, his: 0, platformCalls: 0 };
let platformBase = '';
let hisBase = '';
const realFetch = globalThis.fetch;
globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  const t0 = performance.now();
  try {
    const res = await realFetch(input, init);
    // The body is part of the round trip: read it here so the time is the platform's, not ours.
    const body = await res.arrayBuffer();
    return new Response(body, { status: res.status, statusText: res.statusText, headers: res.headers });
  } finally {
    const ms = performance.now() - t0;
    if (platformBase && url.startsWith(platformBase)) {
      waited.platform += ms;
      waited.platformCalls++;
    } else if (hisBase && url.startsWith(hisBase)) waited.his += ms;
  }
};

/** A HIS with one unpaid bill for the employee at a time: the fixture's, under a new id after each payment. */
async function startHisStub(): Promise<{ url: string; close(): Promise<void> }> {
  const orders = JSON.parse(readFileSync(join(fixturesDir, 'his', 'orders.json'), 'utf8')) as { bills: Array<Record<string, unknown> & { billId: string; certno: string; items: Array<Record<string, unknown> & { feedetlSn: string }> }> };
  const template = orders.bills.find((b) => b.certno === EMPLOYEE_CERTNO && !b.inpatient)!;
  let n = 0;
  const current = () => {
    const { certno: _c, inpatient: _i, ...bill } = template;
    const billId = `${template.billId}-B${n}`;
    return { ...bill, billId, items: template.items.map((i) => ({ ...i, feedetlSn: `${billId}-${i.feedetlSn}` })) };
  };
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const path = (req.url ?? '').split('?')[0] ?? '';
      const send = (status: number, body: unknown) => {
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      if (path === '/his/pending-bills') return send(200, { bills: (JSON.parse(text) as { certno: string }).certno === EMPLOYEE_CERTNO ? [current()] : [] });
      if (path === '/his/reports') return send(200, []);
      if (path === '/his/discharge-list') return send(200, { inpatients: [] });
      // Claims (fixtures/his/README.md): the stub grants every claim for an hour; one kiosk, one patient.
      const claim = /^\/his\/bills\/([^/]+)\/claim(\/renew)?$/.exec(path);
      if (claim && req.method === 'DELETE') return send(200, { billId: decodeURIComponent(claim[1]!), released: true });
      if (claim) {
        const body = JSON.parse(text) as { claimId?: string; visitId?: string };
        return send(200, { claimId: body.claimId ?? `C-${body.visitId}`, expiresAt: new Date(Date.now() + 3_600_000).toISOString() });
      }
      const paid = /^\/his\/bills\/([^/]+)\/paid$/.exec(path);
      if (paid) {
        if (decodeURIComponent(paid[1]!) === current().billId) n++;
        return send(200, { billId: paid[1], paid: true });
      }
      return send(404, { error: 'not found' });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const address = server.address() as { port: number };
  return { url: `http://127.0.0.1:${address.port}`, close: () => new Promise((r) => server.close(() => r())) };
}

function configFor(hisUrl: string): Record<string, unknown> {
  return {
    devices: [],
    his: { mode: 'remote', baseUrl: hisUrl },
    admin: { pinScrypt: hashPin(PIN) },
    settlement: { replayIntervalMs: 60_000 },
    // One patient pays every visit here: the repeat alert still runs (its cost is the terminal's) but does not hold.
    alerts: { rapidRepeat: { hold: false } },
  };
}

function nextStep(terminal: RunningTerminal, steps: Array<SessionView['step']>): Promise<SessionView> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      stop();
      fail(new Error(`none of ${steps.join('/')} within 60 s`));
    }, 60_000);
    const stop = terminal.api.subscribe((event: TerminalEvent) => {
      if (event.type === 'session' && steps.includes(event.session.step)) {
        clearTimeout(timer);
        stop();
        done(event.session);
      }
    });
  });
}

interface VisitTiming {
  total: number;
  platform: number;
  his: number;
  terminal: number;
  calls: number;
}

/** One whole visit through the API; the platform's and the HIS's time measured around it. */
async function visit(terminal: RunningTerminal): Promise<VisitTiming> {
  const qr = terminal.simulators.platform!.mintEcQr('employee');
  const before = { ...waited };
  const t0 = performance.now();
  await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
  const atConfirm = nextStep(terminal, ['confirm', 'error']);
  await terminal.api.execute({ type: 'credential.text', text: qr });
  const confirm = await atConfirm;
  if (confirm.step !== 'confirm') throw new Error(`visit stopped at ${confirm.step}: ${JSON.stringify(confirm.error)}`);
  const done = await terminal.api.execute({ type: 'session.confirm', settlementId: confirm.settlementId! });
  if (!done.ok || done.session.step !== 'receipt') throw new Error(`no receipt: ${JSON.stringify(done).slice(0, 300)}`);
  const total = performance.now() - t0;
  await terminal.api.execute({ type: 'session.reset' });
  const platform = waited.platform - before.platform;
  const his = waited.his - before.his;
  return { total, platform, his, terminal: total - platform - his, calls: waited.platformCalls - before.platformCalls };
}

/** Times of `reps` runs, and the failures (with how long each took to fail) instead of stopping. */
async function timeOrError(fn: () => Promise<unknown>, reps: number): Promise<{ ms: number[]; errors: string[] }> {
  const ms: number[] = [];
  const errors: string[] = [];
  for (let i = 0; i < reps; i++) {
    const t0 = performance.now();
    try {
      await fn();
      ms.push(performance.now() - t0);
    } catch (error) {
      errors.push(`${Math.round(performance.now() - t0)} ms: ${(error as Error).message.slice(0, 160)}`);
    }
  }
  return { ms, errors };
}

interface Figures {
  /** startTerminal to resolved: the core up, its screens served. */
  start_ms: number;
  /** startTerminal to payments taken: with a large journal, its page walk after the start too. */
  ready_ms: number;
  visit_ms_p50: number;
  visit_ms_p95: number;
  platform_ms_p50: number;
  platform_ms_p95: number;
  terminal_ms_p50: number;
  terminal_ms_p95: number;
  his_ms_p50: number;
  platform_calls_per_visit: number;
  overview_ms_p50: number;
  history_ms_p50: number;
  errors: string[];
  cold_start_ms_p50?: number;
  cold_host_ready_ms_p50?: number;
  cold_host_cpu_ms_p50?: number | null;
  cold_start_source_ms_p50?: number;
  cold_host_ready_source_ms_p50?: number;
  cold_host_cpu_source_ms_p50?: number | null;
  node_bare_start_ms_p50?: number;
  cold_page_ms_p50?: number;
  cold_start_against_ms_p50?: number;
  cold_host_ready_against_ms_p50?: number;
  cold_host_cpu_against_ms_p50?: number | null;
  cold_page_against_ms_p50?: number;
}

async function measure(label: string, dataDir: string, hisUrl: string): Promise<Figures> {
  const t0 = performance.now();
  const terminal = await startTerminal({ config: parseConfig(configFor(hisUrl)), dataDir, fixturesDir });
  const start = performance.now() - t0;
  platformBase = terminal.simulators.platform!.url;
  try {
    // A large journal's page walk runs after the start (journal/page-check.ts); payments wait for it.
    const checked = await terminal.journalChecked;
    if (checked !== 'ok') throw new Error(`${label}: the journal failed its page walk after the start`);
    const ready = performance.now() - t0;
    for (let i = 0; i < 3; i++) await visit(terminal); // warm-up: JIT, the simulator's first answers
    const visits: VisitTiming[] = [];
    for (let i = 0; i < VISITS; i++) visits.push(await visit(terminal));
    const overview = await timeOrError(async () => {
      const r = await terminal.api.execute({ type: 'admin.overview', pin: PIN });
      if (!r.ok) throw new Error(`overview: ${JSON.stringify(r).slice(0, 200)}`);
    }, 7);
    const history = await timeOrError(async () => {
      await terminal.api.execute({ type: 'history.begin' });
      const shown = nextStep(terminal, ['history', 'error']);
      await terminal.api.execute({ type: 'credential.text', text: terminal.simulators.platform!.mintEcQr('employee') });
      const view = await shown;
      await terminal.api.execute({ type: 'session.reset' });
      if (view.step !== 'history') throw new Error(`history: ${JSON.stringify(view.error)}`);
    }, 7);
    const pick = (k: keyof VisitTiming, p: number) => round(percentile(visits.map((v) => v[k]), p));
    const figures: Figures = {
      start_ms: round(start),
      ready_ms: round(ready),
      visit_ms_p50: pick('total', 50),
      visit_ms_p95: pick('total', 95),
      platform_ms_p50: pick('platform', 50),
      platform_ms_p95: pick('platform', 95),
      terminal_ms_p50: pick('terminal', 50),
      terminal_ms_p95: pick('terminal', 95),
      his_ms_p50: pick('his', 50),
      platform_calls_per_visit: round(percentile(visits.map((v) => v.calls), 50), 0),
      overview_ms_p50: round(percentile(overview.ms, 50)),
      history_ms_p50: round(percentile(history.ms, 50)),
      errors: [...overview.errors.map((e) => `overview ${e}`), ...history.errors.map((e) => `查询 ${e}`)],
    };
    if (figures.errors.length > 0) log(`${label}: failures:`, figures.errors);
    log(`${label}: start ${figures.start_ms} ms, payments open at ${figures.ready_ms} ms; visit p50/p95 ${figures.visit_ms_p50}/${figures.visit_ms_p95} ms = platform ${figures.platform_ms_p50}/${figures.platform_ms_p95} (${figures.platform_calls_per_visit} calls) + terminal ${figures.terminal_ms_p50}/${figures.terminal_ms_p95} (+ HIS ${figures.his_ms_p50}); overview ${figures.overview_ms_p50} ms; 查询 ${figures.history_ms_p50} ms`);
    return figures;
  } finally {
    await terminal.close();
  }
}

/**
 * Starts of the core on journals that already exist (the first start of a process and of a brand-new
 * folder carries work no later start does: the key, the schema, the JIT): each folder in turn, `runs`
 * times, startTerminal to resolved and to payments taken, then closed. Two kinds of start in turns:
 * after a clean close (a kiosk shut down and started again: a large journal whose last walk passed
 * opens to payments at once, journal/walk-stamp.ts) and after a stop that was not clean (the stamp
 * gone: a large journal's page walk holds payments, journal/page-check.ts). Each folder is started
 * and closed once first, uncounted, so it has a clean close on record. Medians.
 */
async function restarts(dirs: Record<string, string>, hisUrl: string, runs: number): Promise<Record<string, { start_ms: number; ready_ms: number; start_after_crash_ms: number; ready_after_crash_ms: number }>> {
  const seen = Object.fromEntries(Object.keys(dirs).map((k) => [k, { start: [] as number[], ready: [] as number[], crashStart: [] as number[], crashReady: [] as number[] }]));
  const once = async (k: string, dir: string, afterCrash: boolean): Promise<[number, number]> => {
    // What a kill -9 or a power cut leaves: no clean close on record.
    if (afterCrash) rmSync(walkStampFile(journalFiles(dir)), { force: true });
    const t0 = performance.now();
    const terminal = await startTerminal({ config: parseConfig(configFor(hisUrl)), dataDir: dir, fixturesDir });
    const started = performance.now() - t0;
    const checked = await terminal.journalChecked;
    const ready = performance.now() - t0;
    await terminal.close();
    if (checked !== 'ok') throw new Error(`${k}: the journal failed its page walk after the start`);
    return [started, ready];
  };
  for (const [k, dir] of Object.entries(dirs)) await once(k, dir, true);
  for (let i = 0; i < runs; i++) {
    for (const [k, dir] of Object.entries(dirs)) {
      const [start, ready] = await once(k, dir, false);
      seen[k]!.start.push(start);
      seen[k]!.ready.push(ready);
      const [crashStart, crashReady] = await once(k, dir, true);
      seen[k]!.crashStart.push(crashStart);
      seen[k]!.crashReady.push(crashReady);
    }
  }
  return Object.fromEntries(
    Object.entries(seen).map(([k, v]) => [
      k,
      { start_ms: round(percentile(v.start, 50)), ready_ms: round(percentile(v.ready, 50)), start_after_crash_ms: round(percentile(v.crashStart, 50)), ready_after_crash_ms: round(percentile(v.crashReady, 50)) },
    ]),
  );
}

/**
 * A year of closed visits: every closed visit already in the journal is the template, copied with
 * new ids, msgids and dates spread over the last 365 days, its events, calls and HIS notice with it,
 * in one transaction. One patient in 2,000 copies is the benchmark's own (a regular patient's year:
 * ~100 visits on the 查询 list), the rest are other people.
 */
function fillYear(dataDir: string, count: number): { rows: number; ms: number; bytes: number } {
  const t0 = performance.now();
  const db = new Database(join(dataDir, 'journal.sqlite'));
  db.pragma('journal_mode = WAL');
  const templates = db.prepare(`SELECT id FROM settlements WHERE state = 'closed' ORDER BY created_at`).all() as Array<{ id: string }>;
  if (templates.length === 0) throw new Error('no closed visit to copy');
  const t = templates.length;
  db.exec(`CREATE TEMP TABLE seq AS WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ${count - 1}) SELECT i FROM n`);
  db.exec(`CREATE TEMP TABLE tpl(k INTEGER PRIMARY KEY, id TEXT)`);
  const insertTpl = db.prepare('INSERT INTO tpl(k, id) VALUES (?, ?)');
  const yearAgo = Date.now() - 365 * 86_400_000;
  db.transaction(() => {
    templates.forEach((row, k) => insertTpl.run(k, row.id));
    // A visit's instant: spread evenly over the year, strictly before now.
    const at = (_column: string) => `strftime('%Y-%m-%dT%H:%M:%fZ', (${yearAgo} + seq.i * ${Math.floor((365 * 86_400_000 - 3_600_000) / count)}) / 1000.0, 'unixepoch')`;
    db.exec(`
      INSERT INTO settlements (id, service, state, psn_no, insutype, insuplc_admdvs, bill_id, total_fen, mdtrt_id, chrg_bchno, setl_id, split_json, pay_method, sealed_context, created_at, updated_at, deferred, slip_no)
      SELECT 'Y' || seq.i, s.service, s.state,
             CASE WHEN seq.i % 2000 = 0 THEN s.psn_no ELSE printf('9%019d', seq.i) END,
             s.insutype, s.insuplc_admdvs, 'YB' || seq.i, s.total_fen, 'YM' || seq.i, 'YC' || seq.i, 'YS' || seq.i, s.split_json, s.pay_method, s.sealed_context,
             ${at('s.created_at')}, ${at('s.updated_at')}, s.deferred, NULL
      FROM seq JOIN tpl ON tpl.k = seq.i % ${t} JOIN settlements s ON s.id = tpl.id;
      INSERT INTO settlement_events (settlement_id, at, from_state, to_state, note)
      SELECT 'Y' || seq.i, ${at('e.at')}, e.from_state, e.to_state, e.note
      FROM seq JOIN tpl ON tpl.k = seq.i % ${t} JOIN settlement_events e ON e.settlement_id = tpl.id ORDER BY seq.i, e.id;
      INSERT INTO outbox (settlement_id, step, infno, msgid, insuplc_admdvs, sealed_input, status, attempts, next_attempt_at, last_error, sealed_response, created_at, updated_at)
      SELECT 'Y' || seq.i, o.step, o.infno, 'Y' || seq.i || '-' || o.id, o.insuplc_admdvs, o.sealed_input, o.status, o.attempts, NULL, o.last_error, coalesce((SELECT r.sealed FROM outbox_replies r WHERE r.outbox_id = o.id), o.sealed_response), ${at('o.created_at')}, ${at('o.updated_at')}
      FROM seq JOIN tpl ON tpl.k = seq.i % ${t} JOIN outbox o ON o.settlement_id = tpl.id ORDER BY seq.i, o.id;
      INSERT INTO his_notices (settlement_id, status, attempts, next_attempt_at, last_error, updated_at)
      SELECT 'Y' || seq.i, h.status, h.attempts, NULL, h.last_error, ${at('h.updated_at')}
      FROM seq JOIN tpl ON tpl.k = seq.i % ${t} JOIN his_notices h ON h.settlement_id = tpl.id;
    `);
  })();
  const rows = (db.prepare(`SELECT count(*) AS n FROM settlements WHERE state = 'closed'`).get() as { n: number }).n;
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.close();
  const bytes = statSync(join(dataDir, 'journal.sqlite')).size;
  return { rows, ms: performance.now() - t0, bytes };
}

/** CPU seconds (user + system) a live process has used so far, from /proc: what it cost, whatever the load. */
function cpuMsOf(pid: number): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').replace(/^.*\) /, '').split(' ');
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100; // utime, stime in USER_HZ (100 on Linux)
  } catch {
    return null;
  }
}

// How the web host starts: the built bundle as `npm run start:web` runs it, the TypeScript source
// through tsx as it ran before (the same run's baseline), and a bare node process printing the same
// line (the floor: what starting any node process costs on this machine right now).
type HostKind = 'bundle' | 'source' | 'bare' | 'against';
const HOSTS: Partial<Record<HostKind, (cfg: string, data: string) => string[]>> = {
  bundle: (cfg, data) => [join(root, 'dist/web/cli.mjs'), '--config', cfg, '--data', data],
  source: (cfg, data) => ['--import', 'tsx', join(root, 'terminal/host/web/cli.ts'), '--config', cfg, '--data', data],
  bare: () => ['-e', "console.log('terminal web host: none')"],
  // Another checkout's build (--cold-against), in the same turns: its own data folder, the same config.
  ...(COLD_AGAINST ? { against: (cfg: string, data: string) => [join(COLD_AGAINST, 'dist/web/cli.mjs'), '--config', cfg, '--data', `${data}-against`] } : {}),
};
const hostKinds = Object.keys(HOSTS) as HostKind[];
type ColdByKind = Record<Exclude<HostKind, 'against'>, ColdFigures> & { against?: ColdFigures };

interface ColdFigures {
  /** Process spawned to the attract screen in Chromium. */
  total: number;
  /** Process spawned to the host's "listening" line. */
  hostReady: number;
  /** CPU the host process had used when it listened (load moves this little; wall time a lot). */
  hostCpu: number | null;
  /** Listening to the attract screen: the browser's part (the page, its script, the first round trips). */
  page: number;
}

/** Web host process start to the attract screen in Chromium, `runs` times per kind, the kinds taking turns (so load falls on all alike); medians. */
async function coldStart(dataDir: string, hisUrl: string, runs: number): Promise<ColdByKind> {
  const configFile = join(dataDir, '..', `bench-terminal-${Date.now()}.json`);
  writeFileSync(configFile, JSON.stringify(configFor(hisUrl)));
  const browser = await launchBrowser();
  const seen = Object.fromEntries(hostKinds.map((k) => [k, { total: [] as number[], ready: [] as number[], cpu: [] as number[], page: [] as number[] }])) as Record<HostKind, { total: number[]; ready: number[]; cpu: number[]; page: number[] }>;
  try {
    for (let i = 0; i < runs; i++) {
      // The order turns around every round: a kind always run right after another's teardown (a
      // renderer and a host still exiting) would carry that load in every one of its figures.
      for (const kind of i % 2 === 0 ? hostKinds : [...hostKinds].reverse()) {
        const page = await browser.newPage({ viewport: { width: 1080, height: 1500 } });
        const t0 = performance.now();
        const child = spawn(process.execPath, HOSTS[kind]!(configFile, dataDir), { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
        let errors = '';
        child.stderr.on('data', (c: Buffer) => (errors += c.toString()));
        const exited = new Promise<void>((r) => (child.exitCode !== null ? r() : child.on('exit', () => r())));
        try {
          const url = await new Promise<string>((done, fail) => {
            let out = '';
            child.stdout.on('data', (c: Buffer) => {
              out += c.toString();
              const m = /terminal web host: (\S+)/.exec(out);
              if (m) done(m[1]!);
            });
            child.on('exit', (code) => fail(new Error(`web host exited ${code}: ${errors.slice(0, 500)}`)));
          });
          const ready = performance.now() - t0;
          seen[kind].ready.push(ready);
          const cpu = child.pid === undefined ? null : cpuMsOf(child.pid);
          if (cpu !== null) seen[kind].cpu.push(cpu);
          if (kind === 'bare') continue; // nothing to show: the floor is the process start alone
          await page.goto(url);
          await page.getByTestId('screen-idle').waitFor({ timeout: 120_000 });
          seen[kind].total.push(performance.now() - t0);
          seen[kind].page.push(performance.now() - t0 - ready);
        } finally {
          child.kill('SIGTERM');
          await exited;
          await page.close();
        }
      }
    }
  } finally {
    await browser.close();
    rmSync(configFile, { force: true });
  }
  const med = (v: number[]) => (v.length === 0 ? NaN : round(percentile(v, 50)));
  return Object.fromEntries(
    Object.entries(seen).map(([k, v]) => [k, { total: med(v.total), hostReady: med(v.ready), hostCpu: v.cpu.length === 0 ? null : med(v.cpu), page: med(v.page) }]),
  ) as ColdByKind;
}

/** The bundle `npm run start:web` runs, and the UI it serves, built before any start is timed. */
function buildForColdStart(): void {
  const run = (args: string[]) => {
    const r = spawnSync(args[0]!, args.slice(1), { cwd: root, stdio: 'inherit' });
    if (r.status !== 0) throw new Error(`${args.join(' ')} failed (${r.status ?? r.signal})`);
  };
  for (const dir of COLD_AGAINST ? [root, COLD_AGAINST] : [root]) {
    if (!existsSync(join(dir, 'dist/ui/index.html'))) run(['npm', '--prefix', dir, 'run', 'build:ui']);
    run([process.execPath, join(dir, 'scripts/build-web.mjs')]);
  }
}

function coldFields(cold: ColdByKind): Partial<Figures> {
  return {
    cold_start_ms_p50: cold.bundle.total,
    cold_host_ready_ms_p50: cold.bundle.hostReady,
    cold_host_cpu_ms_p50: cold.bundle.hostCpu,
    cold_start_source_ms_p50: cold.source.total,
    cold_host_ready_source_ms_p50: cold.source.hostReady,
    cold_host_cpu_source_ms_p50: cold.source.hostCpu,
    node_bare_start_ms_p50: cold.bare.hostReady,
    cold_page_ms_p50: cold.bundle.page,
    ...(cold.against
      ? { cold_start_against_ms_p50: cold.against.total, cold_host_ready_against_ms_p50: cold.against.hostReady, cold_host_cpu_against_ms_p50: cold.against.hostCpu, cold_page_against_ms_p50: cold.against.page }
      : {}),
  };
}

function logCold(label: string, cold: ColdByKind): void {
  log(
    `${label}: cold start (spawn to the attract screen) ${cold.bundle.total} ms built, ${cold.source.total} ms from source (tsx) = ${round(cold.bundle.total / cold.source.total, 2)}x; ` +
      `listening at ${cold.bundle.hostReady} / ${cold.source.hostReady} ms (CPU ${cold.bundle.hostCpu} / ${cold.source.hostCpu} ms); a bare node process ${cold.bare.hostReady} ms; ` +
      `listening to the attract screen ${cold.bundle.page} ms`,
  );
  const a = cold.against;
  if (a)
    log(
      `${label}: against ${COLD_AGAINST}: cold start ${cold.bundle.total} ms here, ${a.total} ms there = ${round(cold.bundle.total / a.total, 2)}x; ` +
        `listening at ${cold.bundle.hostReady} / ${a.hostReady} ms = ${round(cold.bundle.hostReady / a.hostReady, 2)}x (CPU ${cold.bundle.hostCpu} / ${a.hostCpu} ms = ${cold.bundle.hostCpu && a.hostCpu ? round(cold.bundle.hostCpu / a.hostCpu, 2) : '?'}x); ` +
        `listening to the attract screen ${cold.bundle.page} / ${a.page} ms`,
    );
}

async function main(): Promise<void> {
  const started = performance.now();
  const his = await startHisStub();
  hisBase = his.url;
  const work = mkdtempSync(join(tmpdir(), 'bench-terminal-'));
  const emptyDir = join(work, 'empty');
  const yearDir = join(work, 'year');
  try {
    if (COLD_RUNS > 0) buildForColdStart();
    // The same start on a brand-new folder, for the start-time baseline (a first start also creates the key and schema).
    const empty = await measure('empty journal', emptyDir, his.url);
    // The same visits with the journal on tmpfs, where fsync waits for no disk: what is left is the
    // terminal's own work, so the difference is what durable writes cost on this disk in this run.
    const shm = existsSync('/dev/shm') ? mkdtempSync('/dev/shm/bench-terminal-') : null;
    let tmpfs: Figures | null = null;
    try {
      if (shm) tmpfs = await measure('journal on tmpfs', join(shm, 'data'), his.url);
    } finally {
      if (shm) rmSync(shm, { recursive: true, force: true });
    }
    const overhead = {
      terminal_ms_p50: empty.terminal_ms_p50,
      terminal_ms_p95: empty.terminal_ms_p95,
      platform_ms_p50: empty.platform_ms_p50,
      platform_ms_p95: empty.platform_ms_p95,
      terminal_over_platform_p95: round(empty.terminal_ms_p95 / empty.platform_ms_p95, 2),
      tmpfs_terminal_ms_p50: tmpfs?.terminal_ms_p50 ?? null,
      tmpfs_terminal_ms_p95: tmpfs?.terminal_ms_p95 ?? null,
    };
    if (COLD_RUNS > 0) {
      const cold = await coldStart(emptyDir, his.url, COLD_RUNS);
      Object.assign(empty, coldFields(cold));
      logCold('empty journal', cold);
    }
    const cold = {
      cold_start_ms: empty.cold_start_ms_p50 ?? null,
      cold_start_source_ms: empty.cold_start_source_ms_p50 ?? null,
      cold_start_built_over_source: empty.cold_start_ms_p50 && empty.cold_start_source_ms_p50 ? round(empty.cold_start_ms_p50 / empty.cold_start_source_ms_p50, 2) : null,
      cold_host_cpu_ms: empty.cold_host_cpu_ms_p50 ?? null,
      node_bare_start_ms: empty.node_bare_start_ms_p50 ?? null,
      cold_start_against_ms: empty.cold_start_against_ms_p50 ?? null,
      cold_start_over_against: empty.cold_start_ms_p50 && empty.cold_start_against_ms_p50 ? round(empty.cold_start_ms_p50 / empty.cold_start_against_ms_p50, 2) : null,
    };
    if (args.has('no-year')) {
      console.log(JSON.stringify({ visits: VISITS, ...overhead, ...cold, empty, tmpfs, goals: { terminal_p95_under_150ms: empty.terminal_ms_p95 < 150, cold_start_under_2s: cold.cold_start_ms === null ? null : cold.cold_start_ms < 2000 } }));
      return;
    }
    // The year: a copy of the journal just used, its closed visits multiplied to a year's worth.
    mkdirSync(yearDir);
    for (const f of ['journal.key', 'journal.sqlite']) copyFileSync(join(emptyDir, f), join(yearDir, f));
    const filled = fillYear(yearDir, YEAR);
    log(`year: ${filled.rows} closed visits in the journal (${(filled.bytes / 1e6).toFixed(0)} MB), filled in ${round(filled.ms / 1000)} s`);
    const restarted = await restarts({ empty: emptyDir, year: yearDir }, his.url, RESTARTS);
    const over = (k: 'start_ms' | 'ready_ms' | 'start_after_crash_ms' | 'ready_after_crash_ms') => round(restarted.year![k] / restarted.empty![k], 2);
    const restartOverEmpty = { start: over('start_ms'), ready: over('ready_ms'), start_after_crash: over('start_after_crash_ms'), ready_after_crash: over('ready_after_crash_ms') };
    log(`restarts (medians of ${RESTARTS}, in turns): after a clean close: empty start ${restarted.empty!.start_ms} ms, payments open ${restarted.empty!.ready_ms} ms; year start ${restarted.year!.start_ms} ms, payments open ${restarted.year!.ready_ms} ms; after a crash: empty ${restarted.empty!.start_after_crash_ms}/${restarted.empty!.ready_after_crash_ms} ms, year ${restarted.year!.start_after_crash_ms}/${restarted.year!.ready_after_crash_ms} ms; year over empty ${JSON.stringify(restartOverEmpty)}`);
    const year = await measure('year of visits', yearDir, his.url);
    if (COLD_RUNS > 0) {
      const cold = await coldStart(yearDir, his.url, COLD_RUNS);
      Object.assign(year, coldFields(cold));
      logCold('year of visits', cold);
    }
    const ratio = (k: keyof Figures) => (empty[k] && year[k] ? round((year[k] as number) / (empty[k] as number), 2) : null);
    const out: Record<string, unknown> = {
      visits: VISITS,
      ...overhead,
      visit_ms_p50: empty.visit_ms_p50,
      visit_ms_p95: empty.visit_ms_p95,
      ...cold,
      year_closed_visits: filled.rows,
      year_fill_s: round(filled.ms / 1000),
      year_journal_mb: round(filled.bytes / 1e6),
      restarts: restarted,
      restart_year_over_empty: restartOverEmpty,
      year_over_empty: {
        start: ratio('start_ms'),
        ready: ratio('ready_ms'),
        cold_start: ratio('cold_start_ms_p50'),
        visit_p50: ratio('visit_ms_p50'),
        terminal_p50: ratio('terminal_ms_p50'),
        overview: ratio('overview_ms_p50'),
        history: ratio('history_ms_p50'),
      },
      empty,
      tmpfs,
      year,
      goals: {
        terminal_p95_under_150ms: empty.terminal_ms_p95 < 150 && year.terminal_ms_p95 < 150,
        cold_start_under_2s: empty.cold_start_ms_p50 === undefined ? null : empty.cold_start_ms_p50 < 2000,
      },
      total_s: round((performance.now() - started) / 1000),
    };
    console.log(JSON.stringify(out));
  } finally {
    await his.close();
    if (args.has('keep')) log(`kept ${work}`);
    else rmSync(work, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
