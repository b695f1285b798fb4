// HID scanners: the pure report decoder, the node-hid transport's wiring, and recorded HID reports
// through that same transport into the QR scanner, compared with the same code over a serial pty.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { createHidReportDecoder, encodeKeyboardReports, encodePosReports, UNMAPPED_KEY } from './hid-reports';
import { createHidTransport, openNodeHid, type HidDeviceHandle } from './hid';
import { createHidReplayTransport } from './hid-replay';
import { readRecording } from './replay';
import { createPtyPair, playRecordingToPort } from './pty';
import { createSerialTransport } from './serial';
import type { ByteTransport } from './types';
import { createQrScanner, type TimedScanEvent } from '../qr-scanner/device';
import { createSimEcQrResolver } from '../qr-scanner/sim-ec-qr';
import { classifyScan } from '../qr-scanner/codec';
import { waitFor, sleep } from '../testing/wait';
import type { DeviceHealth } from '../../terminal/common/vocabulary';

const EXPIRED = 'NHSAEC1.EC00000000000000000000000000E101.1700000000.7f3a9c2e5b1d4e80.d07e8ea7380ad71895234da7887191a1';
const fixture = (path: string) => new URL(`../../fixtures/devices/${path}.jsonl`, import.meta.url).pathname;
const text = (bytes: Uint8Array) => Buffer.from(bytes).toString('latin1');

function decodeAll(mode: 'keyboard' | 'pos', reports: Uint8Array[]) {
  const decoder = createHidReportDecoder(mode);
  const errors: string[] = [];
  let out = '';
  for (const r of reports) {
    const result = decoder.push(r);
    if (result.error) errors.push(result.error);
    out += text(result.bytes);
  }
  return { out, errors };
}

const report = (modifier: number, ...keys: number[]) => Uint8Array.of(modifier, 0, ...[...keys, 0, 0, 0, 0, 0, 0].slice(0, 6));

describe('HID report decoder', () => {
  it('types shifted and unshifted characters and ends a scan on Enter', () => {
    // "Ab1!" Enter: Shift+a, b, 1, Shift+1, Enter, each pressed and released.
    const reports = [report(0x02, 0x04), report(0), report(0, 0x05), report(0), report(0, 0x1e), report(0), report(0x20, 0x1e), report(0), report(0, 0x28), report(0)];
    assert.deepEqual(decodeAll('keyboard', reports), { out: 'Ab1!\r\n', errors: [] });
  });

  it('types a held key once, a repeated report once, and rolled-over keys in press order', () => {
    const reports = [report(0, 0x04), report(0, 0x04), report(0, 0x04, 0x05), report(0, 0x05), report(0, 0x05, 0x04), report(0), report(0, 0x04), report(0)];
    assert.equal(decodeAll('keyboard', reports).out, 'abaa');
  });

  it('ignores a rollover-error report and keeps what was held', () => {
    const reports = [report(0, 0x04), report(0, 1, 1, 1, 1, 1, 1), report(0, 0x04, 0x05)];
    const { out, errors } = decodeAll('keyboard', reports);
    assert.equal(out, 'ab');
    assert.deepEqual(errors, ['keyboard rollover error']);
  });

  it('marks a key it cannot type instead of dropping it, so the frame is refused', () => {
    const { out, errors } = decodeAll('keyboard', [report(0, 0x3a), report(0), report(0x01, 0x04)]);
    assert.equal(out, String.fromCharCode(UNMAPPED_KEY, UNMAPPED_KEY));
    assert.equal(errors.length, 2);
    assert.ok(!errors.join().includes('3a'), 'errors do not carry report bytes');
  });

  it('round-trips every printable ASCII character, with and without rollover', () => {
    const all = Array.from({ length: 95 }, (_, i) => String.fromCharCode(0x20 + i)).join('');
    assert.equal(decodeAll('keyboard', encodeKeyboardReports(all)).out, `${all}\r\n`);
    assert.equal(decodeAll('keyboard', encodeKeyboardReports(`${all}aa11`, { rollover: true })).out, `${all}aa11\r\n`);
  });

  it('takes the payload of data-mode reports by their length byte', () => {
    const bytes = new TextEncoder().encode(`${EXPIRED}\r\n`);
    const reports = encodePosReports(bytes);
    assert.equal(reports.length, 2);
    assert.equal(reports[0]!.length, 64);
    assert.deepEqual(decodeAll('pos', reports), { out: `${EXPIRED}\r\n`, errors: [] });
    const short = decodeAll('pos', [Uint8Array.of(10, 0x41, 0x42)]);
    assert.equal(short.out, 'AB');
    assert.deepEqual(short.errors, ['pos report claims 10 bytes, carries 2']);
    const numbered = createHidReportDecoder('pos', { reportId: 2 }).push(Uint8Array.of(2, 2, 0x41, 0x42, 0));
    assert.equal(text(numbered.bytes), 'AB');
  });
});

/**
 * A stand-in for node-hid's HIDAsync, for the wiring test only: no USB HID device can exist on this
 * machine (no uhid, no hidraw), so this checks that the transport listens to the events node-hid
 * emits. Recorded reports go through the same transport in the tests below.
 */
class FakeHidAsync extends EventEmitter implements HidDeviceHandle {
  closed = 0;
  written: Buffer[] = [];
  async close() {
    this.closed++;
  }
  async write(values: number[] | Buffer) {
    this.written.push(Buffer.from(values));
    return values.length;
  }
}

describe('node-hid transport', () => {
  it('wires data reports through the decoder and a device error to onClose(Error)', async () => {
    const device = new FakeHidAsync();
    const targets: unknown[] = [];
    const transport = createHidTransport({ vendorId: 0x0c2e, productId: 0x0b61, mode: 'keyboard', open: async (t) => (targets.push(t), device) });
    assert.equal(transport.description, 'hid:0c2e:0b61');
    const data: string[] = [];
    const closes: Array<Error | null> = [];
    transport.onData((b) => data.push(text(b)));
    transport.onClose((r) => closes.push(r));
    await transport.open();
    assert.deepEqual(targets, [{ vendorId: 0x0c2e, productId: 0x0b61 }]);
    await assert.rejects(transport.open(), /already open/);
    for (const r of encodeKeyboardReports('Z9')) device.emit('data', Buffer.from(r));
    assert.deepEqual(data, ['Z', '9', '\r\n']);
    await transport.write(Uint8Array.of(1, 2));
    assert.deepEqual(device.written, [Buffer.of(1, 2)]);

    device.emit('error', new Error('could not read from HID device'));
    assert.equal(closes.length, 1);
    assert.match(String(closes[0]), /could not read/);
    await sleep(0);
    assert.equal(device.closed, 1);
    // A report after the unplug goes nowhere; a second error is not a second close.
    device.emit('data', Buffer.from(report(0, 0x04)));
    device.emit('error', new Error('again'));
    assert.equal(data.length, 3);
    assert.equal(closes.length, 1);
    await assert.rejects(transport.write(Uint8Array.of(1)), /not open/);

    // Reopened (a new handle, as node-hid gives), then closed by us: onClose(null).
    const again = new FakeHidAsync();
    const reopened = createHidTransport({ path: '/dev/hidraw7', mode: 'pos', open: async () => again });
    reopened.onClose((r) => closes.push(r));
    await reopened.open();
    await reopened.close();
    assert.deepEqual(closes.slice(1), [null]);
    assert.equal(again.closed, 1);
    assert.equal(again.listenerCount('data'), 0);
  });

  it('opens through node-hid by default, which refuses a device that is not there', async () => {
    await assert.rejects(openNodeHid({ path: '/dev/hidraw-none' }), /cannot open|could not|not/i);
    const transport = createHidTransport({ vendorId: 0xffff, productId: 0xfffe, mode: 'keyboard' });
    await assert.rejects(transport.open());
  });
});

async function scansOver(transport: ByteTransport, expect: number, id = 'qr-hid') {
  const scanner = createQrScanner({ id, transport, suffix: 'CRLF', reconnect: { initialMs: 30, maxMs: 30, jitter: 0 } });
  const scans: TimedScanEvent[] = [];
  const healths: DeviceHealth[] = [];
  scanner.onScan((s) => scans.push(s));
  scanner.onHealth((h) => healths.push(h));
  try {
    await scanner.start();
    await waitFor(`${expect} scans`, () => scans.length >= expect);
    await sleep(50);
    return { scans: scans.map(({ text, kind }) => ({ text, kind })), health: scanner.health(), healths };
  } finally {
    await scanner.stop();
  }
}

describe('HID scanner from recorded reports', () => {
  it('yields the same scan events as the serial scanner for the same code', async () => {
    const pair = await createPtyPair();
    let serial: Awaited<ReturnType<typeof scansOver>>;
    try {
      const played = readRecording(fixture('qr-scanner/expired-ec-qr')).then(async (chunks) => {
        await sleep(100);
        await playRecordingToPort(pair.devicePath, chunks, { baudRate: 115200 });
      });
      serial = await scansOver(createSerialTransport({ path: pair.hostPath, baudRate: 115200 }), 1, 'qr-serial');
      await played;
    } finally {
      await pair.close();
    }
    assert.deepEqual(serial.scans, [{ text: EXPIRED, kind: 'ec-qr' }]);
    for (const [name, mode] of [['keyboard-ec-qr', 'keyboard'], ['pos-ec-qr', 'pos']] as const) {
      const reportErrors: string[] = [];
      const chunks = await readRecording(fixture(`qr-scanner-hid/${name}`));
      const hid = await scansOver(createHidReplayTransport({ chunks, mode, speed: 4, onReportError: (e) => reportErrors.push(e) }), 1);
      assert.deepEqual(hid.scans, serial.scans, name);
      assert.equal(hid.health.errorCount, 0, name);
      assert.deepEqual(reportErrors, [], name);
    }
  });

  it('types a fresh 医保码 from a template as key reports', async () => {
    const resolve = await createSimEcQrResolver();
    const chunks = await readRecording(fixture('qr-scanner-hid/fresh-ec-qr-keyboard'));
    const { scans } = await scansOver(createHidReplayTransport({ chunks, mode: 'keyboard', resolve }), 1);
    assert.equal(scans[0]!.kind, 'ec-qr');
    assert.equal(classifyScan(scans[0]!.text), 'ec-qr');
  });

  it('drops the half code of a scanner pulled mid-scan and reads after it is back', async () => {
    const chunks = await readRecording(fixture('qr-scanner-hid/unplugged-mid-scan'));
    const { scans, health, healths } = await scansOver(createHidReplayTransport({ chunks, mode: 'keyboard' }), 1);
    assert.deepEqual(scans, [{ text: 'ZY2024081500123', kind: 'hospital-barcode' }]);
    assert.equal(health.errorCount, 1);
    assert.match(health.lastError ?? '', /^disconnected: could not read from HID device/);
    assert.ok(!(health.lastError ?? '').includes('NHSA'));
    assert.deepEqual(healths.map((h) => h.state).filter((s, i, a) => s !== a[i - 1]), ['connecting', 'ready', 'error', 'ready', 'closed']);
  });
});
