// The reasons a refund (退费) may be given for: staff pick one from this list on the staff screen,
// and the audit row keeps its code. One list for the API's schema, the settlement and the screens.
export const refundReasons = {
  'patient-request': '患者申请退费',
  'wrong-bill': '收费项目有误',
  'duplicate-payment': '重复缴费',
  'order-cancelled': '医嘱取消/未执行',
  'wrong-insurance': '参保信息有误需重新结算',
} as const;
export type RefundReason = keyof typeof refundReasons;
export const refundReasonCodes = Object.keys(refundReasons) as [RefundReason, ...RefundReason[]];
export const isRefundReason = (s: string): s is RefundReason => s in refundReasons;

/** The reasons staff may give for marking a credit (信用就医) debt repaid outside the kiosk. */
export const creditRepaidReasons = {
  'paid-at-cashier': '已在收费窗口补缴',
  'paid-online': '已通过线上渠道补缴',
  'written-off': '医院核销',
} as const;
export type CreditRepaidReason = keyof typeof creditRepaidReasons;
export const creditRepaidReasonCodes = Object.keys(creditRepaidReasons) as [CreditRepaidReason, ...CreditRepaidReason[]];
