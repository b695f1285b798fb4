// The simulator as hospital IT runs it: `tsx terminal/sim/platform/cli.ts --port 0` in its own process,
// which prints its URL, answers a call, takes --hospital-level and --faults, refuses a bad flag with a
// message, and exits cleanly on SIGTERM.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPlatformClient, type CallOutcome } from '../../insurance/client';
import { formatMsgid } from '../../insurance/msgid';
import { simEnvelopeContext } from './context';

const cliScript = fileURLToPath(new URL('./cli.ts', import.meta.url));
const dir = mkdtempSync(join(tmpdir(), 'sim-cli-'));
let seq = 0;
const msgid = () => formatMsgid(simEnvelopeContext.fixmedins_code, new Date(), ++seq);

interface Run { child: ChildProcess; exit: Promise<{ code: number | null; stderr: string }> }

function run(args: string[]): Run {
  // One process, as `npm run sim:platform` runs it: tsx's CLI wrapper relays a SIGTERM with 30 ms waits
  // for its child's report and SIGKILLs the child when a busy machine misses them (exit 143, not 0).
  const child = spawn(process.execPath, ['--import', 'tsx', cliScript, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (d: string) => (stderr += d));
  const exit = new Promise<{ code: number | null; stderr: string }>((resolve) => child.on('exit', (code) => resolve({ code, stderr })));
  return { child, exit };
}

/** The first stdout line is the URL; a process that dies or stays silent fails the test instead of hanging it. */
function urlOf(r: Run): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`no URL within 20 s; stdout: ${out}`)), 20_000);
    r.child.stdout?.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      const line = out.split('\n')[0] ?? '';
      if (out.includes('\n')) {
        clearTimeout(timer);
        resolve(line.trim());
      }
    });
    void r.exit.then(({ code, stderr }) => {
      clearTimeout(timer);
      reject(new Error(`exited with ${String(code)} before printing a URL: ${stderr}`));
    });
  });
}

async function stop(r: Run): Promise<number | null> {
  r.child.kill('SIGTERM');
  return (await r.exit).code;
}

const signIn = (url: string): Promise<CallOutcome> =>
  createPlatformClient({ baseUrl: url, context: simEnvelopeContext, timeoutMs: 5000 }).call({ infno: '9001', msgid: msgid(), input: { signIn: { opter_no: 'KIOSK-01', mac: 'm', ip: 'i' } } });

async function ledger(url: string): Promise<{ hospitalLevel: number; signIns: unknown[] }> {
  return (await (await fetch(`${url}/sim/ledger`)).json()) as { hospitalLevel: number; signIns: unknown[] };
}

describe('platform simulator CLI', () => {
  const running: Run[] = [];
  after(() => {
    for (const r of running) if (r.child.exitCode === null) r.child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('--port 0 prints its URL, answers a call, and exits 0 on SIGTERM', async () => {
    const r = run(['--port', '0']);
    running.push(r);
    const url = await urlOf(r);
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const o = await signIn(url);
    assert.equal(o.kind, 'ok', JSON.stringify(o).slice(0, 300));
    const books = await ledger(url);
    assert.equal(books.signIns.length, 1);
    assert.equal(books.hospitalLevel, 3, 'tertiary by default');
    assert.equal(await stop(r), 0);
  });

  it('--faults FILE is in force from the first call; --hospital-level sets the level', async () => {
    const plan = join(dir, 'plan.json');
    writeFileSync(plan, JSON.stringify({ seed: 3, rules: [{ kind: 'wrong-infcode', infcode: 5, infnos: ['9001'], count: 1 }] }));
    const r = run(['--port', '0', '--faults', plan, '--hospital-level', '1']);
    running.push(r);
    const url = await urlOf(r);
    const first = await signIn(url);
    assert.ok(first.kind === 'unknown' && /infcode 5/.test(first.detail), JSON.stringify(first).slice(0, 300));
    assert.equal((await signIn(url)).kind, 'ok', 'count 1: the second call is answered');
    assert.equal((await ledger(url)).hospitalLevel, 1);
    assert.equal(await stop(r), 0);
  });

  it('refuses a fault plan that does not parse, naming the field, and a hospital level out of range', async () => {
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ rules: [{ kind: 'meteor' }] }));
    const planRun = run(['--port', '0', '--faults', bad]);
    running.push(planRun);
    const planExit = await planRun.exit;
    assert.equal(planExit.code, 2);
    assert.match(planExit.stderr, /--faults .*bad\.json: not a fault plan/);
    assert.match(planExit.stderr, /kind/);
    const levelRun = run(['--port', '0', '--hospital-level', '4']);
    running.push(levelRun);
    const levelExit = await levelRun.exit;
    assert.equal(levelExit.code, 2);
    assert.match(levelExit.stderr, /--hospital-level must be 1, 2 or 3/);
  });
});
