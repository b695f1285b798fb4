// The device manager with several devices at once: real serial ports (socat pty pairs with a played
// scanner and a simulated SAM), one scanner configured on a port that does not exist, recorded HID
// reports, a replayed card reader, the in-process printer and a broken config entry.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { PNG } from 'pngjs';
import { qrSymbol, renderQrScene } from './testing/synth-qr';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPtyPair, playRecordingToPort, type PtyPair } from './transport/pty';
import { readRecording } from './transport/replay';
import { serveConversationOnPort } from './transport/conversation';
import { samIdleAnswer, samRequestFramer, SYNTHETIC_CARD } from './id-card/sim-reader';
import { SYNTHETIC_SS_CARD } from './card-reader/sim-reader';
import { createDeviceManager, DeviceConfig, type ManagedCardEvent, type ManagedEcVoucherEvent, type ManagedIdCardEvent, type ManagedScan } from './manager';
import { waitFor, sleep } from './testing/wait';
import { buildFakeVendorLibrary } from './testing/fake-vendor';
import type { DeviceHealth } from '../terminal/common/vocabulary';

const fixturesDir = new URL('../fixtures/', import.meta.url).pathname;
const EXPIRED = 'NHSAEC1.EC00000000000000000000000000E101.1700000000.7f3a9c2e5b1d4e80.d07e8ea7380ad71895234da7887191a1';
const fast = { initialMs: 30, maxMs: 60 };

describe('DeviceConfig', () => {
  it('fills defaults per kind and names a wrong field', () => {
    const qr = DeviceConfig.parse({ id: 'qr', kind: 'qr-scanner', transport: { type: 'hid', vendorId: 0x0c2e, productId: 0x0b61 } });
    assert.deepEqual(qr, { id: 'qr', kind: 'qr-scanner', suffix: 'CRLF', transport: { type: 'hid', vendorId: 0x0c2e, productId: 0x0b61, mode: 'keyboard' } });
    const id = DeviceConfig.parse({ id: 'id', kind: 'id-card', transport: { type: 'serial', path: '/dev/ttyUSB1' } });
    assert.equal(id.kind === 'id-card' && id.transport.type === 'serial' && id.transport.baudRate, 115200);
    const bad = DeviceConfig.safeParse({ id: 'p', kind: 'printer', transport: { type: 'hid', vendorId: 1, productId: 2 } });
    assert.equal(bad.success, false);
    assert.deepEqual(bad.error?.issues[0]?.path, ['transport', 'type']);
    assert.equal(DeviceConfig.safeParse({ id: 'q', kind: 'qr-scanner', transport: { type: 'hid', vendorId: 0x10000, productId: 1 } }).success, false);
  });
});

describe('device manager', () => {
  it('opens every device side by side; a missing port and a bad entry never block the others', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'manager-'));
    const pairs: PtyPair[] = [];
    const samStop = new AbortController();
    let served: Promise<void> = Promise.resolve();
    const manager = await (async () => {
      const scannerPair = await createPtyPair();
      const samPair = await createPtyPair();
      pairs.push(scannerPair, samPair);
      served = serveConversationOnPort(samPair.devicePath, {
        chunks: await readRecording(join(fixturesDir, 'devices/id-card/read-card.jsonl')),
        framer: samRequestFramer,
        idle: samIdleAnswer,
        signal: samStop.signal,
      });
      await sleep(50);
      return {
        scannerPair,
        manager: await createDeviceManager({
          fixturesDir,
          devices: [
            { id: 'qr-serial', kind: 'qr-scanner', reconnect: fast, transport: { type: 'serial', path: scannerPair.hostPath, baudRate: 115200 } },
            { id: 'qr-missing', kind: 'qr-scanner', reconnect: fast, transport: { type: 'serial', path: join(dir, 'ttyUSB9') } },
            { id: 'qr-hid', kind: 'qr-scanner', transport: { type: 'replay', fixture: 'devices/qr-scanner-hid/keyboard-ec-qr.jsonl', hid: 'keyboard', playOn: 'start', speed: 4 } },
            { id: 'id-1', kind: 'id-card', pollMs: 30, reconnect: fast, transport: { type: 'serial', path: samPair.hostPath } },
            { id: 'ss-1', kind: 'card-reader', pollMs: 30, transport: { type: 'replay', fixture: 'devices/card-reader/insert-read-remove.jsonl', playOn: 'start' } },
            { id: 'printer-1', kind: 'printer', transport: { type: 'sim' } },
            { id: 'broken', kind: 'card-reader', transport: { type: 'usb' } } as unknown as DeviceConfig,
          ],
        }),
      };
    })();
    const { manager: devices, scannerPair } = manager;
    const scans: ManagedScan[] = [];
    const idCards: ManagedIdCardEvent[] = [];
    const cards: ManagedCardEvent[] = [];
    const healths: DeviceHealth[] = [];
    devices.onScan((e) => scans.push(e));
    devices.onIdCard((e) => idCards.push(e));
    devices.onCard((e) => cards.push(e));
    devices.onHealth((h) => healths.push(h));
    try {
      const began = Date.now();
      await devices.start();
      // The missing port costs one failed open, not a wait (a generous bound: the machine may be busy).
      assert.ok(Date.now() - began < 15_000, `start took ${Date.now() - began} ms`);
      const byId = () => new Map(devices.health().map((h) => [h.id, h]));
      assert.deepEqual(devices.health().map((h) => h.id), ['qr-serial', 'qr-missing', 'qr-hid', 'id-1', 'ss-1', 'printer-1', 'broken']);
      assert.equal(byId().get('qr-serial')!.state, 'ready');
      // The ID card reader answers its first poll on a pty served by another loop: on a busy machine
      // that poll can miss once and the reader reconnects, so wait for it to be ready.
      await waitFor('the ID card reader ready', () => byId().get('id-1')!.state === 'ready', 15_000);
      assert.equal(byId().get('printer-1')!.state, 'ready');
      assert.equal(byId().get('qr-missing')!.state, 'error');
      assert.match(byId().get('qr-missing')!.lastError ?? '', /^open failed on serial:/);
      assert.match(byId().get('broken')!.lastError ?? '', /^config: transport\.type/);
      assert.equal(byId().get('broken')!.kind, 'card-reader');

      await playRecordingToPort(scannerPair.devicePath, await readRecording(join(fixturesDir, 'devices/qr-scanner/pay-code.jsonl')), { baudRate: 115200 });
      await waitFor('scans from serial and HID', () => scans.length >= 3);
      await waitFor('ID card', () => idCards.some((e) => e.type === 'card'));
      await waitFor('social security card', () => cards.some((e) => e.type === 'card'));
      assert.deepEqual(
        scans.map((s) => [s.deviceId, s.kind]).sort(),
        [['qr-hid', 'ec-qr'], ['qr-serial', 'pay-code'], ['qr-serial', 'pay-code']],
      );
      assert.equal(scans.find((s) => s.deviceId === 'qr-hid')!.text, EXPIRED);
      const idCard = idCards.find((e) => e.type === 'card');
      assert.equal(idCard?.type === 'card' && idCard.info.idNumber, SYNTHETIC_CARD.idNumber);
      assert.equal(idCard!.deviceId, 'id-1');
      const card = cards.find((e) => e.type === 'card');
      assert.equal(card?.type === 'card' && card.card.idNumber, SYNTHETIC_SS_CARD.idNumber);

      const printed: unknown[] = [];
      devices.onPrint((p) => printed.push(p));
      const result = await devices.print([{ type: 'text', text: '收据' }, { type: 'cut' }]);
      assert.equal(result.ok, true);
      assert.equal(printed.length, 1);
      assert.deepEqual(await devices.print([], 'no-such-printer'), { ok: false, reason: 'not-ready', detail: 'no printer no-such-printer' });
      assert.deepEqual(await devices.readPin(1, 'qr-serial'), { type: 'unavailable', detail: 'no card reader configured' });

      // The missing scanner keeps retrying with backoff and comes up when its port appears.
      await waitFor('retries', () => (byId().get('qr-missing')!.errorCount ?? 0) >= 2);
      const late = await createPtyPair();
      pairs.push(late);
      await symlink(late.hostPath, join(dir, 'ttyUSB9'));
      await waitFor('late scanner ready', () => byId().get('qr-missing')!.state === 'ready', 3000);
      assert.ok(healths.some((h) => h.id === 'qr-missing' && h.state === 'ready'));
      // Health never carries what was scanned or read.
      const text = JSON.stringify(healths);
      for (const secret of [EXPIRED, SYNTHETIC_CARD.idNumber, '134567890123456789']) assert.ok(!text.includes(secret));
    } finally {
      await devices.stop();
      samStop.abort();
      await served;
      for (const p of pairs) await p.close();
      await rm(dir, { recursive: true, force: true });
    }
    assert.ok(devices.health().filter((h) => h.id !== 'broken').every((h) => h.state === 'closed'));
  });

  it('plays identify-step replays only when asked, a fresh code each time', async () => {
    let minted = 0;
    const devices = await createDeviceManager({
      fixturesDir,
      resolveTemplate: async () => `NHSAEC1.EC00000000000000000000000000E101.1700000000.${String(minted++).padStart(16, '0')}.${'0'.repeat(32)}`,
      devices: [
        { id: 'qr-demo', kind: 'qr-scanner', transport: { type: 'replay', fixture: 'devices/qr-scanner/fresh-ec-qr.jsonl', delayMs: 20 } },
        { id: 'qr-gone', kind: 'qr-scanner', transport: { type: 'replay', fixture: 'devices/qr-scanner/no-such.jsonl', playOn: 'start' }, reconnect: { initialMs: 5000 } },
      ],
    });
    const scans: ManagedScan[] = [];
    devices.onScan((s) => scans.push(s));
    try {
      await devices.start();
      const [demo, gone] = devices.health();
      assert.equal(demo!.state, 'ready', 'an idle replay is ready');
      assert.equal(gone!.state, 'error');
      assert.match(gone!.lastError ?? '', /open failed on replay:devices\/qr-scanner\/no-such\.jsonl: ENOENT/);
      await sleep(100);
      assert.equal(scans.length, 0);
      devices.identifyStepReached();
      await waitFor('first scan', () => scans.length === 1);
      devices.identifyStepReached();
      await waitFor('second scan', () => scans.length === 2);
      assert.notEqual(scans[0]!.text, scans[1]!.text);
      assert.ok(scans.every((s) => s.kind === 'ec-qr' && s.deviceId === 'qr-demo' && s.source === 'qr-scanner'));
    } finally {
      await devices.stop();
    }
  });

  it('a camera playing image fixtures hands every frame on (the face step) and reads a code in them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'camera-fixtures-'));
    const code = 'NHSAEC1.EC0000000000ZY20240815001234';
    const frame = renderQrScene(await qrSymbol(code), { hard: false, seed: 5 });
    await writeFile(join(dir, 'qr.png'), PNG.sync.write(Object.assign(new PNG({ width: frame.width, height: frame.height }), { data: Buffer.from(frame.data) })));
    const devices = await createDeviceManager({ devices: [{ id: 'cam-1', kind: 'camera', source: { type: 'frames', files: ['qr.png'], fps: 20 } }], fixturesDir: dir });
    const frames: { width: number; height: number }[] = [];
    const scans: ManagedScan[] = [];
    devices.onFrame((f) => frames.push({ width: f.width, height: f.height }));
    devices.onScan((s) => scans.push(s));
    try {
      await devices.start();
      await waitFor('three frames and a scan', () => frames.length >= 3 && scans.length >= 1, 10_000);
      assert.deepEqual(frames[0], { width: 640, height: 480 });
      assert.equal(scans[0]!.text, code);
      assert.equal(scans[0]!.source, 'camera');
    } finally {
      await devices.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a pushed camera (the kiosk window\'s) reads a code again when the identify step opens, though it was in view before and nothing moved', async () => {
    const codes = ['NHSAEC1.EC0000000000ZY20240815000001', 'NHSAEC1.EC0000000000ZY20240815000002'];
    const [a, b] = await Promise.all(codes.map(async (c, i) => renderQrScene(await qrSymbol(c), { hard: false, seed: 11 + i })));
    // A long repeat window: only the step's reset can let the same code through again.
    const devices = await createDeviceManager({ devices: [{ id: 'cam-push', kind: 'camera', source: { type: 'push' }, repeatMs: 600_000 }, { id: 'cam-fixture', kind: 'camera', source: { type: 'frames', files: ['missing.png'] } }], fixturesDir });
    const scans: ManagedScan[] = [];
    devices.onScan((s) => scans.push(s));
    try {
      await devices.start();
      // Only cameras fed by the host take its frames.
      assert.equal(devices.pushHostFrame(a!), 1);
      await waitFor('first code', () => scans.length === 1, 30_000);
      // Held there: the same frame again is skipped, then another code reads.
      devices.pushHostFrame(a!);
      devices.pushHostFrame(b!);
      await waitFor('second code', () => scans.length === 2, 30_000);
      assert.deepEqual(scans.map((s) => s.text), codes);
      // The step opens with b still in view: the very same frame is read and its code sent again.
      devices.identifyStepReached();
      devices.pushHostFrame(b!);
      await waitFor('the code in view, sent as the step opens', () => scans.length === 3, 30_000);
      assert.equal(scans[2]!.text, codes[1]);
      assert.ok(scans.every((s) => s.source === 'camera' && s.deviceId === 'cam-push'));
    } finally {
      await devices.stop();
    }
  });

  it('vendor libraries: a ReadCardBas card is a card reader\'s card event, an EcQuery token comes on the identify step, a bad entry is one broken device', async () => {
    const lib = buildFakeVendorLibrary();
    const devices = await createDeviceManager({
      fixturesDir,
      devices: [
        { id: 'ss-vendor', kind: 'vendor-lib', library: lib.library, interface: 'read-card-bas', timeoutMs: 5000, pollMs: 50 },
        { id: 'ec-vendor', kind: 'vendor-lib', library: lib.library, interface: 'ec-query', request: { orgId: 'H44030000001', businessType: '01301' } },
        { id: 'ec-no-request', kind: 'vendor-lib', library: lib.library, interface: 'ec-query' },
      ],
    });
    const cards: ManagedCardEvent[] = [];
    const vouchers: ManagedEcVoucherEvent[] = [];
    devices.onCard((e) => cards.push(e));
    devices.onEcVoucher((e) => vouchers.push(e));
    try {
      await devices.start();
      await waitFor('card', () => cards.find((e) => e.type === 'card'), 30_000);
      assert.ok(cards.every((e) => e.deviceId === 'ss-vendor'));
      assert.equal(vouchers.length, 0, 'the e-voucher library is called on the identify step only');
      devices.identifyStepReached();
      const voucher = await waitFor('voucher', () => vouchers.find((e) => e.type === 'ec-voucher'), 30_000);
      assert.equal(voucher.type === 'ec-voucher' && voucher.voucher.ecToken, '440300EC00000000000001');
      assert.equal(voucher.deviceId, 'ec-vendor');
      const health = devices.health().map((h) => [h.id, h.kind, h.state, h.lastError]);
      assert.deepEqual(health, [
        ['ss-vendor', 'card-reader', 'ready', null],
        ['ec-vendor', 'qr-scanner', 'ready', null],
        ['ec-no-request', 'qr-scanner', 'error', 'config: request: interface ec-query needs a request (orgId, businessType)'],
      ]);
    } finally {
      await devices.stop();
      lib.remove();
    }
  });
});
