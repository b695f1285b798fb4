// The built kiosk UI in real Chromium against the web host and a scripted terminal: a patient
// pays an outpatient bill from the attract screen to the receipt. Needs `npm run build:ui` first.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { Browser, ConsoleMessage, Page } from 'playwright-core';
import { launchBrowser, screenshot } from './browser';
import { startWebHost, type WebHost } from '../../terminal/host/web/server';
import { createScriptedApi, type ScriptedApi } from '../../terminal/testing/scripted-api.testkit';

const uiDir = path.resolve(import.meta.dirname, '../../dist/ui');

/**
 * A keyboard-wedge scanner's burst. Typed key by key over the DevTools protocol, a loaded machine
 * spaces the keys past the wedge's 50 ms (each key is a round trip), which a real scanner's keys,
 * stamped by the OS as they arrive, never are: so the burst is dispatched in the page in one task,
 * through the same keydown listener.
 */
async function scannerBurst(page: Page, text: string): Promise<void> {
  await page.evaluate((keys) => {
    for (const key of [...keys, 'Enter']) window.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true }));
  }, [...text]);
}

describe('kiosk UI over the web host', () => {
  let api: ScriptedApi;
  let host: WebHost;
  let browser: Browser;
  let page: Page;
  const problems: string[] = [];

  before(async () => {
    assert.ok(existsSync(path.join(uiDir, 'index.html')), 'run `npm run build:ui` first');
    api = createScriptedApi({ stepDelayMs: 150 });
    host = await startWebHost({ api, uiDir });
    browser = await launchBrowser();
    page = await browser.newPage({ viewport: { width: 1080, height: 1400 } });
    // A CSP violation or a script error is a failure even if the flow happens to work.
    page.on('console', (m: ConsoleMessage) => {
      if (m.type() === 'error') problems.push(m.text());
    });
    page.on('pageerror', (e: Error) => problems.push(e.message));
  });

  after(async () => {
    await browser?.close();
    await host?.close();
  });

  it('pays an outpatient bill from attract to receipt', async () => {
    await page.goto(host.url);
    await page.getByTestId('screen-idle').waitFor();
    assert.equal(await page.getByTestId('platform-status').getAttribute('data-online'), 'true');
    await screenshot(page, '01-attract');

    await page.getByTestId('service-outpatient').click();
    await page.getByTestId('screen-identify').waitFor();
    assert.match(await page.getByTestId('screen-identify').innerText(), /请出示医保码/);
    assert.equal(await page.getByTestId('scanner-status').getAttribute('data-state'), 'ready');
    await screenshot(page, '02-identify');

    // A human typing slowly must not count as a scan.
    await page.keyboard.type('1234', { delay: 120 });
    await page.keyboard.press('Enter');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(api.commands.some((c) => c.type === 'credential.text'), false);

    // A scanner types the whole code in a burst.
    await scannerBurst(page, 'ECQR-0123456789');
    await page.getByTestId('screen-identifying').or(page.getByTestId('screen-loading-bill')).first().waitFor();
    await screenshot(page, '03-progress');
    assert.deepEqual(
      api.commands.filter((c) => c.type === 'credential.text'),
      [{ type: 'credential.text', text: 'ECQR-0123456789' }],
    );

    await page.getByTestId('screen-confirm').waitFor();
    assert.equal(await page.getByTestId('bill-item').count(), 3);
    const split = async (field: string): Promise<string> => page.getByTestId(`split-${field}`).innerText();
    assert.equal(await split('basicFundFen'), '¥700.00');
    assert.equal(await split('criticalIllnessFen'), '¥60.00');
    assert.equal(await split('medicalAidFen'), '¥40.00');
    assert.equal(await split('personalAccountFen'), '¥300.00');
    assert.equal(await split('familyAccountFen'), '¥34.56');
    assert.equal(await split('cashFen'), '¥100.00');
    assert.equal(await split('totalFen'), '¥1,234.56');
    assert.equal(await page.getByTestId('split-otherFundFen').count(), 0);
    await screenshot(page, '04-confirm');

    await page.getByTestId('lang-toggle').click();
    assert.match(await page.getByTestId('confirm-pay').innerText(), /Confirm payment/);
    await screenshot(page, '05-confirm-en');
    await page.getByTestId('lang-toggle').click();
    assert.match(await page.getByTestId('confirm-pay').innerText(), /确认支付/);

    await page.getByTestId('confirm-pay').click();
    await page.getByTestId('screen-receipt').waitFor();
    assert.equal(await page.getByTestId('receipt-total').innerText(), '¥1,234.56');
    assert.equal(await page.getByTestId('receipt-fund').innerText(), '¥800.00');
    assert.equal(await page.getByTestId('receipt-account').innerText(), '¥300.00');
    assert.equal(await page.getByTestId('receipt-cash').innerText(), '¥100.00');
    assert.equal(await page.getByTestId('receipt-balance').innerText(), '¥5,000.00');
    // 一单式 after confirm too: each fund the confirm screen named, 大病 and 医疗救助 included.
    const fundLines = page.getByTestId('receipt-fund-line');
    assert.deepEqual(await fundLines.evaluateAll((els) => els.map((e) => e.getAttribute('data-field'))), ['basicFundFen', 'criticalIllnessFen', 'medicalAidFen']);
    assert.match(await fundLines.nth(1).innerText(), /大病保险\s*¥60\.00/);
    await screenshot(page, '06-receipt');
    assert.deepEqual(
      api.commands.filter((c) => c.type === 'session.confirm'),
      // The scripted split offers no self-pay choice, so the cash is left for the cashier.
      [{ type: 'session.confirm', settlementId: 'S-0001', method: 'cashier' }],
      'confirmed exactly once',
    );

    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();
  });

  it('shows the platform going offline and an error with a way back', async () => {
    api.setStatus({ platformOnline: false });
    await page.locator('[data-testid="platform-status"][data-online="false"]').waitFor();

    // A busy host: the identify screen shows (by event) well before its command has its answer.
    // A scan made then is the patient's act and must wait its turn, not be dropped as a double tap.
    api.setAnswerDelay(1500);
    await page.getByTestId('service-registration').click();
    await page.getByTestId('screen-identify').waitFor();
    await scannerBurst(page, 'BAD-CODE-1');
    await page.getByTestId('screen-error').waitFor();
    api.setAnswerDelay(0);
    assert.match(await page.getByTestId('error-message').innerText(), /无法识别此医保码/);
    await screenshot(page, '07-error-offline');
    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();
  });

  it('loaded without script errors or CSP violations', () => {
    assert.deepEqual(problems, []);
  });
});
