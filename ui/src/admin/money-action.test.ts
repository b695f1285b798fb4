import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { CommandResult, SettledItem } from '../../../terminal/api/schema';
import { outcomeOf, type MoneyAction } from './money-action';
import { refusalText } from './refund-text';
import { moneyOutcomeText } from './MoneyActions';

const refund: MoneyAction = { type: 'admin.refund', settlementId: 's1', reason: 'wrong-bill' };
const visit = (state: string, refundable: boolean, lastError: string | null = null): SettledItem => ({
  settlementId: 's1',
  service: 'outpatient',
  state,
  billId: 'OP1',
  totalFen: 20_000,
  cashFen: 0,
  settledAt: '2026-12-02T09:00:00.000Z',
  refundable,
  lastError,
});
const answered = (settled: SettledItem[]) => ({ ok: true, admin: { settled } }) as unknown as CommandResult;

it('says a refund is done, under way or refused by what the visit is now', () => {
  assert.equal(outcomeOf(refund, answered([visit('refunded', false)]))?.kind, 'done');
  const pending = outcomeOf(refund, answered([visit('refund-query-pending', false)]));
  assert.deepEqual([pending?.kind, pending?.state], ['pending', 'refund-query-pending']);
  assert.match(moneyOutcomeText('zh', pending!), /退费处理中：退费：待查询撤销结果/);
  // The platform refused the cancel: the visit is back where it was, with the platform's words.
  const refused = outcomeOf(refund, answered([visit('closed', true, '该结算已对账，不能撤销')]));
  assert.deepEqual([refused?.kind, refused?.why], ['refused', '该结算已对账，不能撤销']);
  assert.equal(moneyOutcomeText('zh', refused!), '退费未完成：该结算已对账，不能撤销');
});

it("names the core's refusals in words and leaves the PIN's to the PIN pad", () => {
  const refusedByCore = { ok: false, error: { code: 'admin-refused', message: 'a refunded visit cannot be refunded' } } as CommandResult;
  const o = outcomeOf(refund, refusedByCore);
  assert.equal(o?.kind, 'refused');
  assert.equal(moneyOutcomeText('zh', o!), '退费未完成：这笔业务已退费或正在退费');
  assert.equal(moneyOutcomeText('en', o!), 'Refund not done: this visit is refunded or being refunded');
  assert.equal(outcomeOf(refund, { ok: false, error: { code: 'admin-pin', message: 'x' } }), null);
  assert.equal(refusalText('zh', 'a failed visit cannot be refunded'), '这笔业务当前状态不能退费');
  assert.equal(refusalText('en', 'no outstanding credit debt for visit s1'), 'the visit has no outstanding credit debt');
  assert.equal(refusalText('zh', 'something new'), 'something new', 'an unknown refusal is shown as sent');
  const repaid = outcomeOf({ type: 'admin.creditRepaid', settlementId: 's1', reason: 'paid-at-cashier' }, { ok: false, error: { code: 'admin-refused', message: 'no outstanding credit debt for visit s1' } });
  assert.equal(moneyOutcomeText('zh', repaid!), '未能标记还款：这笔业务没有未还的信用就医欠款');
});
