// Issue 14 items 8 and 13 end to end on the real terminal core and its embedded simulators: hospital
// IT rehearses from the panel (any demo person's 医保码, social security card or ID card; new HIS
// bills; a reset that gives everyone their bill again), and the nurse whose patient showed the wrong
// code at the bedside gets the same bed back in one tap. At the split the voice says the amount to
// pay (item 11) from clips the page loads. Flows are counted in patient taps and
// seconds; every new screen photographed in Chinese and English and checked by axe.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { startKioskHarness, uiDir, yuan, type KioskHarness } from './kiosk-harness';
import { assertAccessible, captureVariants, openStaffDoor, setLang } from './screen-checks';
import { screenshot } from './browser';
import { amountClips, numberClipUrl } from '../../ui/src/voice-amount';

async function enterPin(page: Page, pin: string): Promise<void> {
  for (const d of pin) await page.getByTestId(`pin-key-${d}`).click();
  await page.locator(`[data-testid="pin-display"][data-length="${pin.length}"]`).waitFor();
  await page.getByTestId('pin-submit').click();
}

describe('rehearsal panel and the bedside retry (issue 14 items 8, 13)', () => {
  let kiosk: KioskHarness;
  const flows: string[] = [];
  const consoleErrors: string[] = [];

  before(async () => {
    assert.ok(existsSync(join(uiDir, 'index.html')), 'run `npm run build:ui` first');
    kiosk = await startKioskHarness({ ssCard: true });
    kiosk.page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await kiosk.page.goto(`${kiosk.host.url}?rehearsal`);
    await kiosk.page.getByTestId('screen-idle').waitFor();
  });
  after(async () => {
    for (const line of flows) console.log(line);
    await kiosk?.close();
  });

  /** Counts a patient's taps and the seconds from the first tap to the final screen. */
  function counter(name: string) {
    let taps = 0;
    let started = 0;
    return {
      async tap(testId: string) {
        if (taps++ === 0) started = Date.now();
        await kiosk.page.getByTestId(testId).click();
      },
      done() {
        const seconds = (Date.now() - started) / 1000;
        flows.push(`[flow] ${name}: ${taps} patient taps, ${seconds.toFixed(1)} s`);
        assert.ok(taps <= 4, `${name}: ${taps} taps`);
      },
    };
  }

  const panel = () => kiosk.page.getByTestId('rehearsal-panel');
  async function choose(person: string): Promise<void> {
    await kiosk.page.getByTestId('rehearsal-person').first().selectOption(person);
  }
  async function panelSays(pattern: RegExp): Promise<string> {
    const line = kiosk.page.getByTestId('rehearsal-line').first();
    await line.waitFor();
    const text = await line.innerText();
    assert.match(text, pattern);
    return text;
  }
  async function payByCode(person: string, service: 'outpatient' | 'registration', atConfirm?: () => Promise<void>): Promise<void> {
    const { page } = kiosk;
    await page.getByTestId(`service-${service}`).click();
    await page.getByTestId('screen-identify').waitFor();
    await choose(person);
    await page.getByTestId('rehearsal-present-ec-qr').click();
    await page.getByTestId('screen-confirm').waitFor({ timeout: 20_000 });
    await atConfirm?.();
    await page.getByTestId('confirm-pay').click();
    await page.getByTestId('amount-check').or(page.getByTestId('screen-receipt')).first().waitFor({ timeout: 30_000 });
    if ((await page.getByTestId('amount-check').count()) > 0) await page.getByTestId('amount-check-confirm').click();
    await page.getByTestId('screen-receipt').waitFor({ timeout: 30_000 });
    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();
  }

  it('lists every demo person with what they show, and presents nothing until the screen asks for it', async () => {
    const { page } = kiosk;
    await panel().waitFor();
    const options = await page.getByTestId('rehearsal-person').locator('option').allInnerTexts();
    assert.ok(options.length >= 10, `${options.length} demo people`);
    assert.ok(options.some((o) => o.startsWith('employee-aid') && o.includes('挂号')));
    assert.doesNotMatch(await panel().innerText(), /测试职工甲|33010219800101123X/, 'no names or ID numbers on the panel');
    assert.equal(await page.getByTestId('rehearsal-present-ec-qr').isDisabled(), true, 'the attract screen takes no credential');
    await screenshot(page, 'rehearsal-01-panel-zh');
    await assertAccessible(page, 'rehearsal panel');
    await setLang(page, 'en');
    assert.match(await panel().innerText(), /Rehearsal/);
    await screenshot(page, 'rehearsal-01-panel-en');
    await setLang(page, 'zh');
  });

  it('pays by social security card on the reader (a pty), and the panel presents one too', async () => {
    const { page, platform } = kiosk;
    // The card holder's fixture bill is paid here; the panel gives them another for the ID card below.
    const before = platform.ledger().settlements.filter((s) => s.status === 'settled').length;
    const c = counter('social security card (outpatient, card-holder, card reader)');
    await c.tap('service-outpatient');
    await page.getByTestId('screen-identify').waitFor();
    await kiosk.insertSsCard('card-holder.jsonl');
    await page.getByTestId('screen-confirm').waitFor({ timeout: 20_000 });
    await c.tap('confirm-pay');
    await page.getByTestId('screen-receipt').waitFor({ timeout: 20_000 });
    c.done();
    const settled = platform.ledger().settlements.filter((s) => s.status === 'settled');
    assert.equal(settled.length, before + 1);
    assert.equal(await page.getByTestId('receipt-number').innerText(), settled.at(-1)!.setlId);
    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();

    // The panel's card goes through the reader's call: the employee reaches their split.
    await page.getByTestId('service-outpatient').click();
    await page.getByTestId('screen-identify').waitFor();
    await choose('employee');
    await page.getByTestId('rehearsal-present-ss-card').click();
    await page.getByTestId('screen-confirm').waitFor({ timeout: 20_000 });
    await page.getByTestId('cancel').click();
    await page.getByTestId('ended-notice').waitFor();
  });

  it('issues a registration bill to someone who had none, and it is paid at 挂号缴费', async () => {
    const { page, platform } = kiosk;
    await choose('resident');
    await page.getByTestId('rehearsal-bill-registration').click();
    const line = await panelSays(/已开出 RGR\w+，¥/);
    const billId = /RGR\w+/.exec(line)![0];
    await payByCode('resident', 'registration', async () => {
      // The voice says what the screen asks the patient to pay, from clips the page can load.
      const shown = await page.getByTestId('pay-now-amount').innerText();
      const fen = Math.round(Number(shown.replace(/[¥,]/g, '')) * 100);
      assert.ok(fen > 0, `a resident pays a share of the registration (${shown})`);
      const voice = page.getByTestId('voice');
      assert.equal(await voice.getAttribute('data-spoken'), amountClips('zh', fen).join(' '));
      await setLang(page, 'en');
      await page.locator(`[data-testid="voice"][data-spoken="${amountClips('en', fen).join(' ')}"]`).waitFor({ state: 'attached' });
      const urls = [...amountClips('zh', fen).map((c) => numberClipUrl('zh', c)), ...amountClips('en', fen).map((c) => numberClipUrl('en', c))];
      const statuses = await page.evaluate(async (list) => Promise.all(list.map((u) => fetch(u).then((r) => r.status))), urls);
      assert.deepEqual(new Set(statuses), new Set([200]), 'every clip of the amount is served');
      await setLang(page, 'zh');
    });
    const last = platform.ledger().settlements.at(-1)!;
    assert.equal(last.status, 'settled');
    assert.ok(
      kiosk.terminal.simulators.hisUrl !== null && (await fetch(`${kiosk.terminal.simulators.hisUrl}/his/bill`, { method: 'POST', body: JSON.stringify({ billId }) }).then((r) => r.json())).paid,
      'the new registration bill is the one that was paid',
    );
  });

  it('presents an ID card from the panel, for a bill the panel issued', async () => {
    const { page } = kiosk;
    await choose('card-holder');
    await page.getByTestId('rehearsal-bill-outpatient').click();
    await panelSays(/已开出 OPR\w+，¥/);
    const c = counter('ID card (outpatient, card-holder, online)');
    await c.tap('service-outpatient');
    await page.getByTestId('screen-identify').waitFor();
    await page.getByTestId('rehearsal-present-id-card').click();
    await page.getByTestId('screen-confirm').or(page.getByTestId('screen-face')).first().waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('screen-confirm').count(), 1, 'face checks are off by default: the ID card goes to the bill');
    await c.tap('confirm-pay');
    await page.getByTestId('screen-receipt').waitFor({ timeout: 20_000 });
    c.done();
    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();
  });

  it('resets the demo: a person whose bill was paid has it again under a new number, and the faults are off', async () => {
    const { page } = kiosk;
    await payByCode('cross-region', 'outpatient');
    // Paid: a second try finds nothing to pay.
    await page.getByTestId('service-outpatient').click();
    await page.getByTestId('screen-identify').waitFor();
    await choose('cross-region');
    await page.getByTestId('rehearsal-present-ec-qr').click();
    await page.getByTestId('screen-error').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('error-message').getAttribute('data-code'), 'no-bill');
    assert.equal(await page.getByTestId('rehearsal-reset').isDisabled(), true, 'no reset while a visit is on screen');
    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();

    const faults = await kiosk.terminal.api.execute({ type: 'admin.simFaults', pin: '000000', preset: 'slow-platform' });
    assert.ok(faults.ok);
    await page.getByTestId('rehearsal-reset').click();
    await panelSays(/已重置：\d+ 张演示费用单重新开出/);
    const overview = await kiosk.terminal.api.execute({ type: 'admin.overview', pin: '000000' });
    assert.ok(overview.ok && overview.admin?.config?.simulatorFaults === 'none', 'the reset switched the faults off');
    await screenshot(page, 'rehearsal-02-reset-zh');
    await payByCode('cross-region', 'outpatient');
  });

  it('at the bedside, after the wrong patient\'s code, gives the nurse the same bed in one tap; the right patient then pays', async () => {
    const { page, platform } = kiosk;
    // The staff screen has the panel too: a new discharge bill puts the employee in a bed.
    await openStaffDoor(page, 'staff-button');
    await page.getByTestId('screen-admin-pin').waitFor();
    await enterPin(page, '000000');
    await page.getByTestId('screen-admin').waitFor();
    const staffPanel = page.locator('[data-testid="screen-admin"] ~ [data-testid="rehearsal-panel"]');
    await staffPanel.waitFor();
    await staffPanel.getByTestId('rehearsal-person').selectOption('employee');
    await staffPanel.getByTestId('rehearsal-bill-discharge').click();
    const line = await panelSays(/已开出 IPR\w+，¥[\d,.]+，(\d+) 床/);
    const bed = /，(\d+) 床/.exec(line)![1]!;
    const billId = /IPR\w+/.exec(line)![0];
    await captureVariants(page, 'rehearsal-03-staff-panel', [false]);
    await page.getByTestId('admin-exit').click();
    await page.getByTestId('screen-idle').waitFor();

    await openStaffDoor(page, 'bedside-button');
    await page.getByTestId('screen-admin-pin').waitFor();
    await enterPin(page, '111111');
    await page.getByTestId('screen-bedside').waitFor();
    await page.locator(`[data-testid="bedside-patient"][data-bill-id="${billId}"]`).click();
    await page.locator('[data-testid="screen-identify"][data-directed="bedside"]').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('directed-bed').innerText(), `${bed} 床`);

    // The wrong person's code: refused, nothing charged, and the same bed offered again.
    const settledBefore = platform.ledger().settlements.filter((s) => s.status === 'settled').length;
    await choose('resident');
    await page.getByTestId('rehearsal-present-ec-qr').click();
    await page.getByTestId('screen-error').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('error-message').getAttribute('data-code'), 'bill-not-for-patient');
    assert.match(await page.getByTestId('bedside-retry-note').innerText(), new RegExp(`没有扣费。${bed} 床`));
    await captureVariants(page, 'rehearsal-04-bedside-retry', [false]);
    await setLang(page, 'en');
    assert.match(await page.getByTestId('bedside-retry').innerText(), /Same bed/);
    await setLang(page, 'zh');

    const nurseStarted = Date.now();
    await page.getByTestId('bedside-retry').click();
    await page.locator('[data-testid="screen-identify"][data-directed="bedside"]').waitFor({ timeout: 10_000 });
    flows.push(`[flow] bedside retry after the wrong patient: 1 nurse tap, ${((Date.now() - nurseStarted) / 1000).toFixed(1)} s back to the same bed`);
    assert.equal(await page.getByTestId('directed-bed').innerText(), `${bed} 床`);

    const c = counter('bedside after a retry (医保码, the right patient)');
    await choose('employee');
    await page.getByTestId('rehearsal-present-ec-qr').click();
    await page.getByTestId('screen-confirm').waitFor({ timeout: 20_000 });
    await c.tap('confirm-pay');
    await page.getByTestId('amount-check').or(page.getByTestId('screen-receipt')).first().waitFor({ timeout: 30_000 });
    if ((await page.getByTestId('amount-check').count()) > 0) await c.tap('amount-check-confirm');
    await page.getByTestId('screen-receipt').waitFor({ timeout: 30_000 });
    c.done();
    const settled = platform.ledger().settlements.filter((s) => s.status === 'settled');
    assert.equal(settled.length, settledBefore + 1, 'one settlement: the wrong patient was charged nothing');
    assert.equal(await page.getByTestId('receipt-number').innerText(), settled.at(-1)!.setlId);
    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();
  });

  it('refuses a demo person the fixtures do not know', async () => {
    const refusal = await kiosk.terminal.api.execute({ type: 'rehearsal.present', person: 'nobody-here', credential: 'ec-qr' });
    assert.equal(refusal.ok, false, 'an unknown demo person is refused');
  });

  it('ran without script errors in the page', () => {
    assert.deepEqual(kiosk.pageErrors, []);
    assert.deepEqual(consoleErrors, []);
    void yuan;
  });
});
