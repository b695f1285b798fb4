// 异地 and 电子哨兵 in Chromium on the real terminal core: a cross-region patient (insured in
// Chengdu, 510100, at a kiosk of Hangzhou's pool) sees 异地 and the insured area's name on the
// confirm screen and on the receipt, and a visit with too many 谈判药 is held at the kiosk and shows
// on the staff screen as an alert without the patient's name or ID number.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { screenshot } from './browser';
import { startKioskHarness, uiDir, yuan, type KioskHarness } from './kiosk-harness';
import { openStaffDoor } from './screen-checks';

describe('异地 marker and a staff alert in the browser', () => {
  let kiosk: KioskHarness;

  before(async () => {
    assert.ok(existsSync(join(uiDir, 'index.html')), 'run `npm run build:ui` first');
    // The employee's bill has a 谈判药 line of quantity 3: above 2, the rule holds the visit.
    kiosk = await startKioskHarness({ config: { alerts: { negotiatedDrug: { maxQuantity: 2 } } } });
  });
  after(() => kiosk?.close());

  it('shows 异地 with the insured area on the confirm screen and the receipt of a cross-region patient', async () => {
    const { page, platform } = kiosk;
    const before = platform.ledger().settlements.length;
    await page.goto(kiosk.host.url);
    await page.getByTestId('service-outpatient').click();
    await page.locator('[data-testid="scanner-status"][data-state="ready"]').waitFor();
    await kiosk.scanFreshCode('cross-region');
    await page.getByTestId('screen-confirm').waitFor();
    const atConfirm = await page.getByTestId('patient-cross-region').innerText();
    assert.match(atConfirm, /异地/);
    assert.match(atConfirm, /成都/, 'the insured area by name');
    await screenshot(page, 'cross-region-confirm');
    const payNow = await page.getByTestId('pay-now-amount').innerText();
    await page.getByTestId('confirm-pay').click();
    await page.getByTestId('amount-check').or(page.getByTestId('screen-receipt')).first().waitFor();
    if ((await page.getByTestId('amount-check').count()) > 0) await page.getByTestId('amount-check-confirm').click();
    await page.getByTestId('screen-receipt').waitFor();
    assert.match(await page.getByTestId('receipt-cross-region').innerText(), /成都/);
    assert.match(await page.getByTestId('patient-cross-region').innerText(), /异地/);
    await screenshot(page, 'cross-region-receipt');
    // The platform settled it for this patient, and the screen asked for what it settled.
    const settled = platform.ledger().settlements.slice(before);
    assert.equal(settled.length, 1);
    assert.equal(settled[0]!.psnNo, '51000000000000000103');
    assert.equal(payNow, yuan(settled[0]!.split.psnCashPayFen));
    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();
  });

  it('holds a visit with too many 谈判药 and shows the alert on the staff screen, naming no one', async () => {
    const { page, platform } = kiosk;
    const before = platform.ledger().settlements.length;
    await page.getByTestId('service-outpatient').click();
    await page.locator('[data-testid="scanner-status"][data-state="ready"]').waitFor();
    await kiosk.scanFreshCode('employee');
    await page.locator('[data-testid="error-message"][data-code="alert-hold"]').waitFor();
    assert.equal(platform.ledger().settlements.length, before, 'nothing settled');
    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();

    await openStaffDoor(page, 'staff-button');
    for (const d of '000000') await page.getByTestId(`pin-key-${d}`).click();
    await page.getByTestId('pin-submit').click();
    await page.getByTestId('screen-admin').waitFor();
    const alert = page.locator('[data-testid="alert"][data-rule="negotiated-drug"]');
    await alert.waitFor();
    assert.equal(await alert.count(), 1);
    assert.equal(await alert.getAttribute('data-hold'), 'true');
    await screenshot(page, 'staff-alert');
    assert.doesNotMatch(await page.getByTestId('alerts').innerText(), /测试|3301021980|5101071975|\d{17}[\dX]/, 'no name or ID number');
    await page.getByTestId('admin-exit').click();
    await page.getByTestId('screen-idle').waitFor();
  });
});
