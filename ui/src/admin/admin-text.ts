// Words of the staff screen that depend on data: a visit's state, a device's kind and state, how
// long a visit has waited, and the check on a staff reason. Pure, so they are tested without a DOM.
import type { DeviceHealth } from '../../../terminal/api/schema';
import { fill, translate, type Lang } from '../i18n';

type Texts = Record<Lang, string>;

/** The open states of terminal/common/settlement-states.ts; an unknown one is shown as the core wrote it. */
const stateTexts: Record<string, Texts> = {
  'register-pending': { zh: '待挂号登记', en: 'Registration waiting' },
  'fees-pending': { zh: '待上传费用', en: 'Fees waiting' },
  'discharge-pending': { zh: '待出院登记', en: 'Discharge waiting' },
  'presettle-pending': { zh: '待预结算', en: 'Pre-settlement waiting' },
  'settle-pending': { zh: '待结算', en: 'Settlement waiting' },
  'query-pending': { zh: '待查询结算结果', en: 'Settlement outcome being checked' },
  'reversal-pending': { zh: '待冲正', en: 'Reversal waiting' },
  // In the queue these are visits with something still owed: the HIS notice, or the undo of an unpaid visit.
  settled: { zh: '已结算，待通知医院系统', en: 'Settled; hospital system not told yet' },
  cancelled: { zh: '已取消，待撤销医保登记', en: 'Cancelled; insurance registration being undone' },
  failed: { zh: '未成功，待撤销医保登记', en: 'Not paid; insurance registration being undone' },
  'needs-staff': { zh: '需人工处理', en: 'Needs staff' },
  'awaiting-confirm': { zh: '待患者确认', en: 'Awaiting the patient' },
  'cash-pending': { zh: '待付款码支付', en: 'Payment code waiting' },
  'cash-query-pending': { zh: '待查询付款结果', en: 'Payment outcome being checked' },
  'refund-pending': { zh: '待退回付款码款项', en: 'Refund to payment code waiting' },
  // A staff refund (退费) under way, or done with the hospital system not told yet.
  'refund-cancel-pending': { zh: '退费：待撤销医保结算', en: 'Refund: settlement cancel waiting' },
  'refund-query-pending': { zh: '退费：待查询撤销结果', en: 'Refund: cancel outcome being checked' },
  'refund-cash-pending': { zh: '退费：待退回付款码款项', en: 'Refund: payment code refund waiting' },
  // A credit (信用就医) debt being repaid at the kiosk by payment code.
  'repay-pending': { zh: '信用就医还款：待付款码支付', en: 'Credit repayment: payment code waiting' },
  'repay-query-pending': { zh: '信用就医还款：待查询付款结果', en: 'Credit repayment: payment outcome being checked' },
  refunded: { zh: '已退费，待通知医院系统', en: 'Refunded; hospital system not told yet' },
};

const serviceTexts: Record<string, Texts> = {
  outpatient: { zh: '门诊', en: 'Outpatient' },
  registration: { zh: '挂号', en: 'Registration' },
  discharge: { zh: '出院', en: 'Discharge' },
};

const deviceKindTexts: Record<DeviceHealth['kind'], Texts> = {
  'qr-scanner': { zh: '扫码器', en: 'QR scanner' },
  'card-reader': { zh: '社保卡读卡器', en: 'Card reader' },
  'id-card': { zh: '身份证阅读器', en: 'ID card reader' },
  camera: { zh: '摄像头', en: 'Camera' },
  printer: { zh: '打印机', en: 'Printer' },
};

const deviceStateTexts: Record<DeviceHealth['state'], Texts> = {
  ready: { zh: '就绪', en: 'Ready' },
  connecting: { zh: '连接中', en: 'Connecting' },
  error: { zh: '故障', en: 'Fault' },
  closed: { zh: '未连接', en: 'Not connected' },
};

export function stateText(lang: Lang, state: string): string {
  return stateTexts[state]?.[lang] ?? state;
}

export function serviceText(lang: Lang, service: string): string {
  return serviceTexts[service]?.[lang] ?? service;
}

export function deviceKindText(lang: Lang, kind: DeviceHealth['kind']): string {
  return deviceKindTexts[kind][lang];
}

export function deviceStateText(lang: Lang, state: DeviceHealth['state']): string {
  return deviceStateTexts[state][lang];
}

/** "42 s", "3 min", "2 h 5 min", "1 d 3 h": as precise as staff need, never more. */
export function formatAge(lang: Lang, seconds: number): string {
  const s = Math.max(0, Math.floor(seconds));
  if (s < 60) return fill(translate(lang, 'adminAgeSeconds'), { n: s });
  if (s < 3600) return fill(translate(lang, 'adminAgeMinutes'), { n: Math.floor(s / 60) });
  if (s < 86_400) return fill(translate(lang, 'adminAgeHours'), { h: Math.floor(s / 3600), m: Math.floor((s % 3600) / 60) });
  return fill(translate(lang, 'adminAgeDays'), { d: Math.floor(s / 86_400), h: Math.floor((s % 86_400) / 3600) });
}

/** The reason the core accepts (schema: trimmed, 2 to 200 characters), or null. */
export function validReason(text: string): string | null {
  const reason = text.trim();
  return reason.length >= 2 && reason.length <= 200 ? reason : null;
}

/** The PIN the core accepts (4 to 12 digits). */
export const pinLength = { min: 4, max: 12 } as const;

/** 电子哨兵: the alert panel's words, kept here rather than in i18n.ts (the panel is the only user). */
const alertTexts = {
  title: { zh: '电子哨兵（可疑使用提醒）', en: 'Sentinel: suspicious-use alerts' },
  none: { zh: '没有提醒', en: 'No alerts' },
  when: { zh: '时间', en: 'When' },
  rule: { zh: '规则', en: 'Rule' },
  subject: { zh: '人员（代号）', en: 'Person (code)' },
  what: { zh: '情况', en: 'What' },
  held: { zh: '已拦下待核对', en: 'Held for staff' },
} satisfies Record<string, Texts>;

const alertRuleTexts: Record<string, Texts> = {
  'rapid-repeat': { zh: '短时间内多次结算', en: 'Settling repeatedly in a short time' },
  'identity-mismatch': { zh: '人证不符', en: 'Card or face does not match' },
  'negotiated-drug': { zh: '谈判药数量超限', en: 'Negotiated drug above the quantity' },
  'family-payer': { zh: '共济账户为多人支付', en: 'Family account paying for many people' },
  'offline-cluster': { zh: '脱机记账集中', en: 'Offline captures piling up' },
};

export function alertText(lang: Lang, key: keyof typeof alertTexts): string {
  return alertTexts[key][lang];
}

export function alertRuleText(lang: Lang, rule: string): string {
  return alertRuleTexts[rule]?.[lang] ?? rule;
}

// The names the alert rules (terminal/staff/alerts.ts) give their counts; a key not here shows as sent.
const alertDetailLabels: Record<string, Record<Lang, string>> = {
  visits: { zh: '结算次数', en: 'visits' },
  services: { zh: '业务', en: 'services' },
  windowMinutes: { zh: '时间窗(分钟)', en: 'window (min)' },
  windowHours: { zh: '时间窗(小时)', en: 'window (h)' },
  threshold: { zh: '阈值', en: 'threshold' },
  lines: { zh: '超量项目', en: 'lines' },
  quantity: { zh: '数量', en: 'quantity' },
  people: { zh: '受益人数', en: 'people' },
  kind: { zh: '类型', en: 'kind' },
  count: { zh: '次数', en: 'count' },
  captures: { zh: '脱机记账笔数', en: 'offline captures' },
};

/** An alert's detail as one line in the screen's language: its counts against the threshold, in the rule's order. */
export function alertDetailText(lang: Lang, detail: Record<string, string | number | boolean>): string {
  return Object.entries(detail)
    .map(([k, v]) => `${alertDetailLabels[k]?.[lang] ?? k} ${String(v)}`)
    .join(' · ');
}
