// The vendor-library bridge against a real shared library: fake-vendor.c, built here with gcc, has
// the vendors' signatures (ReadCardBas, EcQuery, NationEcTrans, Init) and does what the test says
// at each call: answer, answer nothing (no card), hang, crash (a NULL write: SIGSEGV) or write
// garbage. The terminal process (this one) must come through every one of them.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { buildFakeVendorLibrary, type FakeVendorLibrary } from '../testing/fake-vendor';
import { waitFor } from '../testing/wait';
import { createVendorLibDevice, type VendorLibDevice, type VendorLibEvent, type VendorLibOptions } from './device';
import { createLibraryHost, forkWorker, resolveWorker, VendorCallError, type StartWorker } from './host';
import { ecInData } from './interfaces';

// Process starts under tsx on shared cores take seconds: waits are generous, nothing is timed.
const WAIT = 30_000;
const request = { orgId: 'H44030000001', businessType: '01301', operatorId: 'K1', operatorName: '自助机', officeId: '', officeName: '', deviceType: '7', transType: 'ec.query' };

/** Bundles the worker as CommonJS, as the packaged app ships it, into a folder under node_modules (so it finds koffi). */
async function bundleWorker(dir: string): Promise<string> {
  const workerPath = join(dir, 'vendor-lib-worker.cjs');
  await build({ entryPoints: [new URL('./worker.ts', import.meta.url).pathname], outfile: workerPath, bundle: true, platform: 'node', format: 'cjs', external: ['koffi'], logLevel: 'silent' });
  return workerPath;
}

let lib: FakeVendorLibrary;
// The devices below start their worker from a bundle, as the packaged app does: a start from source
// loads TypeScript through tsx each time (seconds on shared cores), and these tests start a fresh
// worker after every hang and crash. The injected-starter test starts it from source (worker.ts).
let bundleDir: string;
let bundledWorker: string;
before(async () => {
  lib = buildFakeVendorLibrary();
  const cacheDir = new URL('../../node_modules/.cache/', import.meta.url).pathname;
  mkdirSync(cacheDir, { recursive: true });
  bundleDir = mkdtempSync(join(cacheDir, 'vendor-lib-worker-'));
  bundledWorker = await bundleWorker(bundleDir);
});
after(() => {
  lib.remove();
  rmSync(bundleDir, { recursive: true, force: true });
});

async function withDevice(options: Partial<VendorLibOptions>, run: (device: VendorLibDevice, events: VendorLibEvent[]) => Promise<void>): Promise<void> {
  const device = createVendorLibDevice({ id: 'vendor-1', library: lib.library, interface: 'read-card-bas', timeoutMs: 5000, pollMs: 40, reconnect: { initialMs: 50, maxMs: 200 }, workerPath: bundledWorker, ...options });
  const events: VendorLibEvent[] = [];
  device.onEvent((e) => events.push(e));
  try {
    await device.start();
    await run(device, events);
  } finally {
    await device.stop();
  }
}

const count = (events: VendorLibEvent[], type: VendorLibEvent['type']) => events.filter((e) => e.type === type).length;
const alive = (pid: number | undefined) => {
  if (pid === undefined) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

describe('vendor library: ReadCardBas (social security card)', () => {
  it('a card read through the library is the card reader\'s events: inserted, card (GBK name), removed', async () => {
    lib.setMode('ok');
    await withDevice({}, async (device, events) => {
      assert.equal(device.health().kind, 'card-reader');
      await waitFor('card', () => count(events, 'card') === 1, WAIT);
      const card = events.find((e) => e.type === 'card');
      assert.ok(card?.type === 'card');
      assert.deepEqual(card.card, { areaCode: '440300', idNumber: '44030019900101123X', cardNumber: 'A12345678', cardSerial: '440300D156000005A1B2C3D4', name: '张三', specVersion: '3.00', issueDate: '20200101', validUntil: '20300101' });
      assert.equal(events[0]?.type, 'card-inserted');
      // The card stays on the reader: polled again, not told again.
      const polledSince = device.health().lastDataAt;
      await waitFor('another poll', () => device.health().lastDataAt !== polledSince, WAIT);
      assert.equal(count(events, 'card'), 1);
      lib.setMode('nocard');
      await waitFor('card-removed', () => count(events, 'card-removed') === 1, WAIT);
      // No card is the library's non-zero answer, not a fault.
      assert.deepEqual({ state: device.health().state, errors: device.health().errorCount }, { state: 'ready', errors: 0 });
    });
  });

  it('a call that hangs: the process is killed at the timeout, the device shows the error, and the next call reads again', async () => {
    lib.setMode('nocard');
    const health: string[] = [];
    await withDevice({ timeoutMs: 1500 }, async (device, events) => {
      device.onHealth((h) => health.push(`${h.state}${h.lastError ? `:${h.lastError}` : ''}`));
      await waitFor('a first answer', () => device.health().lastDataAt !== null, WAIT);
      lib.setMode('hang');
      await waitFor('timeout reported', () => events.find((e) => e.type === 'read-error' && e.code === 'timeout'), WAIT);
      assert.ok(health.some((h) => /^error:timeout: no answer from the library within 1500 ms/.test(h)), health.join('\n'));
      // The event loop was never blocked: this test's own timers ran throughout.
      lib.setMode('ok');
      await waitFor('card after recovery', () => count(events, 'card') === 1, WAIT);
      assert.equal(device.health().state, 'ready');
      assert.ok(device.health().errorCount >= 1);
    });
  });

  it('a call that crashes the library (SIGSEGV): a clear error, this process lives on, the next call works', async () => {
    lib.setMode('nocard');
    await withDevice({}, async (device, events) => {
      await waitFor('a first answer', () => device.health().lastDataAt !== null, WAIT);
      lib.setMode('crash');
      const error = await waitFor('crash reported', () => events.find((e) => e.type === 'read-error'), WAIT);
      assert.ok(error.type === 'read-error');
      assert.match(error.detail, /vendor library process died \(SIGSEGV\)/);
      assert.match(device.health().lastError ?? '', /^crashed: /);
      assert.equal(device.health().state, 'error');
      lib.setMode('ok');
      await waitFor('card after the crash', () => count(events, 'card') === 1, WAIT);
      assert.equal(device.health().state, 'ready');
    });
  });

  it('garbage from the library is bad data (once while it lasts), then a good card reads', async () => {
    lib.setMode('garbage');
    await withDevice({}, async (device, events) => {
      await waitFor('bad data', () => events.find((e) => e.type === 'read-error' && e.code === 'bad-data'), WAIT);
      const polled = device.health().lastDataAt;
      await waitFor('another poll', () => device.health().lastDataAt !== polled, WAIT);
      assert.equal(events.filter((e) => e.type === 'read-error').length, 1);
      assert.match(device.health().lastError ?? '', /^bad-output: /);
      lib.setMode('unterminated');
      await waitFor('unterminated reported', () => /without an end/.test(device.health().lastError ?? ''), WAIT);
      lib.setMode('ok');
      await waitFor('card', () => count(events, 'card') === 1, WAIT);
    });
  });

  it('a library that is not there, or whose Init refuses, is a device in error retried in the background, never a throw', async () => {
    await withDevice({ library: join(lib.library, '..', 'missing.so') }, async (device) => {
      assert.equal(device.health().state, 'error');
      assert.match(device.health().lastError ?? '', /^open failed: .*missing\.so/);
      await waitFor('a retry', () => device.health().errorCount >= 2, WAIT);
    });
    await withDevice({ init: { args: ['http://127.0.0.1/ss', 'refuse'] } }, async (device) => {
      assert.match(device.health().lastError ?? '', /Init returned -1/);
    });
    lib.setMode('ok');
    await withDevice({ init: { args: ['http://127.0.0.1/ss', 'kiosk01'] } }, async (_device, events) => {
      await waitFor('card after Init', () => count(events, 'card') === 1, WAIT);
    });
  });
});

describe('vendor library: e-voucher (EcQuery, NationEcTrans)', () => {
  it('calls only on the identify step; the token and person come out, the window closes on a token', async () => {
    lib.setMode('ok');
    await withDevice({ interface: 'ec-query', request, pollOn: 'identify' }, async (device, events) => {
      assert.equal(device.health().kind, 'qr-scanner');
      assert.equal(device.health().state, 'ready');
      assert.equal(device.health().lastDataAt, null);
      device.identifyStepReached();
      const got = await waitFor('voucher', () => events.find((e) => e.type === 'ec-voucher'), WAIT);
      assert.deepEqual(got.type === 'ec-voucher' && got.voucher, { ecToken: '440300EC00000000000001', idNo: '44030019900101123X', idType: '01', userName: '张三', insuOrg: '440300' });
      const polled = device.health().lastDataAt;
      lib.setMode('refused');
      device.identifyStepReached();
      const refused = await waitFor('refusal', () => events.find((e) => e.type === 'ec-error'), WAIT);
      assert.deepEqual(refused.type === 'ec-error' && { code: refused.code, detail: refused.detail }, { code: 'refused', detail: '二维码已过期' });
      assert.notEqual(device.health().lastDataAt, polled);
      assert.equal(device.health().errorCount, 0);
    });
  });

  it('NationEcTrans with the service URL; a face capture (cn.nhsa.ec.auth) gives its token the same way', async () => {
    lib.setMode('ok');
    await withDevice({ interface: 'ec-trans', url: 'https://ec.example/localcfc', request: { ...request, transType: 'cn.nhsa.ec.auth' } }, async (device, events) => {
      device.identifyStepReached();
      const got = await waitFor('voucher', () => events.find((e) => e.type === 'ec-voucher'), WAIT);
      assert.equal(got.type === 'ec-voucher' && got.voucher.ecToken, '440300FACE0000000001');
    });
  });

  it('a hung e-voucher call is an ec-error timeout and the device is in error until the next identify step reads', async () => {
    lib.setMode('hang');
    await withDevice({ interface: 'ec-query', request, timeoutMs: 1500 }, async (device, events) => {
      device.identifyStepReached();
      await waitFor('timeout', () => events.find((e) => e.type === 'ec-error' && e.code === 'timeout'), WAIT);
      assert.equal(device.health().state, 'error');
      lib.setMode('ok');
      device.identifyStepReached();
      await waitFor('voucher', () => events.find((e) => e.type === 'ec-voucher'), WAIT);
      assert.equal(device.health().state, 'ready');
    });
  });
});

describe('vendor library process host', () => {
  it('kills the hung process and starts a fresh one for the next call', async () => {
    lib.setMode('hang');
    const host = createLibraryHost({ workerPath: bundledWorker, setup: { library: lib.library, iface: 'ec-query', symbol: 'EcQuery' } });
    const inData = new Uint8Array(Buffer.from(`${ecInData(request)}\0`));
    try {
      await host.open();
      const hung = host.pid();
      await assert.rejects(host.call({ iface: 'ec-query', inData }, 1000), (e: unknown) => e instanceof VendorCallError && e.code === 'timeout');
      await waitFor('hung process gone', () => !alive(hung), WAIT);
      lib.setMode('ok');
      const answer = await host.call({ iface: 'ec-query', inData }, WAIT);
      assert.equal(answer.rc, 0);
      assert.notEqual(host.pid(), hung);
    } finally {
      await host.close();
    }
  });

  it('starts its process through the injected starter (Electron gives utilityProcess; here fork), also after a hang killed it', async () => {
    const started: string[] = [];
    let kills = 0;
    const startWorker: StartWorker = (script) => {
      started.push(script.path);
      const proc = forkWorker(script);
      return { get pid() { return proc.pid; }, send: proc.send, onMessage: proc.onMessage, onGone: proc.onGone, kill: () => (kills++, proc.kill()) };
    };
    lib.setMode('nocard');
    const events: VendorLibEvent[] = [];
    const device = createVendorLibDevice({ id: 'vendor-1', library: lib.library, interface: 'read-card-bas', timeoutMs: 1500, pollMs: 40, reconnect: { initialMs: 50, maxMs: 200 }, startWorker });
    device.onEvent((e) => events.push(e));
    try {
      await device.start();
      await waitFor('a first answer', () => device.health().lastDataAt !== null, WAIT);
      assert.equal(started.length, 1);
      assert.match(started[0]!, /vendor-lib\/worker\.ts$/);
      lib.setMode('hang');
      await waitFor('timeout', () => events.find((e) => e.type === 'read-error' && e.code === 'timeout'), WAIT);
      assert.equal(kills, 1);
      lib.setMode('ok');
      await waitFor('card from a fresh process', () => count(events, 'card') === 1, WAIT);
      assert.equal(started.length, 2);
    } finally {
      await device.stop();
    }
    assert.equal(kills, 2, 'stop ends the process through the starter too');
  });

  it('runs from a bundle too: the worker built as CommonJS, started without tsx', async () => {
    // Inside the worktree so the bundle finds koffi in node_modules, as a packaged app does.
    const dir = new URL('../../node_modules/.cache/vendor-lib-test/', import.meta.url).pathname;
    mkdirSync(dir, { recursive: true });
    const workerPath = join(dir, 'vendor-lib-worker.cjs');
    await build({ entryPoints: [new URL('./worker.ts', import.meta.url).pathname], outfile: workerPath, bundle: true, platform: 'node', format: 'cjs', external: ['koffi'], logLevel: 'silent' });
    assert.deepEqual(resolveWorker(workerPath).execArgv, []);
    lib.setMode('ok');
    const host = createLibraryHost({ workerPath, setup: { library: lib.library, iface: 'read-card-bas', symbol: 'ReadCardBas' } });
    try {
      const answer = await host.call({ iface: 'read-card-bas' }, 5000);
      assert.equal(answer.rc, 0);
      assert.match(Buffer.from(answer.out).toString('latin1'), /^440300\|44030019900101123X\|/);
    } finally {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
