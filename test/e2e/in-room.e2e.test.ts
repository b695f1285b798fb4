// 诊间支付 end to end: a test acting as the doctor's workstation asks the room device over HTTP
// with its bearer token; the kiosk page in Chromium shows who asked and how much, offers the pay
// link as a QR for the patient's phone (decoded here from the screen), the patient pays by 医保码,
// and the workstation reads 'paid' with the platform's settlement id. Also: the doctor cancels a
// waiting request, and someone else's code is refused. Photographed in zh and en, checked by axe.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startKioskHarness, uiDir, yuan, type KioskHarness } from './kiosk-harness';
import { captureVariants, setLang, smallestTarget } from './screen-checks';
import { decodeImage } from '../../drivers/camera/frame';
import { decodeQrFrame } from '../../drivers/camera/qr-decode';

const TOKEN = 'room-3-workstation-token-5b1f0c9e';
const PAY_LINK_BASE = 'https://pay.hospital.example/in-room/';

describe('consultation-room payment on the real terminal core', () => {
  let kiosk: KioskHarness;
  const consoleErrors: string[] = [];

  /** The doctor's workstation: plain HTTP with its token, as a HIS workstation would call it. */
  async function workstation(method: string, path: string, body?: unknown) {
    const res = await fetch(kiosk.terminal.inRoom!.url + path, {
      method,
      headers: { authorization: `Bearer ${TOKEN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }
  const ask = async (billId: string) => {
    const created = await workstation('POST', '/in-room/v1/payment-requests', { billId });
    assert.equal(created.status, 201, JSON.stringify(created.json));
    return `/in-room/v1/payment-requests/${String(created.json.requestId)}`;
  };

  before(async () => {
    assert.ok(existsSync(join(uiDir, 'index.html')), 'run `npm run build:ui` first');
    kiosk = await startKioskHarness({
      config: {
        inRoom: {
          enabled: true,
          workstations: [{ id: 'room-3', tokenSha256: createHash('sha256').update(TOKEN).digest('hex') }],
          payLinkBase: PAY_LINK_BASE,
        },
      },
    });
    kiosk.page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    await kiosk.page.goto(kiosk.host.url);
    await kiosk.page.getByTestId('screen-idle').waitFor();
  });
  after(() => kiosk?.close());

  it('shows the doctor\'s request, its pay link as a QR, and reports waiting -> paying -> paid', async () => {
    const { page, platform } = kiosk;
    const path = await ask('OP202401150001');
    const screen = page.locator('[data-testid="screen-identify"][data-directed="in-room"]');
    await screen.waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('directed-requester').innerText(), '模拟医生甲');
    assert.equal(await page.getByTestId('directed-dept').innerText(), '内科门诊');
    assert.equal(await page.getByTestId('directed-amount').innerText(), yuan(20_000));
    assert.match(await screen.innerText(), /医生请您在这里缴费[\s\S]*请出示患者本人的医保码/);
    assert.ok((await smallestTarget(page)) >= 48);
    await captureVariants(page, 'in-room-01-identify');
    assert.equal((await workstation('GET', path)).json.status, 'waiting');

    // 医保支付找人: the QR on screen carries the pay link, readable by a phone camera.
    await page.getByTestId('pay-link-toggle').click();
    const qr = page.getByTestId('pay-link-qr');
    await qr.waitFor();
    const requestId = path.split('/').pop()!;
    // A phone looks more than once: a shot taken while the page still lays out (it failed once in a
    // loaded CI run) is retried, a few times at most.
    let decoded: Awaited<ReturnType<typeof decodeQrFrame>> = null;
    for (let attempt = 0; attempt < 5 && !decoded; attempt++) {
      if (attempt > 0) await new Promise((r) => setTimeout(r, 300));
      decoded = await decodeQrFrame(decodeImage(await qr.screenshot()));
    }
    assert.equal(decoded?.text, PAY_LINK_BASE + requestId, 'the on-screen QR decodes to the pay link');
    await captureVariants(page, 'in-room-02-pay-link', [false]);
    await page.getByTestId('pay-link-toggle').click();
    await qr.waitFor({ state: 'detached' });

    await page.locator('[data-testid="scanner-status"][data-state="ready"]').waitFor();
    // Counted from the patient's scan: the doctor's request put the bill on screen, no tap before it.
    const started = Date.now();
    let patientTaps = 0;
    await kiosk.scanFreshCode('employee');
    await page.getByTestId('screen-confirm').waitFor({ timeout: 20_000 });
    assert.match(await page.getByTestId('directed-line').innerText(), /内科门诊.*模拟医生甲/);
    assert.equal(await page.getByTestId('bill-total').innerText(), yuan(20_000));
    assert.equal((await workstation('GET', path)).json.status, 'paying');
    await captureVariants(page, 'in-room-03-confirm', [false]);

    patientTaps++;
    await page.getByTestId('confirm-pay').click();
    await page.getByTestId('screen-receipt').waitFor({ timeout: 20_000 });
    console.log(`[flow] in-room (诊间支付, 医保码 after the doctor's request): ${patientTaps} patient taps, ${((Date.now() - started) / 1000).toFixed(1)} s from the scan to the receipt`);
    assert.ok(patientTaps <= 4);
    const paid = await workstation('GET', path);
    assert.equal(paid.json.status, 'paid');
    const settled = platform.ledger().settlements.at(-1)!;
    assert.equal(paid.json.setlId, settled.setlId);
    assert.equal(await page.getByTestId('receipt-number').innerText(), settled.setlId);
    assert.doesNotMatch(JSON.stringify(paid.json), /测试|33010219800101123X/, 'the workstation learns no name or ID number');
    await captureVariants(page, 'in-room-04-receipt', [false]);
    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();
  });

  it('takes the request off the screen when the doctor cancels it, saying the doctor cancelled and nothing was charged', async () => {
    const { page, platform } = kiosk;
    const settledBefore = platform.ledger().settlements.length;
    const path = await ask('OP202401150002');
    await page.locator('[data-testid="screen-identify"][data-directed="in-room"]').waitFor({ timeout: 10_000 });
    const cancelled = await workstation('DELETE', path);
    assert.equal(cancelled.json.status, 'cancelled');
    await page.getByTestId('screen-idle').waitFor({ timeout: 10_000 });
    assert.equal(await page.getByTestId('directed').count(), 0);
    const notice = page.getByTestId('ended-notice');
    await notice.waitFor();
    assert.equal(await notice.getAttribute('data-reason'), 'request-cancelled');
    assert.match(await notice.innerText(), /医生已取消这笔缴费，未扣费/);
    assert.equal(platform.ledger().settlements.length, settledBefore, 'nothing reached the platform');
    await captureVariants(page, 'in-room-06-doctor-cancelled', [false]);
    await setLang(page, 'en');
    assert.match(await notice.innerText(), /doctor cancelled this payment\. Nothing was charged/);
    await setLang(page, 'zh');
  });

  it("keeps a doctor's request on screen past the kiosk's idle timeout: the request's own expiry ends it", async () => {
    const { page } = kiosk;
    await page.goto(`${kiosk.host.url}?idleMs=1000&warnMs=1000`);
    await page.getByTestId('screen-idle').waitFor();
    const path = await ask('OP202401150002');
    await page.locator('[data-testid="screen-identify"][data-directed="in-room"]').waitFor({ timeout: 10_000 });
    await page.waitForTimeout(3_500);
    assert.equal(await page.getByTestId('idle-warning').count(), 0, 'no idle warning while the patient is on the way');
    assert.equal((await workstation('GET', path)).json.status, 'waiting');
    assert.equal(await page.locator('[data-testid="screen-identify"][data-directed="in-room"]').count(), 1);
    await workstation('DELETE', path);
    await page.getByTestId('screen-idle').waitFor();
    await page.goto(kiosk.host.url);
    await page.getByTestId('screen-idle').waitFor();
  });

  it("refuses someone else's code with a clear message and tells the doctor", async () => {
    const { page } = kiosk;
    const path = await ask('OP202401150002');
    await page.locator('[data-testid="screen-identify"][data-directed="in-room"]').waitFor({ timeout: 10_000 });
    await page.locator('[data-testid="scanner-status"][data-state="ready"]').waitFor();
    await kiosk.scanFreshCode('cross-region');
    await page.getByTestId('screen-error').waitFor({ timeout: 20_000 });
    assert.equal(await page.getByTestId('error-message').getAttribute('data-code'), 'bill-not-for-patient');
    assert.match(await page.getByTestId('error-message').innerText(), /不是您的.*没有扣费/);
    const failed = await workstation('GET', path);
    assert.deepEqual([failed.json.status, failed.json.errorCode], ['failed', 'bill-not-for-patient']);
    await captureVariants(page, 'in-room-05-not-this-patient', [false]);
    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();
  });

  it('ran without script errors or CSP violations in the page', () => {
    assert.deepEqual(kiosk.pageErrors, []);
    assert.deepEqual(consoleErrors, []);
  });
});
