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
      assert.deepEqual(JSON.parse(String((await lines.next()).value)), { played: 'fresh-ec-qr.jsonl' });
      assert.deepEqual(JSON.parse(String((await lines.next()).value)), { played: 'pay-code.jsonl' });
      await new Promise((r) => setTimeout(r, 50));
      assert.deepEqual(scans.map((s) => s.kind), ['ec-qr', 'pay-code', 'pay-code']);
    } finally {
      await device?.stop();
      child.kill('SIGTERM');
      await exited;
    }
    assert.equal(child.exitCode, 0);
    assert.ok(hostPath && !existsSync(hostPath), 'the pty pair is gone after the CLI stops');
  });
});
