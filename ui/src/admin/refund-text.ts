// Words of the staff screen's refund (退费) and credit-repaid (标记已还款) actions, kept apart from
// i18n.ts so the two tables grow without stepping on each other. The reasons are the core's own list
// (terminal/common/refund-reasons.ts): the Chinese label is the core's, the English one is here.
import type { CreditRepaidReason, RefundReason } from '../../../terminal/common/refund-reasons';
import { creditRepaidReasons, refundReasons } from '../../../terminal/common/refund-reasons';
import { fill, type Lang } from '../i18n';
import { stateText } from './admin-text';

type Texts = Record<Lang, string>;

const texts = {
  settledTitle: { zh: '今日已结算业务', en: "Today's settled visits" },
  settledNone: { zh: '今天还没有结算的业务', en: 'Nothing settled today yet' },
  settledAt: { zh: '结算时间', en: 'Settled at' },
  bill: { zh: '费用单', en: 'Bill' },
  cash: { zh: '个人自付', en: 'Self-paid' },
  total: { zh: '总金额', en: 'Total' },
  state: { zh: '状态', en: 'State' },
  actions: { zh: '操作', en: 'Actions' },
  refund: { zh: '退费', en: 'Refund' },
  creditRepaid: { zh: '标记已还款', en: 'Mark repaid' },
  chooseReason: { zh: '请选择原因（将记入操作日志）', en: 'Choose a reason (kept in the audit log)' },
  refundWarn: {
    zh: '将撤销该笔医保结算，自付部分按原支付方式退回；接有打印机时打印退费凭证。',
    en: 'The insurance settlement is cancelled and the self-paid part goes back the way it was paid; a refund slip is printed where a printer is fitted.',
  },
  repaidWarn: { zh: '患者已在其他渠道还清这笔信用就医欠款。', en: 'The patient has settled this credit debt elsewhere.' },
  back: { zh: '返回', en: 'Back' },
  confirmRefund: { zh: '确认退费', en: 'Refund' },
  confirmRepaid: { zh: '确认已还款', en: 'Mark repaid' },
  refundDone: { zh: '退费完成：医保结算已撤销，自付部分按原支付方式退回。', en: 'Refunded: the settlement is cancelled and the self-paid part goes back the way it was paid.' },
  refundPending: {
    zh: '退费处理中：{state}。终端会继续处理，请稍后刷新。',
    en: 'Refund under way: {state}. The terminal carries on; refresh later.',
  },
  refundRefused: { zh: '退费未完成：{why}', en: 'Refund not done: {why}' },
  repaidDone: { zh: '已标记还款，信用额度已释放。', en: 'Marked repaid; the credit limit is freed.' },
  repaidRefused: { zh: '未能标记还款：{why}', en: 'Not marked repaid: {why}' },
} satisfies Record<string, Texts>;

export type RefundTextKey = keyof typeof texts;

export function refundText(lang: Lang, key: RefundTextKey, values?: Record<string, string | number>): string {
  const text = texts[key][lang];
  return values ? fill(text, values) : text;
}

const refundReasonEn: Record<RefundReason, string> = {
  'patient-request': 'Patient asked for a refund',
  'wrong-bill': 'Wrong items on the bill',
  'duplicate-payment': 'Paid twice',
  'order-cancelled': 'Order cancelled or not carried out',
  'wrong-insurance': 'Insurance details wrong; settle again',
};

const creditRepaidReasonEn: Record<CreditRepaidReason, string> = {
  'paid-at-cashier': 'Paid at the cashier',
  'paid-online': 'Paid online',
  'written-off': 'Written off by the hospital',
};

export function refundReasonText(lang: Lang, reason: RefundReason): string {
  return lang === 'zh' ? refundReasons[reason] : refundReasonEn[reason];
}

export function creditRepaidReasonText(lang: Lang, reason: CreditRepaidReason): string {
  return lang === 'zh' ? creditRepaidReasons[reason] : creditRepaidReasonEn[reason];
}

/** A settled visit's state as the list shows it: done ones plainly, the rest as the queue names them. */
export function settledStateText(lang: Lang, state: string): string {
  if (state === 'closed') return lang === 'zh' ? '已结算' : 'Settled';
  if (state === 'refunded') return lang === 'zh' ? '已退费' : 'Refunded';
  return stateText(lang, state);
}

/**
 * Why the core refused, in words: its refusals are English sentences for logs (engine.ts,
 * staff-actions.ts, settlements.ts), so the known ones are named here and any other is shown as sent.
 */
export function refusalText(lang: Lang, message: string | undefined): string {
  const m = message ?? '';
  const known: Array<[RegExp, Texts]> = [
    [/^a refund(ed|-[a-z-]+) visit cannot be refunded/, { zh: '这笔业务已退费或正在退费', en: 'this visit is refunded or being refunded' }],
    [/visit cannot be refunded/, { zh: '这笔业务当前状态不能退费', en: 'this visit cannot be refunded in its present state' }],
    [/no platform settlement to cancel/, { zh: '这笔业务没有可撤销的医保结算', en: 'the visit has no insurance settlement to cancel' }],
    [/^no such visit/, { zh: '找不到这笔业务', en: 'no such visit' }],
    [/no outstanding credit debt/, { zh: '这笔业务没有未还的信用就医欠款', en: 'the visit has no outstanding credit debt' }],
    [/expected one of/, { zh: '业务状态刚刚变化，请刷新后再试', en: 'the visit changed meanwhile; refresh and try again' }],
  ];
  const hit = known.find(([re]) => re.test(m));
  return hit ? hit[1][lang] : m;
}
