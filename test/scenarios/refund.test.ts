// Refunds (退费) as staff work, through the same API the staff screen uses: PIN, a reason from the
// list, the settlement cancelled on the platform (2208 / 2305), the cash part back the way it was
// paid, the HIS told (the bill payable again), and 查询 showing 已退费. Each kind ends with the
// simulator's ledger back where it started and nothing left open on the platform.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { hashPin } from '../../terminal/staff/staff-pin';
import { createHisClient } from '../../terminal/his/client';
import type { CashMethod } from '../../terminal/api/schema';
import { assertNothingOpen, nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');
const PIN = '482915';

const open = nothingOpenAfterEach();
const start = async (settlement: Record<string, unknown> = {}) =>
  open.track(await startTerminal({
    config: parseConfig({ admin: { pinScrypt: hashPin(PIN) }, devices: [], settlement: { replayIntervalMs: 60_000, ...settlement } }),
    dataDir: mkdtempSync(join(tmpdir(), 'refund-')),
    fixturesDir,
  }), { pin: PIN });

/** The person's money and year-to-date on the platform's books, and their mobile wallet. */
function books(terminal: RunningTerminal, psnNo: string) {
  const sim = terminal.simulators.platform!;
  const account = sim.ledger().accounts.find((a) => a.psnNo === psnNo);
  const wallet = sim.mobilePayLedger().wallets.find((w) => w.payer === `psn:${psnNo}`)?.balanceFen ?? null;
  return { account, wallet };
}

async function settle(terminal: RunningTerminal, service: 'outpatient' | 'discharge', person: string, method?: CashMethod) {
  await terminal.api.execute({ type: 'session.begin', service });
  const atConfirm = await terminal.api.execute({ type: 'credential.text', text: terminal.simulators.platform!.mintEcQr(person) });
  assert.ok(atConfirm.ok && atConfirm.session.step === 'confirm', JSON.stringify(atConfirm).slice(0, 400));
  const id = atConfirm.session.settlementId!;
  // A large charge to the 医保码 is confirmed by its amount (issue 14): the patient typed the cash part.
  const done = await terminal.api.execute({ type: 'session.confirm', settlementId: id, ...(method ? { method } : {}), confirmedFen: atConfirm.session.split?.cashFen ?? 0 });
  assert.ok(done.ok && done.session.step === 'receipt', JSON.stringify(done).slice(0, 400));
  await terminal.api.execute({ type: 'session.reset' });
  return { id, receipt: done.session.receipt! };
}

async function refund(terminal: RunningTerminal, settlementId: string) {
  const wrongPin = await terminal.api.execute({ type: 'admin.refund', pin: '000000', settlementId, reason: 'patient-request' });
  assert.ok(!wrongPin.ok, 'the PIN is checked');
  const done = await terminal.api.execute({ type: 'admin.refund', pin: PIN, settlementId, reason: 'patient-request' });
  assert.ok(done.ok, JSON.stringify(done).slice(0, 400));
  return done;
}

/** 查询 for the same person: the visit is listed 已退费 and not printable as a receipt. */
async function historyStatus(terminal: RunningTerminal, person: string, settlementId: string) {
  await terminal.api.execute({ type: 'history.begin' });
  const seen = await terminal.api.execute({ type: 'credential.text', text: terminal.simulators.platform!.mintEcQr(person) });
  assert.ok(seen.ok && seen.session.step === 'history', JSON.stringify(seen).slice(0, 300));
  const visit = seen.session.history?.visits.find((v) => v.settlementId === settlementId);
  await terminal.api.execute({ type: 'session.reset' });
  return visit;
}

async function pendingBillIds(terminal: RunningTerminal, certno: string) {
  const his = createHisClient({ baseUrl: terminal.simulators.hisUrl!, timeoutMs: 10_000 });
  return (await his.pendingBills(certno)).map((b) => b.billId);
}

const EMPLOYEE = { key: 'employee', psnNo: '33000000000000000101', certno: '33010219800101123X', bill: 'OP202401150001' };

it('refunds a 医保码 visit paid by the fund and the personal account: balances and year-to-date back, bill payable again', async () => {
  const terminal = await start();
  try {
    const before = books(terminal, EMPLOYEE.psnNo);
    const { id, receipt } = await settle(terminal, 'outpatient', EMPLOYEE.key);
    assert.ok(receipt.split.personalAccountFen > 0, 'the account paid part of it');
    assert.notDeepEqual(books(terminal, EMPLOYEE.psnNo).account, before.account);
    assert.ok(!(await pendingBillIds(terminal, EMPLOYEE.certno)).includes(EMPLOYEE.bill), 'the HIS took the bill as paid');

    const overview = await refund(terminal, id);
    assert.ok(overview.ok && !overview.admin?.queue.some((q) => q.settlementId === id), 'nothing left for staff: the HIS heard');
    const listed = overview.ok ? overview.admin?.settled?.find((v) => v.settlementId === id) : undefined;
    assert.deepEqual([listed?.state, listed?.refundable, listed?.totalFen], ['refunded', false, receipt.split.totalFen], "today's settled list shows it refunded, with no second refund offered");
    assert.deepEqual(books(terminal, EMPLOYEE.psnNo).account, before.account, 'account balance and year-to-date as before');
    const cancelled = terminal.simulators.platform!.ledger().settlements.filter((s) => s.psnNo === EMPLOYEE.psnNo);
    assert.deepEqual(cancelled.map((s) => s.status), ['cancelled']);
    assertNothingOpen(terminal.simulators.platform!);
    assert.ok((await pendingBillIds(terminal, EMPLOYEE.certno)).includes(EMPLOYEE.bill), 'the bill is payable again');
    assert.equal((await historyStatus(terminal, EMPLOYEE.key, id))?.status, 'refunded');

    const again = await terminal.api.execute({ type: 'admin.refund', pin: PIN, settlementId: id, reason: 'patient-request' });
    assert.ok(!again.ok && again.error.code === 'admin-refused', 'a refunded visit is not refunded twice');
  } finally {
    await terminal.close();
  }
});

it('refunds the cash part paid by the 医保码 (6203) the way it was paid', async () => {
  const terminal = await start({ usePersonalAccount: false });
  try {
    const { id, receipt } = await settle(terminal, 'outpatient', EMPLOYEE.key, 'pay-code');
    const cash = receipt.selfPay?.paidByCodeFen ?? 0;
    assert.ok(cash > 0);
    const paid = books(terminal, EMPLOYEE.psnNo);
    await refund(terminal, id);
    const after = books(terminal, EMPLOYEE.psnNo);
    assert.equal(after.wallet, (paid.wallet ?? 0) + cash, 'the code got its cash back');
    const order = terminal.simulators.platform!.mobilePayLedger().orders.at(-1)!;
    assert.equal(order.refundedFen, cash);
    assertNothingOpen(terminal.simulators.platform!);
    assert.equal((await historyStatus(terminal, EMPLOYEE.key, id))?.status, 'refunded');
  } finally {
    await terminal.close();
  }
});

it('refunds a visit left on credit: the debt is cancelled and the limit frees up', async () => {
  const terminal = await start({ usePersonalAccount: false });
  try {
    const before = books(terminal, EMPLOYEE.psnNo);
    const { id } = await settle(terminal, 'outpatient', EMPLOYEE.key, 'credit');
    const owed = await terminal.api.execute({ type: 'admin.overview', pin: PIN });
    assert.ok(owed.ok && (owed.admin?.credit?.outstandingFen ?? 0) > 0);
    const done = await refund(terminal, id);
    assert.ok(done.ok && done.admin?.credit?.outstandingFen === 0, 'nothing owed any more');
    assert.equal(done.admin?.credit?.debts.find((d) => d.settlementId === id)?.status, 'void');
    assert.deepEqual(books(terminal, EMPLOYEE.psnNo).account, before.account);
    assertNothingOpen(terminal.simulators.platform!);
  } finally {
    await terminal.close();
  }
});

it('refunds a discharge (2305) and takes back the stay the kiosk opened: nothing open, the bill payable again', async () => {
  const terminal = await start({ usePersonalAccount: false });
  const psnNo = '51000000000000000106';
  try {
    const before = books(terminal, psnNo);
    const { id, receipt } = await settle(terminal, 'discharge', 'cross-province-inpatient');
    assert.equal(receipt.split.totalFen, 5_142_322);
    await refund(terminal, id);
    assert.deepEqual(books(terminal, psnNo).account, before.account, 'year-to-date (大病 threshold included) as before');
    const ledger = terminal.simulators.platform!.ledger();
    assert.deepEqual(ledger.settlements.filter((s) => s.psnNo === psnNo).map((s) => [s.kind, s.status]), [['inpatient', 'cancelled']]);
    assertNothingOpen(terminal.simulators.platform!);
    assert.ok((await pendingBillIds(terminal, '51010719660412351X')).includes('IP202401100006'));
  } finally {
    await terminal.close();
  }
});

it('a cancel whose answer was lost is asked about (5203), never sent again blind: committed once, or sent again once it is known not to have arrived', async () => {
  for (const kind of ['reset-after-commit', 'reset-before'] as const) {
    const terminal = await start();
    try {
      const before = books(terminal, EMPLOYEE.psnNo);
      const { id } = await settle(terminal, 'outpatient', EMPLOYEE.key);
      terminal.simulators.platform!.setFaults({ rules: [{ kind, infnos: ['2208'], count: 1 }] });
      const done = await refund(terminal, id);
      assert.ok(done.ok);
      assert.equal((await historyStatus(terminal, EMPLOYEE.key, id))?.status, 'refunded', kind);
      assert.deepEqual(books(terminal, EMPLOYEE.psnNo).account, before.account, kind);
      assertNothingOpen(terminal.simulators.platform!);
      assert.ok((await pendingBillIds(terminal, EMPLOYEE.certno)).includes(EMPLOYEE.bill), kind);
    } finally {
      await terminal.close();
    }
  }
});

it('3201 with a refund in the day balances (refunds apart, cross-region by clearing area); a settlement cancelled elsewhere makes 3202 name the visit', async () => {
  const terminal = await start();
  try {
    const sim = terminal.simulators.platform!;
    const kept = await settle(terminal, 'outpatient', EMPLOYEE.key);
    const crossRegion = await settle(terminal, 'outpatient', 'cross-region');
    const resident = await settle(terminal, 'outpatient', 'resident');
    await refund(terminal, resident.id);

    const first = await terminal.api.execute({ type: 'admin.reconcile', pin: PIN });
    assert.ok(first.ok);
    const r = first.admin!.reconciliation!;
    assert.equal(r.error, null);
    assert.ok(r.balanced, JSON.stringify(r.groups));
    assert.ok(r.groups.some((g) => g.refunds && g.count === 1), 'the refund is reconciled with refd_setl_flag 1');
    const areas = new Set(r.groups.map((g) => g.setlOptins));
    assert.ok(areas.size >= 2, `cross-region visits clear with their own area: ${[...areas].join(',')}`);

    // Someone cancels the employee's settlement at another window: the platform's books now differ.
    const s = sim.ledger().settlements.find((x) => x.setlId === kept.receipt.platformSettlementId)!;
    // The bare 2208 takes back the settlement only: the registration and its fee lines stay open on
    // the platform, the other window's to undo, not this terminal's.
    const elsewhere = 'the settlement was cancelled (2208) at another window behind the terminal';
    open.expect({ kind: 'registration', psnNo: s.psnNo, reason: elsewhere });
    open.expect({ kind: 'fee-line', psnNo: s.psnNo, count: 4, reason: elsewhere });
    const { createPlatformClient } = await import('../../terminal/insurance/client');
    const { simEnvelopeContext } = await import('../../terminal/sim/platform/context');
    const { nextMsgid } = await import('../../terminal/testing/platform.testkit');
    const client = createPlatformClient({ baseUrl: sim.url, context: simEnvelopeContext, timeoutMs: 5_000 });
    const cancelled = await client.call({ infno: '2208', msgid: nextMsgid(), insuplcAdmdvs: '330100', input: { data: { setl_id: s.setlId, mdtrt_id: s.mdtrtId, psn_no: s.psnNo } } });
    assert.equal(cancelled.kind, 'ok');

    const second = await terminal.api.execute({ type: 'admin.reconcile', pin: PIN });
    assert.ok(second.ok);
    const r2 = second.admin!.reconciliation!;
    assert.equal(r2.balanced, false);
    const bad = r2.groups.filter((g) => !g.balanced);
    assert.deepEqual(bad.flatMap((g) => g.settlementIds), [kept.id], '3202 names exactly the visit whose settlement the platform no longer has');
    assert.ok(!bad.flatMap((g) => g.settlementIds).includes(crossRegion.id));
    assert.match(bad[0]!.detail, /无此结算记录/);
  } finally {
    await terminal.close();
  }
});

it('a credit debt marked repaid by staff (reason from the list, audited) frees the limit', async () => {
  const terminal = await start({ usePersonalAccount: false });
  try {
    const { id } = await settle(terminal, 'outpatient', EMPLOYEE.key, 'credit');
    const refused = await terminal.api.execute({ type: 'admin.creditRepaid', pin: PIN, settlementId: 'no-such-visit', reason: 'paid-at-cashier' });
    assert.ok(!refused.ok && refused.error.code === 'admin-refused');
    const done = await terminal.api.execute({ type: 'admin.creditRepaid', pin: PIN, settlementId: id, reason: 'paid-at-cashier' });
    assert.ok(done.ok && done.admin?.credit?.outstandingFen === 0);
    assert.equal(done.admin?.credit?.debts.find((d) => d.settlementId === id)?.status, 'repaid');
    const twice = await terminal.api.execute({ type: 'admin.creditRepaid', pin: PIN, settlementId: id, reason: 'paid-at-cashier' });
    assert.ok(!twice.ok, 'a debt is repaid once');
    assertNothingOpen(terminal.simulators.platform!);
  } finally {
    await terminal.close();
  }
});
