// The printed slip says how the cash part stands: owed on credit, paid by code, or to pay at the
// cashier, since the patient and the cashier go by the paper.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { Receipt } from '../../terminal/api/schema';
import { receiptItems } from '../../terminal/app/receipt-print';

const split = { totalFen: 20_000, fundFen: 0, basicFundFen: 0, criticalIllnessFen: 0, medicalAidFen: 0, otherFundFen: 0, personalAccountFen: 0, familyAccountFen: 0, cashFen: 20_000 };
const text = (r: Receipt) => receiptItems(r, { hospitalName: '模拟医院' }).flatMap((i) => (i.type === 'text' ? [i.text] : [])).join('\n');
const receipt = (selfPay?: Receipt['selfPay']): Receipt => ({ settlementId: 'S1', platformSettlementId: 'P1', settledAt: '2026-11-29T05:00:00Z', split, balanceAfterFen: null, selfPay });

it('prints what is owed on credit, what a payment code paid, or what is left for the cashier', () => {
  assert.match(text(receipt({ method: 'credit', paidByCodeFen: 0, owedFen: 20_000, atCashierFen: 0 })), /待补缴\(先诊疗后付费\): 200\.00 元/);
  assert.match(text(receipt({ method: 'pay-code', paidByCodeFen: 20_000, owedFen: 0, atCashierFen: 0 })), /其中付款码支付: 200\.00 元/);
  const cashier = text(receipt({ method: 'cashier', paidByCodeFen: 0, owedFen: 0, atCashierFen: 20_000 }));
  assert.match(cashier, /请到收费窗口支付: 200\.00 元/);
  assert.doesNotMatch(cashier, /待补缴|付款码/);
  assert.doesNotMatch(text(receipt()), /待补缴|付款码|收费窗口/, 'a receipt from before the choice prints as it did');
});
