// Issue 14, the money a patient still owes, through the terminal's own API as the screens drive it:
// the personal-account switch is not offered to a resident with no account (item 3); a large charge
// to the 医保码's linked account needs the amount confirmed (item 4); a cancel at the split lands on
// the attract screen saying nothing was charged (item 8); 查询 and the staff totals say what is still
// owed at the cashier, apart from what a payment code paid (items 1 and 10).
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal } from '../../terminal/app/start-terminal';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');
const open = nothingOpenAfterEach();
const start = async (settlement: Record<string, unknown> = {}) =>
  open.track(await startTerminal({ config: parseConfig({ devices: [], settlement }), dataDir: mkdtempSync(join(tmpdir(), 'owed-')), fixturesDir }));

it('offers no personal-account switch to a resident (城乡居民) and does not show it as on', async () => {
  const terminal = await start();
  const sim = terminal.simulators.platform!;
  try {
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const resident = await terminal.api.execute({ type: 'credential.text', text: sim.mintEcQr('resident') });
    assert.ok(resident.ok && resident.session.step === 'confirm', JSON.stringify(resident).slice(0, 300));
    assert.deepEqual(resident.session.selfPay?.personalAccount, { allowed: false, on: false });
    await terminal.api.execute({ type: 'session.reset' });
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const employee = await terminal.api.execute({ type: 'credential.text', text: sim.mintEcQr('employee') });
    assert.ok(employee.ok && employee.session.step === 'confirm');
    assert.deepEqual(employee.session.selfPay?.personalAccount, { allowed: true, on: true }, 'an employee keeps the switch');
    await terminal.api.execute({ type: 'session.reset' });
  } finally {
    await terminal.close();
  }
});

it('charges the 医保码-linked account above the configured amount only with the amount confirmed', async () => {
  const terminal = await start({ selfPay: { confirmAmountAboveFen: 100 } });
  const sim = terminal.simulators.platform!;
  try {
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const atConfirm = await terminal.api.execute({ type: 'credential.text', text: sim.mintEcQr('resident') });
    assert.ok(atConfirm.ok && atConfirm.session.step === 'confirm');
    const { settlementId, split, selfPay } = atConfirm.session;
    const cash = split!.cashFen;
    assert.ok(cash > 100, `the resident pays ${cash} fen in cash`);
    assert.equal(selfPay?.method, 'pay-code', 'the default one tap would charge the linked account');
    assert.equal(selfPay?.confirmAmountAboveFen, 100);
    const oneTap = await terminal.api.execute({ type: 'session.confirm', settlementId: settlementId!, method: 'pay-code' });
    assert.ok(!oneTap.ok && oneTap.error.code === 'amount-not-confirmed', JSON.stringify(oneTap).slice(0, 200));
    const wrongAmount = await terminal.api.execute({ type: 'session.confirm', settlementId: settlementId!, method: 'pay-code', confirmedFen: cash - 1 });
    assert.ok(!wrongAmount.ok);
    assert.equal(sim.ledger().settlements.filter((s) => s.status === 'settled').length, 0, 'nothing settled or charged');
    const confirmed = await terminal.api.execute({ type: 'session.confirm', settlementId: settlementId!, method: 'pay-code', confirmedFen: cash });
    assert.ok(confirmed.ok && confirmed.session.step === 'receipt', JSON.stringify(confirmed).slice(0, 300));
    assert.deepEqual(confirmed.session.receipt?.selfPay, { method: 'pay-code', paidByCodeFen: cash, owedFen: 0, atCashierFen: 0 });
    // Paying at the cashier is not a charge: one tap, as before.
  } finally {
    await terminal.close();
  }
});

it('says on the attract screen that a cancel charged nothing, and offers the same service again', async () => {
  const terminal = await start();
  const sim = terminal.simulators.platform!;
  try {
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    await terminal.api.execute({ type: 'credential.text', text: sim.mintEcQr('employee') });
    const cancelled = await terminal.api.execute({ type: 'session.reset', reason: 'cancel' });
    assert.ok(cancelled.ok);
    assert.equal(cancelled.session.step, 'idle');
    assert.deepEqual(cancelled.session.ended, { reason: 'cancelled', service: 'outpatient' });
    const next = await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    assert.ok(next.ok && !next.session.ended, 'the notice goes with the next pass');
    const walkedAway = await terminal.api.execute({ type: 'session.reset' });
    assert.ok(walkedAway.ok && !walkedAway.session.ended, 'a timeout says nothing to the next patient');
  } finally {
    await terminal.close();
  }
});

it('lists the cash still owed at the cashier in 查询 and apart in the staff totals', async () => {
  const terminal = await start();
  const sim = terminal.simulators.platform!;
  try {
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const atConfirm = await terminal.api.execute({ type: 'credential.text', text: sim.mintEcQr('resident') });
    assert.ok(atConfirm.ok && atConfirm.session.step === 'confirm');
    const cash = atConfirm.session.split!.cashFen;
    const paid = await terminal.api.execute({ type: 'session.confirm', settlementId: atConfirm.session.settlementId!, method: 'cashier' });
    assert.ok(paid.ok && paid.session.step === 'receipt');
    assert.deepEqual(paid.session.receipt?.selfPay, { method: 'cashier', paidByCodeFen: 0, owedFen: 0, atCashierFen: cash });
    await terminal.api.execute({ type: 'session.reset' });

    await terminal.api.execute({ type: 'history.begin' });
    const history = await terminal.api.execute({ type: 'credential.text', text: sim.mintEcQr('resident') });
    assert.ok(history.ok && history.session.step === 'history');
    const [visit] = history.session.history!.visits;
    assert.equal(visit?.cashWay, 'cashier', 'the visit says its cash is to be paid at the cashier');
    assert.equal(visit?.cashFen, cash);
    await terminal.api.execute({ type: 'session.reset' });

    const admin = await terminal.api.execute({ type: 'admin.overview', pin: '000000' });
    assert.ok(admin.ok && admin.admin);
    assert.equal(admin.admin.today.atCashierFen, cash, 'owed at the cashier, not counted as cash taken');
    assert.equal(admin.admin.today.payCodeFen, 0);
    assert.equal(admin.admin.today.creditFen, 0);
  } finally {
    await terminal.close();
  }
});
