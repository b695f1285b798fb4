// Words of 查询's 还款 (a credit debt repaid at the kiosk by payment code), kept apart from the main
// table (i18n.ts) so this flow's words grow without stepping on the other screens'.
import { fill, type Lang } from '../i18n';

const texts = {
  repay: { zh: '还款', en: 'Repay' },
  repayLabel: { zh: '用付款码还清 {amount}', en: 'Repay {amount} with a payment code' },
  repayTitle: { zh: '用付款码还款', en: 'Repay with a payment code' },
  repayAmount: { zh: '应还金额：{amount}', en: 'Amount owed: {amount}' },
  repayScan: { zh: '请打开微信或支付宝的付款码，对准扫码口扫一下；也可以输入付款码下方的数字。', en: 'Hold your WeChat or Alipay payment code to the scanner, or type the digits under it.' },
  repayCode: { zh: '付款码', en: 'Payment code' },
  repayPay: { zh: '确认还款', en: 'Pay now' },
  repayCancel: { zh: '不还了', en: 'Not now' },
  repaid: { zh: '已还款 {amount}', en: 'Repaid {amount}' },
  repayDeclined: { zh: '付款码没有付款成功，没有扣费，这笔欠款仍未还清（{reason}）。可以换一个付款码再试。', en: 'The payment code did not pay; nothing was charged and the amount is still owed ({reason}). You can try another code.' },
  repayPending: { zh: '还款结果正在确认中，请不要重复付款。稍后在查询里可以看到结果，或到人工窗口咨询。', en: 'The payment is being confirmed; please do not pay again. Check 查询 later, or ask at the staffed desk.' },
} satisfies Record<string, Record<Lang, string>>;

export type RepayTextKey = keyof typeof texts;

export function repayText(lang: Lang, key: RepayTextKey, values?: Record<string, string | number>): string {
  const text = texts[key][lang];
  return values ? fill(text, values) : text;
}
