// The sim-devices CLI as hospital IT runs it: a child process that prints a port and plays onto it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { existsSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { createSerialTransport } from './transport/serial';
import { createQrScanner, type TimedScanEvent } from './qr-scanner/device';
import { classifyScan } from './qr-scanner/codec';
import { createSimEcQrResolver } from './qr-scanner/sim-ec-qr';
import { createIdCardReader, type IdCardEvent } from './id-card/device';
import { SYNTHETIC_CARD } from './id-card/sim-reader';
import { hidModeOf, simKindOf } from './sim-devices';
import { readRecording } from './transport/replay';
import { sleep, waitFor } from './testing/wait';

describe('sim-devices', () => {
  it('makes fresh 医保码 payloads in the simulator shape', async () => {
    const resolve = await createSimEcQrResolver({ now: () => new Date(1_700_000_000_500) });
    const a = await resolve('ec-qr', 'employee');
    const b = await resolve('ec-qr', 'employee');
    assert.notEqual(a, b);
    assert.match(a, /^NHSAEC1\.EC00000000000000000000000000E101\.1700000000\.[0-9a-f]{16}\.[0-9a-f]{32}$/);
    assert.equal(classifyScan(a), 'ec-qr');
    await assert.rejects(resolve('ec-qr', 'nobody'), /no simulated person/);
    await assert.rejects(resolve('nope', 'employee'), /unknown template/);
  });

  it('prints a host path and plays recordings onto it until stopped', async () => {
    const script = new URL('./sim-devices.ts', import.meta.url).pathname;
    const fixtures = ['fresh-ec-qr', 'pay-code'].map((n) => new URL(`../fixtures/devices/qr-scanner/${n}.jsonl`, import.meta.url).pathname);
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--wait-ms', '800', '--gap-ms', '50', ...fixtures], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = once(child, 'exit');
    const lines = createInterface({ input: child.stdout! })[Symbol.asyncIterator]();
    const scans: TimedScanEvent[] = [];
    let hostPath: string | undefined;
    const scanner = (path: string) => createQrScanner({ id: 'qr-cli', transport: createSerialTransport({ path, baudRate: 9600 }), suffix: 'CRLF' });
    let device: ReturnType<typeof scanner> | null = null;
    try {
      const first = await lines.next();
      hostPath = (JSON.parse(String(first.value)) as { hostPath: string }).hostPath;
      device = scanner(hostPath);
      device.onScan((e) => scans.push(e));
      await device.start();
      assert.equal(device.health().state, 'ready');
      assert.deepEqual(JSON.parse(String((await lines.next()).value)), { attached: 'qr-scanner', hostPath });
      assert.deepEqual(JSON.parse(String((await lines.next()).value)), { played: 'fresh-ec-qr.jsonl' });
      assert.deepEqual(JSON.parse(String((await lines.next()).value)), { played: 'pay-code.jsonl' });
      await sleep(50);
      assert.deepEqual(scans.map((s) => s.kind), ['ec-qr', 'pay-code', 'pay-code']);
    } finally {
      await device?.stop();
      child.kill('SIGTERM');
      await exited;
    }
    assert.equal(child.exitCode, 0);
    assert.ok(hostPath && !existsSync(hostPath), 'the pty pair is gone after the CLI stops');
  });

  it("waits for a terminal to open the scanner's port before playing, however late it comes (README's example)", async () => {
    const script = new URL('./sim-devices.ts', import.meta.url).pathname;
    const fixture = new URL('../fixtures/devices/qr-scanner/fresh-ec-qr.jsonl', import.meta.url).pathname;
    // README's command line: a short wait, which before played into a port nobody had open.
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--wait-ms', '100', fixture], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    const lines: Array<Record<string, string>> = [];
    createInterface({ input: child.stdout! }).on('line', (l) => lines.push(JSON.parse(l) as Record<string, string>));
    const scans: TimedScanEvent[] = [];
    let device: ReturnType<typeof createQrScanner> | null = null;
    try {
      const line = await waitFor('qr line', () => lines.find((l) => l['device'] === 'qr-scanner'), 30_000);
      // The terminal is late (well past --wait-ms): the CLI holds the code instead of losing it.
      await sleep(1_500);
      assert.equal(lines.some((l) => 'played' in l), false, 'nothing played before a terminal attached');
      device = createQrScanner({ id: 'qr-late', transport: createSerialTransport({ path: line['hostPath']!, baudRate: 9600 }), suffix: 'CRLF' });
      device.onScan((e) => scans.push(e));
      await device.start();
      await waitFor('attached', () => lines.find((l) => l['attached'] === 'qr-scanner'), 20_000);
      await waitFor('the scan arrives', () => scans.length === 1, 20_000);
      assert.equal(scans[0]!.kind, 'ec-qr');
    } finally {
      await device?.stop();
      child.kill('SIGTERM');
      await exited;
    }
  });

  it('tells fixtures apart by folder and HID mode by report size', async () => {
    assert.equal(simKindOf('fixtures/devices/id-card/read-card.jsonl'), 'id-card');
    assert.equal(simKindOf('x/card-reader/a.jsonl'), 'card-reader');
    assert.equal(simKindOf('x/qr-scanner-hid/a.jsonl'), 'qr-scanner-hid');
    assert.equal(simKindOf('mine.jsonl'), 'qr-scanner');
    const hid = (n: string) => new URL(`../fixtures/devices/qr-scanner-hid/${n}.jsonl`, import.meta.url).pathname;
    assert.equal(hidModeOf(await readRecording(hid('keyboard-ec-qr'))), 'keyboard');
    assert.equal(hidModeOf(await readRecording(hid('pos-ec-qr'))), 'pos');
  });

  it('serves an ID card reader and a HID scanner (through the HID decoder) on their own pty pairs', async () => {
    const script = new URL('./sim-devices.ts', import.meta.url).pathname;
    const fixtures = ['id-card/read-card', 'qr-scanner-hid/keyboard-ec-qr'].map((n) => new URL(`../fixtures/devices/${n}.jsonl`, import.meta.url).pathname);
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--wait-ms', '800', '--speed', '4', ...fixtures], { stdio: ['ignore', 'pipe', 'inherit'] });
    const exited = once(child, 'exit');
    const lines: Array<Record<string, string>> = [];
    createInterface({ input: child.stdout! }).on('line', (l) => lines.push(JSON.parse(l) as Record<string, string>));
    const paths: string[] = [];
    const idEvents: IdCardEvent[] = [];
    const scans: TimedScanEvent[] = [];
    let reader: ReturnType<typeof createIdCardReader> | null = null;
    let scanner: ReturnType<typeof createQrScanner> | null = null;
    try {
      const idLine = await waitFor('id-card line', () => lines.find((l) => l['device'] === 'id-card'));
      const hidLine = await waitFor('hid line', () => lines.find((l) => l['device'] === 'qr-scanner-hid'));
      assert.equal(hidLine['mode'], 'keyboard');
      paths.push(idLine['hostPath']!, hidLine['hostPath']!);
      scanner = createQrScanner({ id: 'qr-hid', transport: createSerialTransport({ path: hidLine['hostPath']!, baudRate: 115200 }), suffix: 'CRLF' });
      scanner.onScan((e) => scans.push(e));
      await scanner.start();
      reader = createIdCardReader({ id: 'id-1', transport: createSerialTransport({ path: idLine['hostPath']!, baudRate: 115200 }), pollMs: 30 });
      reader.onEvent((e) => idEvents.push(e));
      await reader.start();
      assert.equal(reader.health().state, 'ready');
      await waitFor('card', () => idEvents.find((e) => e.type === 'card'), 8000);
      await waitFor('hid scan', () => scans.length === 1, 8000);
      const card = idEvents.find((e) => e.type === 'card');
      assert.equal(card?.type === 'card' && card.info.idNumber, SYNTHETIC_CARD.idNumber);
      assert.equal(scans[0]!.kind, 'ec-qr');
      assert.equal(scans[0]!.text.startsWith('NHSAEC1.EC0000'), true);
    } finally {
      await reader?.stop();
      await scanner?.stop();
      child.kill('SIGTERM');
      await exited;
    }
    assert.equal(child.exitCode, 0);
    assert.ok(paths.every((p) => !existsSync(p)), 'every pty pair is gone after the CLI stops');
  });
});
