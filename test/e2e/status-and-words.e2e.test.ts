// Issue 14 items 7, 9, 10 and 12 end to end on the real terminal core: the status bar follows the
// platform with no patient at the kiosk and its banner says what the terminal will still do; the
// identify screen leads with what works when the scanner entry is misspelt, and the staff screen
// names that fault once; 立即上传 answers on an empty queue; the config check reads in words; 查询
// offers a reprint only with a printer and says where reports are collected; the receipt gives the
// next step and whether its slip printed; English names the insurance type. Each new screen is
// photographed in Chinese and English and checked by axe.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startKioskHarness, uiDir, type KioskHarness } from './kiosk-harness';
import { assertAccessible, captureVariants, openStaffDoor, setLang } from './screen-checks';
import { screenshot } from './browser';

async function captureBothLanguages(page: Page, name: string): Promise<void> {
  for (const lang of ['zh', 'en'] as const) {
    await setLang(page, lang);
    await screenshot(page, `${name}-${lang}`);
    await assertAccessible(page, `${name} (${lang})`);
  }
  await setLang(page, 'zh');
}

async function signInAdmin(page: Page): Promise<void> {
  await openStaffDoor(page, 'staff-button');
  await page.getByTestId('screen-admin-pin').waitFor();
  for (const d of '000000') await page.getByTestId(`pin-key-${d}`).click();
  await page.getByTestId('pin-submit').click();
  await page.getByTestId('screen-admin').waitFor();
}

async function backToStart(page: Page): Promise<void> {
  await page.getByTestId('back-to-start').click();
  await page.getByTestId('screen-idle').waitFor();
}

describe('a kiosk with a printer and an ID card reader (items 7, 10, 12)', () => {
  let kiosk: KioskHarness;

  before(async () => {
    assert.ok(existsSync(join(uiDir, 'index.html')), 'run `npm run build:ui` first');
    // A short interval: the idle terminal asks the platform every half second.
    kiosk = await startKioskHarness({ idCard: true, printer: true, config: { settlement: { replayIntervalMs: 500 } } });
    await kiosk.page.goto(kiosk.host.url);
    await kiosk.page.getByTestId('screen-idle').waitFor();
  });
  after(() => kiosk?.close());

  it('receipt: the next step, the slip printed, the insurance type in English', async () => {
    const { page } = kiosk;
    await page.getByTestId('service-outpatient').click();
    await page.locator('[data-testid="scanner-status"][data-state="ready"]').waitFor();
    await kiosk.scanFreshCode('employee');
    await page.getByTestId('screen-confirm').waitFor();
    await page.getByTestId('confirm-pay').click();
    await page.getByTestId('screen-receipt').waitFor();
    assert.match(await page.getByTestId('receipt-next-step').innerText(), /药房/);
    // The printer's own answer, not a promise: printing first, then out.
    await page.locator('[data-testid="receipt-slip"][data-state="printed"]').waitFor();
    assert.match(await page.getByTestId('receipt-slip').innerText(), /凭条已打印/);
    assert.ok((kiosk.printer?.printed.length ?? 0) >= 1, 'the simulated printer took the slip');
    assert.match(await page.getByTestId('patient-insurance').innerText(), /职工基本医疗保险/);
    await captureVariants(page, 'a14-receipt-next-step', [false]);
    await setLang(page, 'en');
    assert.equal(await page.getByTestId('patient-insurance').innerText(), 'Employee basic medical insurance');
    assert.match(await page.getByTestId('receipt-slip').innerText(), /slip is printed/);
    assert.match(await page.getByTestId('receipt-next-step').innerText(), /pharmacy/);
    await setLang(page, 'zh');
    await backToStart(page);
  });

  it('查询 with a printer: the reprint is offered, ready reports say where to collect them', async () => {
    const { page } = kiosk;
    await page.getByTestId('service-history').click();
    await page.locator('[data-testid="screen-identify"][data-history="true"]').waitFor();
    await kiosk.scanFreshCode('employee');
    await page.getByTestId('screen-history').waitFor();
    assert.ok((await page.getByTestId('history-print').count()) >= 1, 'a printer is configured: the reprint is offered');
    assert.equal(await page.getByTestId('history-no-printer').count(), 0);
    const ready = page.locator('[data-testid="report"][data-status="ready"] [data-testid="report-status"]').first();
    assert.match(await ready.innerText(), /请到检验科领取/);
    await page.getByTestId('reports-where').waitFor();
    await captureVariants(page, 'a14-history-reports', [false]);
    await setLang(page, 'en');
    assert.match(await ready.innerText(), /collect it at 检验科/);
    await setLang(page, 'zh');
    await backToStart(page);
  });

  it('staff: 立即上传 on an empty queue says so; the config check reads in words, in yuan, names on one line', async () => {
    const { page } = kiosk;
    await signInAdmin(page);
    await page.getByTestId('queue-empty').waitFor();
    // The idle kiosk's own probes count as the last probe: not "never" while it asks every half second.
    assert.equal(await page.getByTestId('admin-probe').getAttribute('data-ok'), 'true');
    assert.equal(await page.getByTestId('admin-forward-result').count(), 0);
    await page.getByTestId('admin-forward').click();
    const result = page.getByTestId('admin-forward-result');
    await result.waitFor();
    assert.match(await result.innerText(), /没有待上传的业务/);
    const items = page.getByTestId('config-items');
    assert.equal(await items.locator('[data-key="platform"] dt').innerText(), '医保平台');
    assert.equal(await items.locator('[data-key="offline"] dt').innerText(), '断网登记');
    assert.equal(await items.locator('[data-key="platform"] dd').innerText(), '内置模拟器');
    assert.match(await items.locator('[data-key="offline"] dd').innerText(), /^开启 · /);
    assert.match(await items.locator('[data-key="offline"] dd').innerText(), /¥2000\.00/);
    assert.doesNotMatch(await items.innerText(), /\bfen\b/);
    // A name that wrapped would be taller than one line of its own text.
    const wrapped = await items.locator('dt').evaluateAll((dts) =>
      dts.filter((dt) => dt.getBoundingClientRect().height > parseFloat(getComputedStyle(dt).lineHeight || '0') * 1.5).map((dt) => dt.textContent),
    );
    assert.deepEqual(wrapped, [], 'no config name breaks across lines');
    await captureBothLanguages(page, 'a14-admin-forward-config');
    await setLang(page, 'en');
    assert.match(await result.innerText(), /Nothing to forward/);
    assert.equal(await items.locator('[data-key="platform"] dt').innerText(), 'Insurance platform');
    assert.equal(await items.locator('[data-key="platform"] dd').innerText(), 'embedded simulator');
    await setLang(page, 'zh');
    await page.getByTestId('admin-exit').click();
    await page.getByTestId('screen-idle').waitFor();
  });

  it('status bar follows the platform with nobody at the kiosk; the banner matches what the kiosk will do and stays off the offline slip', async () => {
    const { page, platform } = kiosk;
    // Known to this terminal from an online visit first, so an ID card can be taken offline.
    await page.getByTestId('service-outpatient').click();
    await page.getByTestId('screen-identify').waitFor();
    await kiosk.presentIdCard('read-card.jsonl');
    await page.getByTestId('screen-confirm').waitFor();
    await kiosk.terminal.api.execute({ type: 'session.reset' });
    await page.getByTestId('screen-idle').waitFor();
    await page.locator('[data-testid="platform-status"][data-online="true"]').waitFor();

    platform.setFaults({ rules: [{ kind: 'reset-before' }] });
    try {
      // No scan, no tap: only the terminal's own probe can tell.
      await page.locator('[data-testid="platform-status"][data-online="false"]').waitFor();
      const banner = page.getByTestId('offline-banner');
      assert.equal(await banner.getAttribute('data-capture'), 'true');
      assert.match(await banner.innerText(), /身份证先登记/);
      assert.doesNotMatch(await banner.innerText(), /新的医保缴费请稍后再试/, 'it does not send away a patient it can still serve');
      await captureVariants(page, 'a14-offline-attract', [false]);
      await setLang(page, 'en');
      assert.match(await banner.innerText(), /with your ID card/);
      await setLang(page, 'zh');

      await page.getByTestId('service-outpatient').click();
      await page.getByTestId('screen-identify').waitFor();
      await kiosk.presentIdCard('read-card.jsonl');
      await page.getByTestId('offline-confirm-note').waitFor();
      assert.equal(await page.getByTestId('offline-banner').count(), 0, 'the offline bill explains the outage itself');
      await page.getByTestId('confirm-pay').click();
      await page.getByTestId('screen-pending').waitFor();
      assert.equal(await page.getByTestId('offline-banner').count(), 0, 'no banner above the offline slip just taken');
      await captureVariants(page, 'a14-offline-slip', [false]);
      await backToStart(page);
      await page.getByTestId('offline-banner').waitFor();
    } finally {
      platform.setFaults({ rules: [] });
    }
    await page.locator('[data-testid="platform-status"][data-online="true"]').waitFor();
    assert.equal(await page.getByTestId('offline-banner').count(), 0);
  });

  it('ran without script errors in the page', () => {
    assert.deepEqual(kiosk.pageErrors, []);
  });
});

describe('a kiosk whose scanner entry is misspelt, with no printer (items 9, 12)', () => {
  let kiosk: KioskHarness;

  before(async () => {
    assert.ok(existsSync(join(uiDir, 'index.html')), 'run `npm run build:ui` first');
    kiosk = await startKioskHarness({ idCard: true, qrKind: 'qr-scaner' });
    await kiosk.page.goto(kiosk.host.url);
    await kiosk.page.getByTestId('screen-idle').waitFor();
  });
  after(() => kiosk?.close());

  it('identify leads with the card reader that works, not with the broken scanner', async () => {
    const { page } = kiosk;
    await page.getByTestId('service-outpatient').click();
    await page.locator('[data-testid="screen-identify"][data-lead="card"]').waitFor();
    assert.equal(await page.locator('[data-testid="screen-identify"] h1').innerText(), '请刷社保卡或身份证');
    const first = page.getByTestId('credentials').locator('li').first();
    assert.equal(await first.getAttribute('data-testid'), 'credential-id-card');
    assert.equal(await page.locator('[data-testid="scanner-status"]').getAttribute('data-state'), 'error');
    assert.equal(await page.locator('.scan-target').count(), 0, 'no QR target to aim at a scanner that cannot read');
    await captureVariants(page, 'a14-identify-scanner-broken');
    await setLang(page, 'en');
    assert.match(await page.locator('[data-testid="screen-identify"] h1').innerText(), /social security card or ID card/);
    await setLang(page, 'zh');

    await kiosk.presentIdCard('read-card.jsonl');
    await page.getByTestId('screen-confirm').waitFor();
    if ((await page.getByTestId('method-cashier').count()) > 0) await page.getByTestId('method-cashier').click();
    await page.getByTestId('confirm-pay').click();
    await page.getByTestId('screen-receipt').waitFor();
    assert.equal(await page.getByTestId('receipt-slip').getAttribute('data-state'), 'none');
    assert.match(await page.getByTestId('receipt-slip').innerText(), /不打印凭条/);
    await setLang(page, 'en');
    assert.equal(await page.getByTestId('patient-insurance').innerText(), 'Urban and rural resident medical insurance');
    await setLang(page, 'zh');
    await backToStart(page);
  });

  it('查询 without a printer offers no reprint, says where to get one, and where the ready report is', async () => {
    const { page } = kiosk;
    await page.getByTestId('service-history').click();
    await page.locator('[data-testid="screen-identify"][data-history="true"]').waitFor();
    await kiosk.presentIdCard('read-card.jsonl');
    await page.getByTestId('screen-history').waitFor();
    await page.locator('[data-testid="history-visit"][data-status="settled"]').waitFor();
    assert.equal(await page.getByTestId('history-print').count(), 0, 'no 打印凭证 that could only fail');
    assert.match(await page.getByTestId('history-no-printer').innerText(), /人工窗口/);
    assert.match(await page.locator('[data-testid="report"][data-status="ready"] [data-testid="report-status"]').first().innerText(), /请到心电图室领取/);
    await captureVariants(page, 'a14-history-no-printer', [false]);
    await backToStart(page);
  });

  it('staff: one message for the misspelt scanner, beside its row in error', async () => {
    const { page } = kiosk;
    await signInAdmin(page);
    await page.locator('[data-testid="config-warnings"] [data-warning="device-config"]').waitFor();
    assert.equal(await page.locator('[data-warning="no-scanner"]').count(), 0, 'not also "没有配置扫码器"');
    const row = page.locator('[data-testid="device"][data-state="error"]');
    assert.equal(await row.count(), 1);
    assert.match(await row.innerText(), /qr-1/);
    await captureBothLanguages(page, 'a14-admin-device-config');
    await page.getByTestId('admin-exit').click();
    await page.getByTestId('screen-idle').waitFor();
  });

  it('ran without script errors in the page', () => {
    assert.deepEqual(kiosk.pageErrors, []);
  });
});
