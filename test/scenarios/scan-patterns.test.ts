// A site's own scan patterns from the config reach every path a code comes in by: a serial scanner
// (through a socat pty and the drivers' manager) and typed or keyboard-wedge text (credential.text).
// A vendor 医保码 the built-in patterns do not know is sent to the platform instead of being refused
// on the spot as "not a 医保码".
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { ConfigError, parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { createPtyPair, playRecordingToPort, type PtyPair } from '../../drivers/transport/pty';
import { classifyScan } from '../../drivers/qr-scanner/codec';
import type { ManagedScan } from '../../drivers/manager';
import { startDevices } from '../../terminal/app/devices';
import { nextStep } from '../../terminal/testing/terminal.testkit';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');
const VENDOR_CODE = 'VENDOREC:12345678';

describe('scan patterns from the config', () => {
  const open = nothingOpenAfterEach();
  let pty: PtyPair;
  let terminal: RunningTerminal;

  before(async () => {
    pty = await createPtyPair();
    terminal = await startTerminal({
      config: parseConfig({
        scanPatterns: { ecQr: ['^VENDOREC:\\d{8}$'] },
        devices: [{ id: 'qr-1', kind: 'qr-scanner', suffix: 'CRLF', transport: { type: 'serial', path: pty.hostPath } }],
      }),
      dataDir: mkdtempSync(join(tmpdir(), 'patterns-')),
      fixturesDir,
    });
    open.track(terminal);
  });
  after(async () => {
    await terminal?.close();
    await pty?.close();
  });

  it('the built-in patterns alone do not know the vendor code (so the tests below can tell)', () => {
    assert.equal(classifyScan(VENDOR_CODE), 'unknown');
    assert.equal(classifyScan('PAYX123456'), 'hospital-barcode');
  });

  it('a vendor 医保码 scanned on a serial scanner goes to the platform', async () => {
    const atEnd = nextStep(terminal, ['error', 'confirm']);
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    await playRecordingToPort(pty.devicePath, [{ t_ms: 0, dir: 'in', hex: Buffer.from(`${VENDOR_CODE}\r\n`).toString('hex') }], { baudRate: 9600 });
    const view = await atEnd;
    // The simulator cannot decode a vendor's payload; what matters is that it was asked.
    assert.equal(view.error?.code, 'qr-invalid');
    await terminal.api.execute({ type: 'session.reset' });
  });

  it('typed text is classified with the same patterns', async () => {
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const vendor = await terminal.api.execute({ type: 'credential.text', text: VENDOR_CODE });
    assert.ok(vendor.ok);
    assert.equal(vendor.session.error?.code, 'qr-invalid');
    await terminal.api.execute({ type: 'session.reset' });
  });

  it('pay-code and hospital-barcode patterns reach the kind of each scan on the serial path', async () => {
    const pair = await createPtyPair();
    const scans: ManagedScan[] = [];
    const devices = await startDevices({
      config: parseConfig({
        scanPatterns: { payCode: ['^PAYX\\d{6}$'], hospitalBarcode: ['^ZY\\d{13}$'] },
        devices: [{ id: 'qr-2', kind: 'qr-scanner', transport: { type: 'serial', path: pair.hostPath } }],
      }),
      fixturesDir,
      resolveTemplate: () => Promise.reject(new Error('no templates here')),
      onScan: (scan) => scans.push(scan),
      onHealth: () => {},
    });
    try {
      const lines = ['PAYX123456', 'ZY2024081500123', 'ABC123'].map((text, i) => ({ t_ms: i * 20, dir: 'in' as const, hex: Buffer.from(`${text}\r\n`).toString('hex') }));
      await playRecordingToPort(pair.devicePath, lines, { baudRate: 9600 });
      const deadline = Date.now() + 3000;
      while (scans.length < 3 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
      // ABC123 is a hospital barcode by the built-in pattern; the site's own pattern replaces it.
      assert.deepEqual(scans.map((x) => x.kind), ['pay-code', 'hospital-barcode', 'unknown']);
      assert.equal(devices.classify('PAYX123456'), 'pay-code');
    } finally {
      await devices.stop();
      await pair.close();
    }
  });

  it('a pattern that does not compile stops the start and names the field', () => {
    assert.throws(
      () => parseConfig({ scanPatterns: { payCode: ['^(unclosed'] } }),
      (err: unknown) => err instanceof ConfigError && err.problems.some((p) => p.startsWith('scanPatterns.payCode.0')),
    );
  });
});
