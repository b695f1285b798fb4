// Issue 16's staff side end to end on the real terminal core and its embedded simulators: a patient
// pays by 医保码, staff open the staff screen, find the visit among today's settled ones and refund it
// with a reason from the list; the screen says it is done, the visit reads 已退费 there and in the
// patient's 查询, and the platform simulator's ledger holds the settlement cancelled.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { screenshot } from './browser';
import { startKioskHarness, uiDir, yuan, type KioskHarness } from './kiosk-harness';
import { assertAccessible, openStaffDoor, setLang } from './screen-checks';

async function enterPin(page: Page, pin: string): Promise<void> {
  for (const d of pin) await page.getByTestId(`pin-key-${d}`).click();
  await page.locator(`[data-testid="pin-display"][data-length="${pin.length}"]`).waitFor();
  await page.getByTestId('pin-submit').click();
}

async function captureBothLanguages(page: Page, name: string): Promise<void> {
  for (const lang of ['zh', 'en'] as const) {
    await setLang(page, lang);
    await screenshot(page, `staff-refund-${name}-${lang}`);
    await assertAccessible(page, `${name} (${lang})`);
  }
  await setLang(page, 'zh');
}

describe('staff refund (退费) from the staff screen on the real core', () => {
  let kiosk: KioskHarness;
  const consoleErrors: string[] = [];

  before(async () => {
    assert.ok(existsSync(join(uiDir, 'index.html')), 'run `npm run build:ui` first');
    kiosk = await startKioskHarness({ config: { settlement: { replayIntervalMs: 60_000 } } });
    kiosk.page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  });
  after(() => kiosk?.close());

  it('a patient pays, staff refund it with a reason, the visit reads 已退费 and the ledger holds it cancelled', async () => {
    const { page, platform } = kiosk;
    await page.goto(kiosk.host.url);
    await page.getByTestId('screen-idle').waitFor();
    await page.getByTestId('service-outpatient').click();
    await page.locator('[data-testid="scanner-status"][data-state="ready"]').waitFor();
    await kiosk.scanFreshCode('employee');
    await page.getByTestId('screen-confirm').waitFor({ timeout: 20_000 });
    await page.getByTestId('confirm-pay').click();
    await page.getByTestId('amount-check').or(page.getByTestId('screen-receipt')).first().waitFor({ timeout: 30_000 });
    if ((await page.getByTestId('amount-check').count()) > 0) await page.getByTestId('amount-check-confirm').click();
    await page.getByTestId('screen-receipt').waitFor({ timeout: 30_000 });
    const paid = platform.ledger().settlements.at(-1)!;
    assert.equal(paid.status, 'settled');
    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();

    await openStaffDoor(page, 'staff-button');
    await enterPin(page, '000000');
    await page.getByTestId('screen-admin').waitFor();
    const row = page.getByTestId('settled-item');
    assert.equal(await row.count(), 1, 'the visit paid today is listed');
    assert.equal(await row.locator('td.num').last().innerText(), yuan(paid.split.medfeeSumamtFen));
    assert.doesNotMatch(await page.locator('body').innerText(), /测试|3301021980/, 'no patient names or ID numbers');

    await row.getByTestId('settled-refund').click();
    const dialog = page.getByTestId('money-dialog');
    await dialog.waitFor();
    assert.equal(await page.getByTestId('money-confirm').isDisabled(), true, 'no refund without a reason');
    assert.equal(await page.getByTestId('money-reason').count(), 5, "the core's five refund reasons");
    // The language switch sits under the dialog: each language's photo is of the dialog opened in it.
    await page.getByTestId('money-back').click();
    await setLang(page, 'en');
    await row.getByTestId('settled-refund').click();
    await page.locator('[data-testid="money-reason"][data-reason="wrong-bill"]').click();
    assert.match(await page.locator('[data-testid="money-reason"][aria-pressed="true"]').innerText(), /Wrong items on the bill/);
    await screenshot(page, 'staff-refund-01-reason-en');
    await assertAccessible(page, 'refund reason (en)');
    await page.getByTestId('money-back').click();
    await setLang(page, 'zh');
    await row.getByTestId('settled-refund').click();
    await page.locator('[data-testid="money-reason"][data-reason="wrong-bill"]').click();
    assert.match(await page.locator('[data-testid="money-reason"][aria-pressed="true"]').innerText(), /收费项目有误/);
    await screenshot(page, 'staff-refund-01-reason-zh');
    await assertAccessible(page, 'refund reason (zh)');

    await page.getByTestId('money-confirm').click();
    const outcome = page.locator('[data-testid="money-outcome"][data-kind="done"]');
    await outcome.waitFor({ timeout: 30_000 });
    assert.match(await outcome.innerText(), /退费完成/);
    await page.locator('[data-testid="settled-item"][data-state="refunded"]').waitFor();
    assert.equal(await page.getByTestId('settled-state').innerText(), '已退费');
    assert.equal(await page.getByTestId('settled-refund').count(), 0, 'a refunded visit offers no second refund');
    await captureBothLanguages(page, '02-refunded');

    const cancelled = platform.ledger().settlements.find((s) => s.setlId === paid.setlId);
    assert.equal(cancelled?.status, 'cancelled', 'the platform holds the settlement cancelled');

    // The patient's 查询 says the same.
    await page.getByTestId('admin-exit').click();
    await page.getByTestId('screen-idle').waitFor();
    await page.getByTestId('service-history').click();
    await page.locator('[data-testid="screen-identify"][data-history="true"]').waitFor();
    await page.locator('[data-testid="scanner-status"][data-state="ready"]').waitFor();
    await kiosk.scanFreshCode('employee');
    await page.getByTestId('screen-history').waitFor({ timeout: 20_000 });
    const visit = page.locator('[data-testid="history-visit"][data-status="refunded"]');
    assert.equal(await visit.count(), 1);
    assert.match(await visit.getByTestId('history-status').innerText(), /已退费/);
    const payers = page.locator(`[data-testid="history-payers"][data-settlement-id="${await visit.getAttribute('data-settlement-id')}"] [data-testid="history-payer-line"]`);
    // Each payer named as on the receipt (this employee's account paid it all), adding up to the bill.
    const lines = (await payers.allInnerTexts()).map((l) => l.split('\n'));
    assert.ok(lines.length >= 1 && lines.every(([name]) => /统筹基金|大病保险|医疗救助|个人账户|现金|共济/.test(name ?? '')), JSON.stringify(lines));
    const fen = (text: string) => Number(text.replace(/[¥,.]/g, ''));
    assert.equal(
      lines.reduce((sum, [, amount]) => sum + fen(amount ?? ''), 0),
      paid.split.medfeeSumamtFen,
    );
    await screenshot(page, 'staff-refund-03-history-zh');
    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();
  });

  it('marks a credit debt repaid from the staff screen with a reason, and the debt reads repaid', async () => {
    const { page } = kiosk;
    // The refunded bill is payable again: the employee pays it, the cash part left on credit.
    await page.getByTestId('service-outpatient').click();
    await page.locator('[data-testid="scanner-status"][data-state="ready"]').waitFor();
    await kiosk.scanFreshCode('employee');
    await page.getByTestId('screen-confirm').waitFor({ timeout: 20_000 });
    await page.getByTestId('self-pay-account').click();
    await page.locator('[data-testid="self-pay-account"][aria-checked="false"]').waitFor({ timeout: 20_000 });
    await page.getByTestId('method-credit').click();
    await page.locator('[data-testid="method-credit"][aria-checked="true"]').waitFor();
    await page.getByTestId('confirm-pay').click();
    await page.getByTestId('screen-receipt').waitFor({ timeout: 20_000 });
    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();

    await openStaffDoor(page, 'staff-button');
    await enterPin(page, '000000');
    await page.getByTestId('screen-admin').waitFor();
    const debt = page.locator('[data-testid="credit-debt"][data-status="owed"]');
    assert.equal(await debt.count(), 1);
    await debt.getByTestId('credit-repaid').click();
    await page.getByTestId('money-dialog').waitFor();
    assert.equal(await page.getByTestId('money-reason').count(), 3, "the core's three repaid reasons");
    await page.locator('[data-testid="money-reason"][data-reason="paid-at-cashier"]').click();
    await screenshot(page, 'staff-refund-04-credit-repaid-zh');
    await page.getByTestId('money-confirm').click();
    await page.locator('[data-testid="money-outcome"][data-kind="done"]').waitFor({ timeout: 30_000 });
    await page.locator('[data-testid="credit-debt"][data-status="repaid"]').waitFor();
    assert.equal(await page.getByTestId('credit-repaid').count(), 0, 'a repaid debt offers no second mark');
    assert.equal(await page.getByTestId('credit-outstanding').innerText(), `未收回合计: ${yuan(0)}`);
    await captureBothLanguages(page, '05-credit-repaid');
    await page.getByTestId('admin-exit').click();
    await page.getByTestId('screen-idle').waitFor();
  });

  it('ran without script errors in the page', () => {
    assert.deepEqual(kiosk.pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  });
});
