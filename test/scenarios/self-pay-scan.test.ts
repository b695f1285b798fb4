// The self-paid part through the terminal's own API, as the screens drive it: a payment code shown
// at the split pays the cash (declined first, nothing charged, then paid), a payment code at the
// identify step is still no identity, and credit over its limit keeps the patient on the split
// with a plain error instead of settling.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal } from '../../terminal/app/start-terminal';
import { hashPin } from '../../terminal/staff/staff-pin';
import { ORDER_UNPAID } from '../../terminal/insurance/mobile-pay';
import { assertNothingOpen, nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');
const open = nothingOpenAfterEach();
const start = async (settlement: Record<string, unknown> = {}) =>
  open.track(await startTerminal({ config: parseConfig({ devices: [], settlement }), dataDir: mkdtempSync(join(tmpdir(), 'self-pay-')), fixturesDir }));

it('pays the cash part with a payment code scanned at the split, after a declined one charged nothing', async () => {
  const terminal = await start();
  const sim = terminal.simulators.platform!;
  try {
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const early = await terminal.api.execute({ type: 'credential.text', text: sim.mintPayCode() });
    assert.ok(early.ok && early.session.error?.code === 'not-a-qr', 'a payment code is not who the patient is');
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const atConfirm = await terminal.api.execute({ type: 'credential.text', text: sim.mintEcQr('employee') });
    assert.ok(atConfirm.ok && atConfirm.session.step === 'confirm');
    const id = atConfirm.session.settlementId!;
    assert.equal(atConfirm.session.split?.cashFen, 0, 'the account pays all of it at first');
    const noAccount = await terminal.api.execute({ type: 'session.selfPay', settlementId: id, usePersonalAccount: false, familyPayer: null });
    assert.ok(noAccount.ok && noAccount.session.step === 'confirm');
    const cash = noAccount.session.split?.cashFen ?? 0;
    assert.ok(cash > 0);
    assert.deepEqual(noAccount.session.selfPay?.methods, ['cashier', 'pay-code', 'credit']);
    assert.equal(noAccount.session.selfPay?.method, 'pay-code', 'one tap pays by the 医保码');

    const poor = sim.mintPayCode(cash - 1);
    const declined = await terminal.api.execute({ type: 'credential.text', text: poor });
    assert.ok(declined.ok && declined.session.step === 'confirm', JSON.stringify(declined).slice(0, 300));
    assert.equal(declined.session.selfPay?.notice, 'pay-code-declined');
    assert.equal(sim.mobilePayLedger().wallets.find((w) => w.payer === `code:${poor}`)?.balanceFen, cash - 1);
    // The declined code's order is not paid and will not be (another code makes a new one): revoked.
    assert.equal(sim.mobilePayLedger().orders.find((o) => o.payer === `code:${poor}`)?.ordStas, '12', 'the declined order is revoked (6401)');

    const good = sim.mintPayCode(cash);
    const paid = await terminal.api.execute({ type: 'credential.text', text: good });
    assert.ok(paid.ok && paid.session.step === 'receipt', JSON.stringify(paid).slice(0, 300));
    assert.deepEqual(paid.session.receipt?.selfPay, { method: 'pay-code', paidByCodeFen: cash, owedFen: 0, atCashierFen: 0 });
    assert.equal(sim.mobilePayLedger().wallets.find((w) => w.payer === `code:${good}`)?.balanceFen, 0);
    assert.equal(sim.ledger().settlements.filter((s) => s.status === 'settled').length, 1);
    assertNothingOpen(sim);
  } finally {
    await terminal.close();
  }
});

it('refuses credit over the per-patient limit with a plain error and leaves the patient on the split', async () => {
  const terminal = await start({ usePersonalAccount: false, selfPay: { credit: { limitPerPatientFen: 100 } } });
  const sim = terminal.simulators.platform!;
  try {
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const atConfirm = await terminal.api.execute({ type: 'credential.text', text: sim.mintEcQr('employee') });
    assert.ok(atConfirm.ok && atConfirm.session.step === 'confirm');
    const refused = await terminal.api.execute({ type: 'session.confirm', settlementId: atConfirm.session.settlementId!, method: 'credit' });
    assert.ok(refused.ok && refused.session.step === 'confirm');
    assert.equal(refused.session.error?.code, 'credit-limit-patient');
    assert.equal(sim.ledger().settlements.length, 0, 'nothing was settled');
    const cashier = await terminal.api.execute({ type: 'session.confirm', settlementId: atConfirm.session.settlementId!, method: 'cashier' });
    assert.ok(cashier.ok && cashier.session.step === 'receipt');
    assert.equal(cashier.session.receipt?.selfPay?.atCashierFen, cashier.session.receipt?.split.cashFen);
  } finally {
    await terminal.close();
  }
});

it("an order whose payment never got through is revoked (6401) when staff give the visit up: nothing left open on the centre's books", async () => {
  const PIN = '482915';
  // The terminal's clock is moved past the unknown-outcome deadline rather than waited for.
  let skewMs = 0;
  const terminal = open.track(await startTerminal({
    config: parseConfig({ admin: { pinScrypt: hashPin(PIN) }, devices: [], settlement: { usePersonalAccount: false, replayIntervalMs: 600_000, unknownOutcomeDeadlineMs: 3_600_000 } }),
    dataDir: mkdtempSync(join(tmpdir(), 'self-pay-')),
    fixturesDir,
    now: () => new Date(Date.now() + skewMs),
  }), { pin: PIN });
  const sim = terminal.simulators.platform!;
  try {
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const atConfirm = await terminal.api.execute({ type: 'credential.text', text: sim.mintEcQr('employee') });
    assert.ok(atConfirm.ok && atConfirm.session.step === 'confirm');
    const id = atConfirm.session.settlementId!;
    const cash = atConfirm.session.split?.cashFen ?? 0;
    assert.ok(cash > 0);
    // The order is uploaded; its payment and the question about it never reach the centre.
    sim.setFaults({ rules: [{ kind: 'reset-before', infnos: ['6202', '6301'] }] });
    await terminal.api.execute({ type: 'session.confirm', settlementId: id, method: 'pay-code', confirmedFen: cash });
    await terminal.api.execute({ type: 'session.reset' });
    const order = sim.mobilePayLedger().orders.at(-1);
    assert.equal(order?.ordStas, ORDER_UNPAID, 'uploaded, not paid');

    skewMs += 3_600_000 + 60_000;
    await terminal.api.execute({ type: 'admin.forward', pin: PIN });
    const cancelled = await terminal.api.execute({ type: 'admin.cancel', pin: PIN, settlementId: id, reason: 'patient left, code never charged' });
    assert.ok(cancelled.ok, JSON.stringify(cancelled).slice(0, 300));
    sim.setFaults({ rules: [] });
    await terminal.api.execute({ type: 'admin.forward', pin: PIN });
    assert.equal(sim.mobilePayLedger().orders.find((o) => o.payOrdId === order?.payOrdId)?.ordStas, '12');
    assertNothingOpen(sim);
  } finally {
    await terminal.close();
  }
});
