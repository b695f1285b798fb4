// The walking skeleton end to end, with real parts in every layer: a 医保码 scan is played onto a
// virtual serial port (socat pty pair) and read by the serial QR driver; the terminal decodes it and
// queries the person on the platform simulator over HTTP, fetches the bill from the HIS simulator,
// journals and pre-settles it, and Chromium drives the kiosk UI through the web host as a patient
// would. The simulator's ledger then proves what was really settled.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, screenshot } from './browser';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/core/start-terminal';
import { startWebHost, type WebHost } from '../../terminal/host/web/server';
import { createPtyPair, playRecordingToPort, type PtyPair } from '../../drivers/transport/pty';
import { readRecording } from '../../drivers/transport/replay';

const root = resolve(import.meta.dirname, '..', '..');
const fixturesDir = join(root, 'fixtures');
const uiDir = join(root, 'dist', 'ui');

/** Integer fen to the UI's "¥1,234.56", computed independently of the UI's own helper. */
function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}¥${whole}.${String(abs % 100).padStart(2, '0')}`;
}

async function startKiosk(pty: PtyPair): Promise<{ terminal: RunningTerminal; host: WebHost }> {
  const config = parseConfig({
    devices: [{ id: 'qr-1', kind: 'qr-scanner', suffix: 'CRLF', transport: { type: 'serial', path: pty.hostPath, baudRate: 9600 } }],
  });
  const terminal = await startTerminal({ config, dataDir: mkdtempSync(join(tmpdir(), 'kiosk-e2e-')), fixturesDir });
  const host = await startWebHost({ api: terminal.api, uiDir });
  return { terminal, host };
}

describe('walking skeleton: 医保码 on a serial scanner to a receipt', () => {
  let browser: Browser;
  let page: Page;
  let pty: PtyPair;
  let kiosk: { terminal: RunningTerminal; host: WebHost };
  const pageErrors: string[] = [];

  before(async () => {
    assert.ok(existsSync(join(uiDir, 'index.html')), 'run `npm run build:ui` first');
    pty = await createPtyPair();
    kiosk = await startKiosk(pty);
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1080, height: 1500 } });
    page.on('pageerror', (e) => pageErrors.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await kiosk?.host.close();
    await kiosk?.terminal.close();
    await pty?.close();
  });

  const scanFreshCode = async (personKey: string) => {
    const sim = kiosk.terminal.simulators.platform;
    assert.ok(sim, 'the embedded platform simulator runs');
    const recording = await readRecording(join(fixturesDir, 'devices', 'qr-scanner', 'fresh-ec-qr.jsonl'));
    await playRecordingToPort(pty.devicePath, recording, { speed: Infinity, resolve: async (_t, _arg) => sim.mintEcQr(personKey) });
  };

  it('settles an outpatient bill exactly once and shows the receipt to the fen', async () => {
    const sim = kiosk.terminal.simulators.platform!;
    const settledBefore = sim.ledger().settlements.length;

    await page.goto(kiosk.host.url);
    await page.getByTestId('screen-idle').waitFor();
    await screenshot(page, 'skeleton-01-attract');

    await page.getByTestId('service-outpatient').click();
    await page.getByTestId('screen-identify').waitFor();
    await page.locator('[data-testid="scanner-status"][data-state="ready"]').waitFor();
    await screenshot(page, 'skeleton-02-identify');

    await scanFreshCode('employee');
    await page.getByTestId('screen-confirm').waitFor({ timeout: 20_000 });
    await screenshot(page, 'skeleton-03-confirm');
    const shownTotal = await page.getByTestId('split-totalFen').innerText();

    await page.getByTestId('confirm-pay').click();
    await page.getByTestId('screen-receipt').waitFor({ timeout: 20_000 });
    await screenshot(page, 'skeleton-04-receipt');

    // What the platform really settled, read from the simulator's own ledger.
    const settlements = sim.ledger().settlements.slice(settledBefore);
    assert.equal(settlements.length, 1, 'exactly one settlement reached the platform');
    const settled = settlements[0]!;
    assert.equal(settled.status, 'settled');
    const s = settled.split;
    assert.ok(s.medfeeSumamtFen > 0);
    assert.equal(s.fundPaySumamtFen + s.acctPayFen + s.psnCashPayFen, s.medfeeSumamtFen, 'the ledger balances to the fen');
    assert.equal(await page.getByTestId('receipt-total').innerText(), yuan(s.medfeeSumamtFen));
    assert.equal(shownTotal, yuan(s.medfeeSumamtFen), 'the patient confirmed the amount that was settled');
    assert.equal(await page.getByTestId('receipt-fund').innerText(), yuan(s.fundPaySumamtFen));
    assert.equal(await page.getByTestId('receipt-account').innerText(), yuan(s.acctPayFen));
    assert.equal(await page.getByTestId('receipt-cash').innerText(), yuan(s.psnCashPayFen));

    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();
  });

  it('tells the patient plainly when the platform is down, and settles nothing', async () => {
    const sim = kiosk.terminal.simulators.platform!;
    const settledBefore = sim.ledger().settlements.length;
    const payload = sim.mintEcQr('resident');
    sim.setFaults({ rules: [{ kind: 'http-5xx' }] });
    try {
      await page.getByTestId('service-outpatient').click();
      await page.getByTestId('screen-identify').waitFor();
      await playRecordingToPort(pty.devicePath, [{ t_ms: 0, dir: 'in', hex: Buffer.from(payload + '\r\n').toString('hex') }], { speed: Infinity });
      await page.getByTestId('screen-error').waitFor({ timeout: 20_000 });
      assert.match(await page.getByTestId('error-message').innerText(), /医保系统暂时连不上/);
      await screenshot(page, 'skeleton-05-platform-down');
    } finally {
      sim.setFaults({ rules: [] });
    }
    assert.equal(sim.ledger().settlements.length, settledBefore);
    await page.getByTestId('back-to-start').click();
  });

  it('ran without script errors in the page', () => {
    assert.deepEqual(pageErrors, []);
  });
});
