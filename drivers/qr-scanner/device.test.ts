// The QR scanner end to end over real serial ports: each fixture is played onto the device end of a
// socat pty pair and read through createSerialTransport + createQrScanner on the host end.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink, unlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DeviceHealth } from '../../terminal/common/vocabulary';
import { createPtyPair, playRecordingToPort, type PtyPair } from '../transport/pty';
import { readRecording } from '../transport/replay';
import { createSerialTransport } from '../transport/serial';
import { createReplayTransport } from '../transport/replay';
import type { TemplateResolver } from '../transport/types';
import { createQrScanner, type QrScannerDevice, type TimedScanEvent } from './device';
import { createSimEcQrResolver } from './sim-ec-qr';
import { sleep, waitFor } from '../testing/wait';

const fixture = (name: string) => new URL(`../../fixtures/devices/qr-scanner/${name}.jsonl`, import.meta.url).pathname;
const EXPIRED = 'NHSAEC1.EC00000000000000000000000000E101.1700000000.7f3a9c2e5b1d4e80.d07e8ea7380ad71895234da7887191a1';
const fast = { initialMs: 20, maxMs: 100 };

const issued: string[] = [];
const simCodes = await createSimEcQrResolver();
const freshCode: TemplateResolver = async (template, arg) => {
  const code = await simCodes(template, arg);
  issued.push(code);
  return code;
};

interface Rig {
  scanner: QrScannerDevice;
  scans: TimedScanEvent[];
  healths: DeviceHealth[];
}

function watch(scanner: QrScannerDevice): Rig {
  const rig: Rig = { scanner, scans: [], healths: [] };
  scanner.onScan((e) => rig.scans.push(e));
  scanner.onHealth((h) => rig.healths.push(h));
  return rig;
}

async function playFixture(name: string, expectScans: number, opts: { staleFrameMs?: number } = {}) {
  const pair = await createPtyPair();
  const scanner = createQrScanner({
    id: 'qr-1',
    transport: createSerialTransport({ path: pair.hostPath, baudRate: 115200 }),
    suffix: 'CRLF',
    reconnect: fast,
    staleFrameMs: opts.staleFrameMs,
  });
  const rig = watch(scanner);
  try {
    await scanner.start();
    assert.equal(scanner.health().state, 'ready');
    await playRecordingToPort(pair.devicePath, await readRecording(fixture(name)), { resolve: freshCode, baudRate: 115200 });
    await waitFor(`${expectScans} scans`, () => rig.scans.length >= expectScans);
    // Anything still in flight would show up now.
    await sleep(50);
    return { ...rig, health: scanner.health() };
  } finally {
    await scanner.stop();
    await pair.close();
  }
}

describe('qr scanner over a serial port', () => {
  it('reads a fresh 医保码 made at play time', async () => {
    const { scans, health } = await playFixture('fresh-ec-qr', 1);
    assert.equal(scans.length, 1);
    assert.equal(scans[0]!.kind, 'ec-qr');
    assert.equal(scans[0]!.text, issued.at(-1));
    assert.ok(Math.abs(Date.parse(scans[0]!.at) - Date.now()) < 5000);
    assert.equal(health.errorCount, 0);
    assert.equal(health.state, 'ready');
    assert.ok(health.lastDataAt);
  });

  it('reads a recorded old 医保码 byte for byte (the expired case)', async () => {
    const { scans } = await playFixture('expired-ec-qr', 1);
    assert.deepEqual(scans.map(({ text, kind }) => ({ text, kind })), [{ text: EXPIRED, kind: 'ec-qr' }]);
  });

  it('reads a frame cut across chunks', async () => {
    const { scans, health } = await playFixture('split-frame', 1);
    assert.deepEqual(scans.map((s) => s.text), [EXPIRED]);
    assert.equal(health.errorCount, 0);
  });

  it('reads codes around line noise and counts the noise without its bytes', async () => {
    const { scans, health } = await playFixture('noise-between-frames', 2);
    assert.deepEqual(scans.map((s) => s.kind), ['pay-code', 'hospital-barcode']);
    assert.equal(health.errorCount, 2);
    assert.match(health.lastError ?? '', /^invalid-text: frame of 5 bytes/);
  });

  it('drops a cut-off frame after silence instead of gluing it to the next code', async () => {
    const { scans, health } = await playFixture('cut-off-frame', 1, { staleFrameMs: 200 });
    assert.deepEqual(scans.map((s) => s.text), ['ZY2024081500123']);
    assert.equal(health.errorCount, 1);
    assert.match(health.lastError ?? '', /^incomplete-frame: 20 bytes/);
    assert.ok(!(health.lastError ?? '').includes('NHSAEC1'));
  });

  it('reads a hospital barcode and payment codes', async () => {
    const barcode = await playFixture('hospital-barcode', 1);
    assert.deepEqual(barcode.scans.map((s) => [s.kind, s.text]), [['hospital-barcode', 'ZY2024081500123']]);
    const pay = await playFixture('pay-code', 2);
    assert.deepEqual(pay.scans.map((s) => [s.kind, s.text]), [
      ['pay-code', '134567890123456789'],
      ['pay-code', '287654321098765432'],
    ]);
  });
});

describe('qr scanner lifecycle', () => {
  // The scanner is configured with a stable path (like /dev/serial/by-id/...) that we point at
  // whichever pty pair currently plays the cable.
  let dir = '';
  const pairs: PtyPair[] = [];
  after(async () => {
    for (const p of pairs) await p.close();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function plugIn(path: string): Promise<PtyPair> {
    const pair = await createPtyPair();
    pairs.push(pair);
    await unlink(path).catch(() => {});
    await symlink(pair.hostPath, path);
    return pair;
  }

  it('starts without its port, keeps retrying, and is ready once the port appears', async () => {
    dir = await mkdtemp(join(tmpdir(), 'qr-lifecycle-'));
    const path = join(dir, 'scanner');
    const scanner = createQrScanner({ id: 'qr-1', transport: createSerialTransport({ path, baudRate: 9600 }), suffix: 'CRLF', reconnect: fast });
    const rig = watch(scanner);
    try {
      await scanner.start(); // must not reject
      assert.equal(scanner.health().state, 'error');
      assert.match(scanner.health().lastError ?? '', /^open failed on serial:/);
      await waitFor('a few retries', () => scanner.health().errorCount >= 3);

      const pair = await plugIn(path);
      await waitFor('ready', () => scanner.health().state === 'ready');
      await playRecordingToPort(pair.devicePath, await readRecording(fixture('hospital-barcode')));
      await waitFor('scan', () => rig.scans.length === 1);
      assert.deepEqual(rig.healths.map((h) => h.state).filter((s, i, a) => s !== a[i - 1]), ['connecting', 'error', 'ready']);
    } finally {
      await scanner.stop();
    }
  });

  it('goes to error when the cable is pulled mid-stream and back to ready on a new cable', async () => {
    const path = join(dir, 'scanner');
    const first = await plugIn(path);
    const scanner = createQrScanner({ id: 'qr-1', transport: createSerialTransport({ path, baudRate: 9600 }), suffix: 'CRLF', reconnect: fast });
    const rig = watch(scanner);
    try {
      await scanner.start();
      assert.equal(scanner.health().state, 'ready');
      // Half a frame, then the cable goes.
      await playRecordingToPort(first.devicePath, [{ t_ms: 0, dir: 'in', hex: Buffer.from('ZY20240815').toString('hex') }]);
      await waitFor('bytes arrive', () => scanner.health().lastDataAt);
      const beforePull = rig.healths.length;
      await first.close();
      await waitFor('error', () => scanner.health().state === 'error');
      // The error the pull itself raised: reconnect tries follow 20 ms apart, and on a loaded
      // machine one had already replaced lastError with 'open failed' before this looked.
      assert.match(rig.healths.slice(beforePull).find((h) => h.state === 'error')?.lastError ?? '', /^disconnected: /);

      const second = await plugIn(path);
      await waitFor('ready again', () => scanner.health().state === 'ready');
      await playRecordingToPort(second.devicePath, await readRecording(fixture('pay-code')));
      await waitFor('scans', () => rig.scans.length === 2);
      // The half frame from before the unplug did not glue onto the first code.
      assert.deepEqual(rig.scans.map((s) => s.text), ['134567890123456789', '287654321098765432']);
    } finally {
      await scanner.stop();
    }
  });
});

describe('qr scanner unplugged mid-scan (fixture)', () => {
  it('drops the half frame when the cable goes and reads the next code on a new cable', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'qr-unplug-'));
    const path = join(dir, 'scanner');
    const pairs: PtyPair[] = [];
    const plugIn = async () => {
      const pair = await createPtyPair();
      pairs.push(pair);
      await unlink(path).catch(() => {});
      await symlink(pair.hostPath, path);
      return pair;
    };
    const first = await plugIn();
    const scanner = createQrScanner({ id: 'qr-1', transport: createSerialTransport({ path, baudRate: 9600 }), suffix: 'CRLF', reconnect: fast });
    const rig = watch(scanner);
    try {
      await scanner.start();
      await playRecordingToPort(first.devicePath, await readRecording(fixture('unplugged-mid-scan')), {
        async onUnplug() {
          await waitFor('half a frame arrives', () => scanner.health().lastDataAt);
          await first.close();
          await waitFor('error', () => scanner.health().state === 'error');
          const second = await plugIn();
          await waitFor('ready again', () => scanner.health().state === 'ready');
          return second.devicePath;
        },
      });
      await waitFor('scan', () => rig.scans.length === 1);
      await sleep(50);
      assert.deepEqual(rig.scans.map((s) => [s.kind, s.text]), [['hospital-barcode', 'ZY2024081500123']]);
      // The first error is the pulled cable; retries before the new cable is in may add "open failed".
      const errors = rig.healths.map((h) => h.lastError).filter((e, i, a) => e && e !== a[i - 1]);
      assert.match(errors[0] ?? '', /^disconnected: /);
      assert.ok(errors.slice(1).every((e) => /^open failed on serial:/.test(e ?? '')), String(errors));
      assert.equal(scanner.health().state, 'ready');
      assert.ok(!rig.healths.some((h) => (h.lastError ?? '').includes('NHSA')), 'no scanned bytes in health');
    } finally {
      await scanner.stop();
      for (const p of pairs) await p.close();
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('qr scanner over a replay transport', () => {
  it('recovers from a replay that ends by unplugging', async () => {
    const transport = createReplayTransport({ chunks: await readRecording(fixture('fresh-ec-qr')), resolve: freshCode, atEnd: 'unplug', speed: 10 });
    const scanner = createQrScanner({ id: 'qr-r', transport, suffix: 'CRLF', reconnect: { initialMs: 50, maxMs: 50, jitter: 0 } });
    const rig = watch(scanner);
    try {
      await scanner.start();
      // Each reconnect replays the recording: a new fresh code each time.
      await waitFor('two scans', () => rig.scans.length >= 2);
      assert.notEqual(rig.scans[0]!.text, rig.scans[1]!.text);
      assert.ok(rig.healths.some((h) => h.state === 'error'));
      assert.ok(scanner.health().errorCount >= 1);
    } finally {
      await scanner.stop();
    }
    assert.equal(scanner.health().state, 'closed');
  });
});
