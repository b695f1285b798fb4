// What the receipt printer prints when a visit settles: the slip a patient keeps and the hospital's
// cashier can look the settlement up by (its id, and the same id as a QR for a scanner). Amounts are
// turned into yuan only here, from integer fen, so no float ever touches money on paper.
import type { Receipt, RefundSlip } from '../api/schema';
import type { PrintItem } from '../../drivers/printer/escpos';
import { fenToYuanString } from '../common/money';
import { fundLines, itemClassNames } from '../common/vocabulary';

const yuan = (fen: number) => `${fenToYuanString(fen)} 元`;

/** Local wall-clock time, as a patient reads it off the kiosk's clock. */
function localTime(iso: string): string {
  const d = new Date(iso);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export function receiptItems(receipt: Receipt, header: { hospitalName: string }): PrintItem[] {
  const { split } = receipt;
  // The platform's setl_id is what the insurance office and the hospital reconcile by; a visit
  // settled without one (not yet online) still has the terminal's own id to be found by.
  const settlementId = receipt.platformSettlementId ?? receipt.settlementId;
  const lines = [
    // 异地就医: the insured area pays by its own rules, and the slip says which area that is.
    ...(receipt.crossRegion ? [`异地就医 参保地: ${receipt.crossRegion.insuredAreaName}`] : []),
    `时间: ${localTime(receipt.settledAt)}`,
    // Each item with its class (甲/乙/丙): what the patient's reimbursement office reads.
    ...(receipt.items ?? []).map((i) => `${i.name} [${itemClassNames[i.itemClass]}] ${yuan(i.amountFen)}`),
    `合计: ${yuan(split.totalFen)}`,
    `医保基金支付: ${yuan(split.fundFen)}`,
    // 一单式: every fund by the name the confirm screen used, not collapsed into one line.
    ...fundLines(split).map((l) => `  其中${l.name}: ${yuan(l.fen)}`),
    `个人账户支付: ${yuan(split.personalAccountFen)}`,
    ...(split.familyAccountFen !== 0 ? [`共济账户支付: ${yuan(split.familyAccountFen)}`] : []),
    `现金支付: ${yuan(split.cashFen)}`,
    // The slip is what the patient and the cashier go by: it says whether the cash is paid or still owed.
    ...(receipt.selfPay?.paidByCodeFen ? [`其中付款码支付: ${yuan(receipt.selfPay.paidByCodeFen)}`] : []),
    ...(receipt.selfPay?.owedFen ? [`待补缴(先诊疗后付费): ${yuan(receipt.selfPay.owedFen)}`] : []),
    ...(receipt.selfPay?.atCashierFen ? [`请到收费窗口支付: ${yuan(receipt.selfPay.atCashierFen)}`] : []),
    // After the cash lines: their 其中 lines belong under 现金支付, and the balance is not a payer.
    ...(receipt.balanceAfterFen != null ? [`个人账户余额: ${yuan(receipt.balanceAfterFen)}`] : []),
    ...(split.policyNote ? [split.policyNote] : []),
    `结算号: ${settlementId}`,
  ];
  const einvoice = receipt.einvoice;
  return [
    { type: 'text', text: header.hospitalName, align: 'center', bold: true },
    { type: 'text', text: '医保结算凭证', align: 'center' },
    { type: 'text', text: lines.join('\n') },
    { type: 'qr', data: settlementId },
    // 医疗收费电子票据: its number and its QR, which the patient scans to fetch the invoice.
    ...(einvoice ? ([{ type: 'text', text: `电子票据号: ${einvoice.number}` }, { type: 'qr', data: einvoice.qr }] as PrintItem[]) : []),
    { type: 'feed', lines: 3 },
    { type: 'cut' },
  ];
}

/** The refund slip (退费凭证): the settlement taken back, each payer's part returned, and where the cash goes. */
export function refundSlipItems(slip: RefundSlip, header: { hospitalName: string }): PrintItem[] {
  const { split } = slip;
  const settlementId = slip.platformSettlementId ?? slip.settlementId;
  const lines = [
    `退费时间: ${localTime(slip.refundedAt)}`,
    `退费原因: ${slip.reason}`,
    `原结算号: ${settlementId}`,
    `退费合计: ${yuan(split.totalFen)}`,
    `医保基金退回: ${yuan(split.fundFen)}`,
    ...fundLines(split).map((l) => `  其中${l.name}: ${yuan(l.fen)}`),
    `个人账户退回: ${yuan(split.personalAccountFen)}`,
    ...(split.familyAccountFen !== 0 ? [`共济账户退回: ${yuan(split.familyAccountFen)}`] : []),
    `现金部分: ${yuan(split.cashFen)}`,
    slip.cash.text,
  ];
  return [
    { type: 'text', text: header.hospitalName, align: 'center', bold: true },
    { type: 'text', text: '医保退费凭证', align: 'center' },
    { type: 'text', text: lines.join('\n') },
    { type: 'qr', data: settlementId },
    { type: 'feed', lines: 3 },
    { type: 'cut' },
  ];
}
