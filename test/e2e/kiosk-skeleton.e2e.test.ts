// The walking skeleton end to end, with real parts in every layer: a 医保码 scan is played onto a
// virtual serial port (socat pty pair) and read by the serial QR driver; the terminal decodes it and
// queries the person on the platform simulator over HTTP, fetches the bill from the HIS simulator,
// journals and pre-settles it, and Chromium drives the kiosk UI through the web host as a patient
// would. The simulator's ledger then proves what was really settled.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { screenshot } from './browser';
import { startKioskHarness, uiDir, yuan, type KioskHarness } from './kiosk-harness';

describe('walking skeleton: 医保码 on a serial scanner to a receipt', () => {
  let kiosk: KioskHarness;

  before(async () => {
    assert.ok(existsSync(join(uiDir, 'index.html')), 'run `npm run build:ui` first');
    kiosk = await startKioskHarness();
  });
  after(() => kiosk?.close());

  it('settles an outpatient bill exactly once and shows the receipt to the fen', async () => {
    const { page, platform } = kiosk;
    const settledBefore = platform.ledger().settlements.length;

    await page.goto(kiosk.host.url);
    await page.getByTestId('screen-idle').waitFor();
    await screenshot(page, 'skeleton-01-attract');

    await page.getByTestId('service-outpatient').click();
    await page.getByTestId('screen-identify').waitFor();
    await page.locator('[data-testid="scanner-status"][data-state="ready"]').waitFor();
    await screenshot(page, 'skeleton-02-identify');

    await kiosk.scanFreshCode('employee');
    await page.getByTestId('screen-confirm').waitFor({ timeout: 20_000 });
    await screenshot(page, 'skeleton-03-confirm');
    const shownTotal = await page.getByTestId('split-totalFen').innerText();

    await page.getByTestId('confirm-pay').click();
    await page.getByTestId('screen-receipt').waitFor({ timeout: 20_000 });
    await screenshot(page, 'skeleton-04-receipt');

    // What the platform really settled, read from the simulator's own ledger.
    const settlements = platform.ledger().settlements.slice(settledBefore);
    assert.equal(settlements.length, 1, 'exactly one settlement reached the platform');
    const settled = settlements[0]!;
    assert.equal(settled.status, 'settled');
    const s = settled.split;
    assert.ok(s.medfeeSumamtFen > 0);
    assert.equal(s.fundPaySumamtFen + s.acctPayFen + s.psnCashPayFen, s.medfeeSumamtFen, 'the ledger balances to the fen');
    assert.equal(await page.getByTestId('receipt-total').innerText(), yuan(s.medfeeSumamtFen));
    assert.equal(shownTotal, yuan(s.medfeeSumamtFen), 'the patient confirmed the amount that was settled');
    if (s.fundPaySumamtFen > 0) assert.equal(await page.getByTestId('receipt-fund').innerText(), yuan(s.fundPaySumamtFen));
    else {
      // Below the 起付线 the funds paid nothing: no ¥0.00 row, one line that says why (issue 14 item 5).
      assert.equal(await page.getByTestId('receipt-fund').count(), 0);
      await page.getByTestId('fund-zero-why').waitFor();
    }
    assert.equal(await page.getByTestId('receipt-account').innerText(), yuan(s.acctPayFen));
    assert.equal(await page.getByTestId('receipt-cash').innerText(), yuan(s.psnCashPayFen));

    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();
  });

  it('tells the patient plainly when the platform is down, and settles nothing', async () => {
    const { page, platform } = kiosk;
    const settledBefore = platform.ledger().settlements.length;
    const payload = platform.mintEcQr('resident');
    platform.setFaults({ rules: [{ kind: 'http-5xx' }] });
    try {
      await page.getByTestId('service-outpatient').click();
      await page.getByTestId('screen-identify').waitFor();
      await kiosk.scanText(payload);
      await page.getByTestId('screen-error').waitFor({ timeout: 20_000 });
      assert.match(await page.getByTestId('error-message').innerText(), /医保系统暂时连不上/);
      await screenshot(page, 'skeleton-05-platform-down');
    } finally {
      platform.setFaults({ rules: [] });
    }
    assert.equal(platform.ledger().settlements.length, settledBefore);
    await page.getByTestId('back-to-start').click();
  });

  it('ran without script errors in the page', () => {
    assert.deepEqual(kiosk.pageErrors, []);
  });
});
