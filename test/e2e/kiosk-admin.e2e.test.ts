// The staff screen end to end on the real terminal core: the "Staff" button on the attract screen,
// a wrong PIN refused by the core, the right one opening the admin screen; a visit paid while the
// platform was down shows in the queue with its age and error, "forward now" settles it and today's
// totals count it, "reconcile today" balances. Photographed in zh and en, checked by axe.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { screenshot } from './browser';
import { startKioskHarness, uiDir, yuan, type KioskHarness } from './kiosk-harness';
import { assertAccessible, setLang, openStaffDoor } from './screen-checks';

async function captureBothLanguages(page: Page, name: string): Promise<void> {
  for (const lang of ['zh', 'en'] as const) {
    await setLang(page, lang);
    await screenshot(page, `admin-${name}-${lang}`);
    await assertAccessible(page, `${name} (${lang})`);
  }
  await setLang(page, 'zh');
}

async function enterPin(page: Page, pin: string): Promise<void> {
  for (const d of pin) await page.getByTestId(`pin-key-${d}`).click();
  await page.locator(`[data-testid="pin-display"][data-length="${pin.length}"]`).waitFor();
  assert.doesNotMatch(await page.getByTestId('pin-display').innerText(), /\d{2}/, 'the PIN is masked');
  await page.getByTestId('pin-submit').click();
}

describe('admin screen on the real terminal core', () => {
  let kiosk: KioskHarness;
  const consoleErrors: string[] = [];

  before(async () => {
    assert.ok(existsSync(join(uiDir, 'index.html')), 'run `npm run build:ui` first');
    // The replay worker waits a minute between runs, so the queue stays put until "forward now".
    kiosk = await startKioskHarness({ config: { settlement: { replayIntervalMs: 60_000 } } });
    kiosk.page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
  });
  after(() => kiosk?.close());

  it('refuses a wrong PIN with a clear message and keeps nothing of it', async () => {
    const { page } = kiosk;
    await page.goto(kiosk.host.url);
    await page.getByTestId('screen-idle').waitFor();
    await openStaffDoor(page, 'staff-button');
    await page.getByTestId('screen-admin-pin').waitFor();
    await captureBothLanguages(page, '01-pin');
    await enterPin(page, '123456');
    const error = page.getByTestId('command-error');
    await error.waitFor();
    assert.equal(await error.getAttribute('data-code'), 'admin-pin');
    assert.match(await error.innerText(), /管理密码不正确/);
    await page.locator('[data-testid="pin-display"][data-length="0"]').waitFor();
    assert.equal(await page.getByTestId('screen-admin').count(), 0);
    await captureBothLanguages(page, '02-wrong-pin');
    await page.getByTestId('admin-exit').click();
    await page.getByTestId('screen-idle').waitFor();
  });

  it('shows a visit paid during an outage in the queue, forwards it on demand and reconciles the day', async () => {
    const { page, platform } = kiosk;
    // A patient pays while the platform is down: the pending slip.
    await page.getByTestId('service-outpatient').click();
    await page.locator('[data-testid="scanner-status"][data-state="ready"]').waitFor();
    await kiosk.scanFreshCode('employee');
    await page.getByTestId('screen-confirm').waitFor({ timeout: 20_000 });
    platform.setFaults({ rules: [{ kind: 'reset-before' }] });
    try {
      await page.getByTestId('confirm-pay').click();
      await page.getByTestId('screen-pending').waitFor({ timeout: 30_000 });
      const slipRef = await page.getByTestId('pending-settlement').innerText();
      await page.getByTestId('back-to-start').click();
      await page.getByTestId('screen-idle').waitFor();

      await openStaffDoor(page, 'staff-button');
      await enterPin(page, '000000');
      await page.getByTestId('screen-admin').waitFor();
      assert.equal(await page.getByTestId('staff-button').count(), 0, 'no way into staff mode from staff mode');
      const item = page.getByTestId('queue-item');
      assert.equal(await item.count(), 1);
      assert.equal(await item.getAttribute('data-state'), 'query-pending');
      assert.equal(await page.getByTestId('queue-slip').innerText(), slipRef, 'the queue names the reference on the patient\'s slip');
      assert.ok(Number(await page.getByTestId('queue-age').getAttribute('data-seconds')) >= 0);
      assert.match(await page.getByTestId('queue-age').innerText(), /^\d+ (秒|分钟)$/);
      assert.match(await page.getByTestId('queue-error').innerText(), /connection/i);
      assert.match(await page.getByTestId('queue-state').innerText(), /待查询结算结果/);
      assert.equal(await page.getByTestId('today-count').innerText(), '0');
      assert.equal(await page.getByTestId('recon-none').count(), 1);
      assert.doesNotMatch(await page.locator('body').innerText(), /测试|3301021980/, 'no patient names or ID numbers');
      await captureBothLanguages(page, '03-queue');
    } finally {
      platform.setFaults({ rules: [] });
    }

    await page.getByTestId('admin-forward').click();
    await page.getByTestId('queue-empty').waitFor({ timeout: 30_000 });
    const settled = platform.ledger().settlements.filter((s) => s.status === 'settled');
    assert.equal(settled.length, 1);
    assert.equal(await page.getByTestId('today-count').innerText(), '1');
    assert.equal(await page.getByTestId('today-total').innerText(), yuan(settled[0]!.split.medfeeSumamtFen));

    await page.getByTestId('admin-reconcile').click();
    const recon = page.locator('[data-testid="recon"]');
    await recon.waitFor({ timeout: 30_000 });
    assert.equal(await recon.getAttribute('data-balanced'), 'true');
    assert.match(await page.getByTestId('recon-verdict').innerText(), /已平账/);
    assert.ok((await page.getByTestId('recon-group').count()) >= 1);
    assert.equal(await page.locator('[data-testid="recon-group"][data-balanced="false"]').count(), 0);
    assert.ok((await page.getByTestId('device').count()) >= 1, 'the QR scanner is listed with its health');
    await captureBothLanguages(page, '04-forwarded-reconciled');
  });

  it('checks the configuration and rehearses a platform outage on the simulator', async () => {
    const { page, platform } = kiosk;
    await page.locator('[data-testid="config-warnings"] [data-warning="demo-admin-pin"]').waitFor();
    assert.equal(await page.locator('[data-testid="config-warnings"] [data-warning="embedded-platform"]').count(), 1);
    await page.getByTestId('fault-platform-down').click();
    await page.locator('[data-testid="fault-platform-down"][aria-checked="true"]').waitFor();
    await captureBothLanguages(page, 'config-and-faults');
    // The rehearsal as a patient meets it: a code scanned now cannot reach the platform.
    const settledBefore = platform.ledger().settlements.length;
    await page.getByTestId('admin-exit').click();
    await page.getByTestId('service-outpatient').click();
    await page.locator('[data-testid="scanner-status"][data-state="ready"]').waitFor();
    await kiosk.scanFreshCode('employee');
    await page.locator('[data-testid="error-message"][data-code="platform-unreachable"]').waitFor({ timeout: 20_000 });
    assert.equal(platform.ledger().settlements.length, settledBefore, 'nothing reached the platform');
    await page.getByTestId('back-to-start').click();
    await openStaffDoor(page, 'staff-button');
    for (const d of '000000') await page.getByTestId(`pin-key-${d}`).click();
    await page.getByTestId('pin-submit').click();
    await page.getByTestId('fault-none').click();
    await page.locator('[data-testid="fault-none"][aria-checked="true"]').waitFor();
  });

  it('forgets the PIN on leaving', async () => {
    const { page } = kiosk;
    await page.getByTestId('admin-exit').click();
    await page.getByTestId('screen-idle').waitFor();
    await openStaffDoor(page, 'staff-button');
    await page.getByTestId('screen-admin-pin').waitFor();
    assert.equal(await page.getByTestId('pin-display').getAttribute('data-length'), '0');
    assert.equal(await page.getByTestId('screen-admin').count(), 0, 'the PIN pad again, not the admin screen');
    await page.getByTestId('admin-exit').click();
    await page.getByTestId('screen-idle').waitFor();
  });

  it('ran without script errors in the page', () => {
    assert.deepEqual(kiosk.pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  });
});
