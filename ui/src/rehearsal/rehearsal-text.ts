// Words of the rehearsal panel (embedded simulators only): staff-facing, kept apart from the
// patient's screens' table so the two grow without stepping on each other.
import { fill, type Lang } from '../i18n';
import type { ServiceKind } from '../../../terminal/api/schema';
import { formatFen } from '../money';

const texts = {
  title: { zh: '演练（模拟平台和医院系统）', en: 'Rehearsal (simulated platform and HIS)' },
  person: { zh: '演示人员', en: 'Demo person' },
  presentHint: { zh: '患者屏幕在“请出示医保码”这一步时可出示凭证', en: 'Credentials can be presented while the screen asks for them' },
  presentEcQr: { zh: '出示医保码', en: 'Show 医保码' },
  presentSsCard: { zh: '插社保卡', en: 'Insert social security card' },
  presentIdCard: { zh: '放身份证', en: 'Place ID card' },
  newBill: { zh: '开新费用单：', en: 'New HIS bill:' },
  reset: { zh: '重置演示数据', en: 'Reset demo data' },
  issued: { zh: '已开出 {billId}，{amount}', en: 'Issued {billId}, {amount}' },
  issuedBed: { zh: '已开出 {billId}，{amount}，{bed} 床（床旁结算列表）', en: 'Issued {billId}, {amount}, bed {bed} (bedside list)' },
  reissued: { zh: '已重置：{count} 张演示费用单重新开出，模拟故障已关闭', en: 'Reset: {count} demo bills issued again, simulated faults off' },
  presented: { zh: '已出示', en: 'Presented' },
  open: { zh: '显示演练面板', en: 'Show rehearsal panel' },
  close: { zh: '收起演练面板', en: 'Hide rehearsal panel' },
} satisfies Record<string, Record<Lang, string>>;

export type RehearsalTextKey = keyof typeof texts;

export function rehearsalText(lang: Lang, key: RehearsalTextKey, values?: Record<string, string | number>): string {
  const text = texts[key][lang];
  return values ? fill(text, values) : text;
}

const kindTexts: Record<ServiceKind, Record<Lang, string>> = {
  registration: { zh: '挂号', en: 'Registration' },
  outpatient: { zh: '门诊', en: 'Outpatient' },
  discharge: { zh: '出院', en: 'Discharge' },
};
export const billKindText = (lang: Lang, kind: ServiceKind): string => kindTexts[kind][lang];

/** The line after a new bill: its number, amount and, for a discharge, the bed the nurse will see. */
export function issuedText(lang: Lang, issued: { billId: string; totalFen: number; bed: string | null }): string {
  const values = { billId: issued.billId, amount: formatFen(issued.totalFen), bed: issued.bed ?? '' };
  return rehearsalText(lang, issued.bed ? 'issuedBed' : 'issued', values);
}
