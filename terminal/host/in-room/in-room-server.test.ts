// The in-room API (诊间支付) over real HTTP against a started terminal core with its embedded
// platform and HIS simulators: a doctor's workstation asks, the patient pays at the device through
// the same commands the screens send, and the workstation reads the status change.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../config/config';
import { startTerminal, type RunningTerminal } from '../../app/start-terminal';
import { assertNothingOpen } from '../../testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', '..', 'fixtures');
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');
const TOKEN = 'ws1-token-0123456789abcdef';
const OTHER_TOKEN = 'ws2-token-fedcba9876543210';
const EMPLOYEE_CERTNO = '33010219800101123X';
const RESIDENT_CERTNO = '330106199203152348';

async function startWith(inRoom: Record<string, unknown>): Promise<RunningTerminal> {
  return startTerminal({
    config: parseConfig({
      devices: [],
      settlement: { replayIntervalMs: 60_000 },
      inRoom: {
        enabled: true,
        workstations: [
          { id: 'ws-1', tokenSha256: sha256(TOKEN) },
          { id: 'ws-2', tokenSha256: sha256(OTHER_TOKEN) },
        ],
        payLinkBase: 'https://pay.example.test/p/',
        ...inRoom,
      },
    }),
    dataDir: mkdtempSync(join(tmpdir(), 'in-room-')),
    fixturesDir,
  });
}

function client(terminal: RunningTerminal, token: string | null = TOKEN) {
  const base = terminal.inRoom!.url;
  return async (method: string, path: string, body?: unknown, extra: Record<string, string> = {}) => {
    const headers: Record<string, string> = { ...extra };
    if (token !== null) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] ??= 'application/json';
    const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, headers: res.headers, text, json: text ? (JSON.parse(text) as Record<string, unknown>) : {} };
  };
}

describe('in-room API on a running terminal', () => {
  let terminal: RunningTerminal;
  let ws: ReturnType<typeof client>;
  before(async () => {
    terminal = await startWith({ ratePerMinute: 60 });
    ws = client(terminal);
  });
  after(() => terminal?.close());
  /** The request paid in 'follows the visit', for the refund after it. */
  let paidRequest: { requestId: string; settlementId: string; setlId: string } | null = null;

  it('is off unless configured, and listens on loopback by default', async () => {
    assert.match(terminal.inRoom!.url, /^http:\/\/127\.0\.0\.1:\d+$/);
    const plain = await startTerminal({ config: parseConfig({ devices: [] }), dataDir: mkdtempSync(join(tmpdir(), 'in-room-off-')), fixturesDir });
    try {
      assert.equal(plain.inRoom, null);
    } finally {
      await plain.close();
    }
  });

  it('answers 401 without a token, with a wrong one, and with a malformed header', async () => {
    for (const token of [null, 'not-the-right-token-0000', `${TOKEN}x`]) {
      const r = await client(terminal, token)('POST', '/in-room/v1/payment-requests', { billId: 'OP202401150001' });
      assert.equal(r.status, 401, String(token));
      assert.match(r.headers.get('www-authenticate') ?? '', /^Bearer/);
    }
    const basic = await client(terminal, null)('GET', '/in-room/v1/payment-requests/abcdefghijkl', undefined, { authorization: `Basic ${Buffer.from(`ws-1:${TOKEN}`).toString('base64')}` });
    assert.equal(basic.status, 401);
    const state = await terminal.api.execute({ type: 'status.get' });
    assert.ok(state.ok && state.session.step === 'idle', 'nothing reached the device');
  });

  it('answers 400 naming the field, 413 for a large body, 415 for a body that is not JSON', async () => {
    const missing = await ws('POST', '/in-room/v1/payment-requests', {});
    assert.equal(missing.status, 400);
    assert.equal(missing.json.field, 'billId');
    const badId = await ws('POST', '/in-room/v1/payment-requests', { billId: '../../etc' });
    assert.equal(badId.status, 400);
    assert.equal(badId.json.field, 'billId');
    const badHash = await ws('POST', '/in-room/v1/payment-requests', { billId: 'OP202401150001', patientCertnoSha256: EMPLOYEE_CERTNO });
    assert.equal(badHash.status, 400);
    assert.equal(badHash.json.field, 'patientCertnoSha256', 'a raw ID number is refused, not stored');
    assert.ok(!badHash.text.includes(EMPLOYEE_CERTNO), 'and not echoed back');
    const extra = await ws('POST', '/in-room/v1/payment-requests', { billId: 'OP202401150001', patientName: '张三' });
    assert.equal(extra.status, 400);
    assert.equal(extra.json.field, 'patientName');
    const notJson = await ws('POST', '/in-room/v1/payment-requests', '{"billId": ', {});
    assert.equal(notJson.status, 400);
    assert.equal(notJson.json.error, 'invalid-json');
    const large = await ws('POST', '/in-room/v1/payment-requests', JSON.stringify({ billId: 'OP202401150001', pad: 'x'.repeat(10_000) }));
    assert.equal(large.status, 413);
    const form = await ws('POST', '/in-room/v1/payment-requests', 'billId=OP202401150001', { 'content-type': 'application/x-www-form-urlencoded' });
    assert.equal(form.status, 415);
    const unknownBill = await ws('POST', '/in-room/v1/payment-requests', { billId: 'OP999' });
    assert.equal(unknownBill.status, 404);
    assert.equal(unknownBill.json.error, 'bill-not-found');
  });

  it('puts the request on the screen, refuses a second one with 409, and cancels while it waits', async () => {
    const created = await ws('POST', '/in-room/v1/payment-requests', { billId: 'OP202401150001' });
    assert.equal(created.status, 201, created.text);
    const id = String(created.json.requestId);
    assert.equal(created.json.status, 'waiting');
    assert.equal(created.json.totalFen, 20_000);
    assert.equal(created.headers.get('location'), `/in-room/v1/payment-requests/${id}`);

    const state = await terminal.api.execute({ type: 'status.get' });
    assert.ok(state.ok);
    assert.equal(state.session.step, 'identify');
    assert.deepEqual(state.session.directed, {
      origin: 'in-room',
      requestId: id,
      requester: '模拟医生甲',
      deptName: '内科门诊',
      billId: 'OP202401150001',
      totalFen: 20_000,
      bed: null,
      payLink: `https://pay.example.test/p/${id}`,
    });

    const second = await ws('POST', '/in-room/v1/payment-requests', { billId: 'OP202401150002' });
    assert.equal(second.status, 409);
    assert.equal(second.json.error, 'active-request');
    assert.equal((await client(terminal, OTHER_TOKEN)('GET', `/in-room/v1/payment-requests/${id}`)).status, 404, 'another workstation cannot see it');
    assert.equal((await client(terminal, OTHER_TOKEN)('DELETE', `/in-room/v1/payment-requests/${id}`)).status, 404, 'nor cancel it');

    const cancelled = await ws('DELETE', `/in-room/v1/payment-requests/${id}`);
    assert.equal(cancelled.status, 200);
    assert.equal(cancelled.json.status, 'cancelled');
    assert.equal((await ws('GET', `/in-room/v1/payment-requests/${id}`)).json.status, 'cancelled');
    const after = await terminal.api.execute({ type: 'status.get' });
    assert.ok(after.ok && after.session.step === 'idle' && after.session.directed === null, 'the device is free again');
    assert.equal((await ws('DELETE', `/in-room/v1/payment-requests/${id}`)).status, 409, 'a finished request cannot be cancelled twice');
  });

  it('follows the visit: waiting, paying at the split, paid with the platform settlement', async () => {
    const platform = terminal.simulators.platform!;
    const created = await ws('POST', '/in-room/v1/payment-requests', { billId: 'OP202401150001', patientCertnoSha256: sha256(EMPLOYEE_CERTNO) });
    assert.equal(created.status, 201, created.text);
    const path = `/in-room/v1/payment-requests/${String(created.json.requestId)}`;
    assert.equal((await ws('GET', path)).json.status, 'waiting');

    const atConfirm = await terminal.api.execute({ type: 'credential.text', text: platform.mintEcQr('employee') });
    assert.ok(atConfirm.ok && atConfirm.session.step === 'confirm', JSON.stringify(atConfirm));
    assert.equal(atConfirm.session.bill?.totalFen, 20_000);
    const paying = await ws('GET', path);
    assert.equal(paying.json.status, 'paying');
    assert.equal((await ws('DELETE', path)).status, 409, 'no cancelling once the patient is paying');

    const done = await terminal.api.execute({ type: 'session.confirm', settlementId: atConfirm.session.settlementId! });
    assert.ok(done.ok && done.session.step === 'receipt');
    const paid = await ws('GET', path);
    assert.equal(paid.json.status, 'paid');
    const settled = platform.ledger().settlements.at(-1)!;
    assert.equal(paid.json.setlId, settled.setlId);
    assert.equal((paid.json.split as { cashFen: number }).cashFen, settled.split.psnCashPayFen);
    assert.equal(paid.json.totalFen, 20_000);
    assert.doesNotMatch(paid.text, /测试|33010219800101123X/, 'no patient name or ID number in the answer');

    await terminal.api.execute({ type: 'session.reset' });
    assert.equal((await ws('GET', path)).json.status, 'paid', 'leaving the receipt keeps the outcome');
    const again = await ws('POST', '/in-room/v1/payment-requests', { billId: 'OP202401150001' });
    assert.equal(again.status, 409);
    assert.equal(again.json.error, 'bill-paid');
    paidRequest = { requestId: String(created.json.requestId), settlementId: atConfirm.session.settlementId!, setlId: settled.setlId };
  });

  it('reads 已退费 (refunded) once staff refunded the visit the request paid, on the workstation and on the pay link', async () => {
    assert.ok(paidRequest, 'the request paid above');
    const path = `/in-room/v1/payment-requests/${paidRequest.requestId}`;
    const refund = await terminal.api.execute({ type: 'admin.refund', pin: '000000', settlementId: paidRequest.settlementId, reason: 'patient-request' });
    assert.ok(refund.ok, JSON.stringify(refund).slice(0, 300));
    const booked = terminal.simulators.platform!.ledger().settlements.find((x) => x.setlId === paidRequest!.setlId);
    assert.equal(booked?.status, 'cancelled', 'the platform took the settlement back (2208)');
    const read = await ws('GET', path);
    assert.equal(read.json.status, 'refunded');
    assert.doesNotMatch(read.text, /测试|33010219800101123X/);
    const page = await fetch(`${terminal.inRoom!.url}/in-room/v1/pay/${paidRequest.requestId}`);
    assert.match(await page.text(), /已退费/);
    assert.equal((await ws('DELETE', path)).status, 409, 'a refunded request is finished');
    assertNothingOpen(terminal.simulators.platform!);
  });

  it("fails with bill-not-for-patient when someone else's code is shown", async () => {
    const platform = terminal.simulators.platform!;
    const created = await ws('POST', '/in-room/v1/payment-requests', { billId: 'OP202401150003' });
    const path = `/in-room/v1/payment-requests/${String(created.json.requestId)}`;
    const wrong = await terminal.api.execute({ type: 'credential.text', text: platform.mintEcQr('resident') });
    assert.ok(wrong.ok);
    assert.equal(wrong.session.step, 'error');
    assert.equal(wrong.session.error?.code, 'bill-not-for-patient');
    const failed = await ws('GET', path);
    assert.equal(failed.json.status, 'failed');
    assert.equal(failed.json.errorCode, 'bill-not-for-patient');
    await terminal.api.execute({ type: 'session.reset' });

    // The bill is the resident's own, but the workstation named another patient: refused too.
    const named = await ws('POST', '/in-room/v1/payment-requests', { billId: 'OP202401150002', patientCertnoSha256: sha256(EMPLOYEE_CERTNO) });
    assert.equal(named.status, 201);
    const mismatch = await terminal.api.execute({ type: 'credential.text', text: platform.mintEcQr('resident') });
    assert.ok(mismatch.ok && mismatch.session.error?.code === 'bill-not-for-patient');
    assert.notEqual(sha256(RESIDENT_CERTNO), sha256(EMPLOYEE_CERTNO));
    await terminal.api.execute({ type: 'session.reset' });
  });

  it('refuses 409 device-busy while a walk-in patient is at the split, and marks a request cancelled when the patient walks away', async () => {
    const platform = terminal.simulators.platform!;
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const walkIn = await terminal.api.execute({ type: 'credential.text', text: platform.mintEcQr('cross-region') });
    assert.ok(walkIn.ok && walkIn.session.step === 'confirm');
    const busy = await ws('POST', '/in-room/v1/payment-requests', { billId: 'OP202401150002' });
    assert.equal(busy.status, 409);
    assert.equal(busy.json.error, 'device-busy');
    await terminal.api.execute({ type: 'session.reset' });

    const created = await ws('POST', '/in-room/v1/payment-requests', { billId: 'OP202401150002' });
    assert.equal(created.status, 201);
    await terminal.api.execute({ type: 'session.reset' });
    assert.equal((await ws('GET', `/in-room/v1/payment-requests/${String(created.json.requestId)}`)).json.status, 'cancelled');
  });
});

describe('in-room API limits', () => {
  let terminal: RunningTerminal;
  before(async () => {
    terminal = await startWith({ ratePerMinute: 3, requestTtlSeconds: 1 });
  });
  after(() => terminal?.close());

  it('rate-limits each workstation on its own with 429 and Retry-After', async () => {
    const ws1 = client(terminal);
    const statuses: number[] = [];
    let retryAfter: string | null = null;
    for (let i = 0; i < 5; i++) {
      const r = await ws1('GET', '/in-room/v1/payment-requests/abcdefghijkl');
      statuses.push(r.status);
      if (r.status === 429) retryAfter = r.headers.get('retry-after');
    }
    assert.deepEqual(statuses, [404, 404, 404, 429, 429]);
    assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 20, `Retry-After ${retryAfter}`);
    assert.equal((await client(terminal, OTHER_TOKEN)('GET', '/in-room/v1/payment-requests/abcdefghijkl')).status, 404, 'the other workstation still gets through');
  });

  it('gives up a request nobody took up, and frees the screen', async () => {
    const ws2 = client(terminal, OTHER_TOKEN);
    const created = await ws2('POST', '/in-room/v1/payment-requests', { billId: 'OP202401150001' });
    assert.equal(created.status, 201);
    await new Promise((r) => setTimeout(r, 1_400));
    const state = await terminal.api.execute({ type: 'status.get' });
    assert.ok(state.ok && state.session.step === 'idle', 'the device is back on the attract screen');
    assert.equal((await ws2('GET', `/in-room/v1/payment-requests/${String(created.json.requestId)}`)).json.status, 'expired');
  });
});
