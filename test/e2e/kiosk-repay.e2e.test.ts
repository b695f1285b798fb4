// 查询 还款 in Chromium on the real terminal core (web host, simulators, the QR scanner on a pty): a
// patient who left the cash part on credit comes back, opens 还款 on the owed visit, sees the
// amount, shows a payment code to the scanner (credential text, not typed into the page), and the
// row ends on 已还款 with the centre's ledger charged exactly the debt.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startKioskHarness, uiDir, yuan, type KioskHarness } from './kiosk-harness';
import { setLang } from './screen-checks';

describe('还款: a credit debt repaid at the kiosk by payment code', () => {
  let kiosk: KioskHarness;

  before(async () => {
    assert.ok(existsSync(join(uiDir, 'index.html')), 'run `npm run build:ui` first');
    kiosk = await startKioskHarness();
  });
  after(() => kiosk?.close());

  const scannerReady = () => kiosk.page.locator('[data-testid="scanner-status"][data-state="ready"]').waitFor();

  it('from 查询: 还款 shows the amount, the scanned code pays it, and the row says 已还款', async () => {
    const { page, platform } = kiosk;
    await page.goto(kiosk.host.url);
    await page.getByTestId('screen-idle').waitFor();
    // Pay on credit: the employee keeps their account for later, so there is cash to owe.
    await page.getByTestId('service-outpatient').click();
    await scannerReady();
    await kiosk.scanFreshCode('employee');
    await page.getByTestId('screen-confirm').waitFor({ timeout: 20_000 });
    await page.getByTestId('self-pay-account').click();
    await page.locator('[data-testid="self-pay-account"][aria-checked="false"]').waitFor({ timeout: 20_000 });
    const cash = await page.getByTestId('pay-now-amount').innerText();
    await page.getByTestId('method-credit').click();
    await page.locator('[data-testid="method-credit"][aria-checked="true"]').waitFor();
    await page.getByTestId('confirm-pay').click();
    await page.getByTestId('screen-receipt').waitFor({ timeout: 20_000 });
    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();

    await page.getByTestId('service-history').click();
    await scannerReady();
    await kiosk.scanFreshCode('employee');
    await page.getByTestId('screen-history').waitFor({ timeout: 20_000 });
    const row = page.locator('[data-testid="history-visit"]').filter({ has: page.getByTestId('history-repay') });
    assert.equal(await row.count(), 1, 'the owed visit offers 还款');
    assert.match(await row.getByTestId('history-cash-way').innerText(), new RegExp(`${cash.replace(/[.¥]/g, (c) => `\\${c}`)}`));
    await row.getByTestId('history-repay').click();
    const amount = page.getByTestId('history-repay-amount');
    await amount.waitFor();
    assert.ok((await amount.innerText()).includes(cash), 'the amount owed is shown before paying');
    await setLang(page, 'en');
    assert.match(await amount.innerText(), /Amount owed/);
    await setLang(page, 'zh');

    const debtFen = Math.round(Number(cash.replace(/[^\d.]/g, '')) * 100);
    const code = platform.mintPayCode(debtFen + 1_000);
    await kiosk.scanText(code);
    const result = page.locator('[data-testid="history-repay-result"][data-outcome="repaid"]');
    await result.waitFor({ timeout: 20_000 });
    assert.match(await result.innerText(), new RegExp(`已还款`));
    assert.ok((await result.innerText()).includes(cash));
    assert.equal(await page.getByTestId('history-repay').count(), 0, 'nothing left to repay');
    assert.equal(platform.mobilePayLedger().wallets.find((w) => w.payer === `code:${code}`)?.balanceFen, 1_000, 'charged exactly the debt');
    assert.equal(yuan(debtFen), cash);
    assert.deepEqual(kiosk.pageErrors, []);
  });
});
