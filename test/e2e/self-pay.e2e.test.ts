// The self-paid part chosen at the confirm step, end to end on the real terminal core (simulated
// platform and HIS, a QR scanner on a pty, Chromium): a resident with no account of their own lets
// the bound relative's account pay (家庭共济), and an employee turns their account off and leaves the
// cash on credit (信用就医), owed on the receipt and in the staff overview. Confirm and receipt are
// photographed in zh and en, normal and elderly, each checked by axe.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startKioskHarness, uiDir, yuan, type KioskHarness } from './kiosk-harness';
import { captureVariants, smallestTarget } from './screen-checks';

const EMPLOYEE_PSN = '33000000000000000101';

describe('self-paid part at the kiosk', () => {
  let kiosk: KioskHarness;

  before(async () => {
    assert.ok(existsSync(join(uiDir, 'index.html')), 'run `npm run build:ui` first');
    kiosk = await startKioskHarness();
  });
  after(() => kiosk?.close());

  const balance = (psnNo: string) => kiosk.platform.ledger().accounts.find((a) => a.psnNo === psnNo)?.balanceFen ?? NaN;

  async function toConfirm(personKey: string): Promise<void> {
    const { page } = kiosk;
    await page.goto(kiosk.host.url);
    await page.getByTestId('screen-idle').waitFor();
    await page.getByTestId('service-outpatient').click();
    await page.locator('[data-testid="scanner-status"][data-state="ready"]').waitFor();
    await kiosk.scanFreshCode(personKey);
    await page.getByTestId('screen-confirm').waitFor({ timeout: 20_000 });
  }

  it('pays the cash part from the bound relative\'s account (家庭共济)', async () => {
    const { page } = kiosk;
    await toConfirm('resident');
    const cashBefore = await page.getByTestId('pay-now-amount').innerText();
    assert.notEqual(cashBefore, yuan(0), 'the resident has cash to pay');
    const payerBefore = balance(EMPLOYEE_PSN);
    await page.getByTestId('family-0').click();
    await page.locator('[data-testid="family-0"][aria-checked="true"]').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('pay-now-amount').innerText(), yuan(0), 'nothing left in cash');
    assert.equal(await page.getByTestId('split-familyAccountFen').innerText(), cashBefore);
    assert.match(await page.getByTestId('family-0').innerText(), /\*/, 'the relative is named masked');
    assert.ok((await smallestTarget(page)) >= 48, 'every choice is a 48 px target');
    await captureVariants(page, 'self-pay-family-confirm');
    await page.getByTestId('confirm-pay').click();
    await page.getByTestId('screen-receipt').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('receipt-family').innerText(), cashBefore);
    assert.equal(await page.getByTestId('receipt-cash').innerText(), yuan(0));
    const paidFen = payerBefore - balance(EMPLOYEE_PSN);
    assert.equal(yuan(paidFen), cashBefore, 'the relative\'s account paid exactly the cash part');
    await captureVariants(page, 'self-pay-family-receipt');
    await page.getByTestId('back-to-start').click();
  });

  it('leaves the cash part on credit: owed on the receipt and in the staff overview, with nothing charged', async () => {
    const { page } = kiosk;
    await toConfirm('employee');
    // The employee's own account would pay everything: they turn it off to keep it for later.
    await page.getByTestId('self-pay-account').click();
    await page.locator('[data-testid="self-pay-account"][aria-checked="false"]').waitFor({ timeout: 20_000 });
    const cash = await page.getByTestId('pay-now-amount').innerText();
    assert.notEqual(cash, yuan(0));
    await page.getByTestId('method-credit').click();
    await page.locator('[data-testid="method-credit"][aria-checked="true"]').waitFor();
    await captureVariants(page, 'self-pay-credit-confirm');
    const walletsBefore = JSON.stringify(kiosk.platform.mobilePayLedger().wallets);
    await page.getByTestId('confirm-pay').click();
    await page.getByTestId('screen-receipt').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('receipt-owed').innerText(), cash);
    assert.equal(JSON.stringify(kiosk.platform.mobilePayLedger().wallets), walletsBefore, 'no payment code was charged');
    await captureVariants(page, 'self-pay-credit-receipt');
    const admin = await kiosk.terminal.api.execute({ type: 'admin.overview', pin: '000000' });
    assert.ok(admin.ok && admin.admin?.credit);
    const owed = admin.admin.credit.debts.filter((d) => d.status === 'owed');
    assert.equal(owed.length, 1);
    assert.equal(yuan(owed[0]!.amountFen), cash);
    assert.equal(yuan(admin.admin.credit.outstandingFen), cash);
    assert.ok(!JSON.stringify(admin.admin.credit).includes('33010219800101123X'), 'no ID number in the staff view');
    await page.getByTestId('back-to-start').click();
  });
});
