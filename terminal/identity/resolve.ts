// From a credential to an insured person: a 医保码 payload is decoded by the platform's e-voucher
// service into a token, then the person query (1101) says who is insured where, and how.
import type { PlatformClient } from '../insurance/client';
import { tx1101 } from '../insurance/transactions';
import { yuanToFen } from '../common/money';
import { formatWireTime } from '../insurance/msgid';
import type { Journal } from '../journal/journal';
import type { VisitPerson } from '../common/person';
import { callThroughOutbox } from '../outbox/outbox-send';

export type IdentifyResult =
  /** `offline`: found in this terminal's own records because the platform could not be reached. */
  | { kind: 'ok'; person: VisitPerson; offline?: boolean }
  | { kind: 'refused'; code: 'qr-invalid' | 'qr-expired' | 'qr-used' | 'not-insured' | 'insurance-suspended' | 'person-not-found' | 'card-mismatch'; detail: string }
  | { kind: 'unreachable'; detail: string };

export interface IdentityOptions {
  journal: Journal;
  platform: PlatformClient;
  ecBusinessType: string;
  ecDeviceType: string;
  now?: () => Date;
}

/** psn_insu_stas 1: 正常参保 (insured and paying). Anything else cannot settle. */
const ACTIVE = '1';

export async function identifyByEcQr(options: IdentityOptions, payload: string): Promise<IdentifyResult> {
  const decoded = await options.platform.decodeEcQr({ qrCode: payload, businessType: options.ecBusinessType, deviceType: options.ecDeviceType });
  if (decoded.kind === 'unknown') return { kind: 'unreachable', detail: `${decoded.reason}: ${decoded.detail}` };
  if (decoded.kind === 'rejected') return { kind: 'refused', code: classifyQrRefusal(decoded.message), detail: decoded.message };
  const ec = decoded.person;
  return queryPerson(options, { certType: '01', certNo: ec.ecToken, idType: ec.idType || '01', idNo: ec.idNo, name: ec.userName });
}

/**
 * By an e-voucher a certified vendor library already decoded (its EcQuery / NationEcTrans: a 医保码
 * on its own scanner, or a face capture on a certified face terminal): the token is the credential
 * (mdtrt_cert_type 01) as the platform's decode would give it, so the decode is skipped. The
 * library's own idNo and userName must be the person the platform answers for, as a card's are.
 */
export async function identifyByEcToken(options: IdentityOptions, voucher: { ecToken: string; idNo: string; idType: string; userName: string }): Promise<IdentifyResult> {
  if (!voucher.ecToken) return { kind: 'refused', code: 'qr-invalid', detail: 'the vendor library gave no token' };
  return queryPerson(options, { certType: '01', certNo: voucher.ecToken, idType: voucher.idType || '01', idNo: voucher.idNo, name: voucher.userName }, { checkHolder: true });
}

/**
 * By ID card: the card in the reader is the credential (mdtrt_cert_type 02). When the platform
 * cannot be reached, a person this terminal verified before is found in its sealed cache, so the
 * visit can be taken offline; anyone else is refused.
 */
export async function identifyByIdCard(options: IdentityOptions & { personCacheMaxAgeMs: number }, card: { idNo: string; name: string }): Promise<IdentifyResult> {
  const online = await queryPerson(options, { certType: '02', certNo: card.idNo, idType: '01', idNo: card.idNo, name: card.name });
  if (online.kind !== 'unreachable') return online;
  const cached = options.journal.cachedPerson<VisitPerson>(card.idNo);
  const now = (options.now ?? (() => new Date()))().getTime();
  if (!cached || now - Date.parse(cached.cachedAt) > options.personCacheMaxAgeMs) return online;
  return { kind: 'ok', person: { ...cached.person, certType: '02', certNo: card.idNo, cardSn: '' }, offline: true };
}

/**
 * By social security card (mdtrt_cert_type 03): the card number is the credential and its serial
 * (卡识别码) goes with it, because the platform checks the serial against the card it issued (a
 * number alone is printed on the card face). Online only: that check needs the platform.
 */
export async function identifyBySsCard(options: IdentityOptions, card: { cardNo: string; cardSn: string; idNo: string; name: string }): Promise<IdentifyResult> {
  return queryPerson(options, { certType: '03', certNo: card.cardNo, cardSn: card.cardSn, idType: '01', idNo: card.idNo, name: card.name });
}

async function queryPerson(
  options: IdentityOptions,
  cred: { certType: '01' | '02' | '03'; certNo: string; cardSn?: string; idType: string; idNo: string; name: string },
  check: { checkHolder?: boolean } = {},
): Promise<IdentifyResult> {
  const now = (options.now ?? (() => new Date()))();
  const outcome = await callThroughOutbox(options.journal, options.platform, {
    step: 'person-query',
    infno: '1101',
    input: {
      data: {
        mdtrt_cert_type: cred.certType,
        mdtrt_cert_no: cred.certNo,
        card_sn: cred.cardSn ?? '',
        begntime: formatWireTime(now),
        psn_cert_type: cred.idType,
        certno: cred.idNo,
        psn_name: cred.name,
      },
    },
  });
  if (outcome.kind === 'unknown') return { kind: 'unreachable', detail: `${outcome.reason}: ${outcome.detail}` };
  if (outcome.kind === 'rejected') return { kind: 'refused', code: 'person-not-found', detail: outcome.errMsg };
  const parsed = tx1101.output.safeParse(outcome.output);
  if (!parsed.success) return { kind: 'unreachable', detail: 'person query answer is malformed' };
  const { baseinfo, insuinfo } = parsed.data;
  // A card read wrong (a worn ID card whose flipped bits keep every checksum) names someone else: the
  // platform then answers for that person. The card's own name and number must be the person's; so
  // must a vendor library's, which names the holder beside the token it decoded (a platform decode
  // of our own names no one of its own, so there is nothing to compare).
  if ((cred.certType !== '01' || check.checkHolder) && !samePerson(cred, baseinfo)) {
    return { kind: 'refused', code: 'card-mismatch', detail: 'the credential read does not match the person the platform found (name or ID number differ)' };
  }
  if (insuinfo.length === 0) return { kind: 'refused', code: 'not-insured', detail: 'no insurance record' };
  const active = insuinfo.find((i) => i.psn_insu_stas === ACTIVE);
  if (!active) return { kind: 'refused', code: 'insurance-suspended', detail: 'insurance is suspended' };
  const person: VisitPerson = {
      psnNo: baseinfo.psn_no,
      insutype: active.insutype,
      insuplcAdmdvs: active.insuplc_admdvs,
      certType: cred.certType,
      certNo: cred.certNo,
      cardSn: cred.cardSn ?? '',
      idNo: baseinfo.certno,
      name: baseinfo.psn_name,
      gender: baseinfo.gend === '1' ? 'male' : baseinfo.gend === '2' ? 'female' : 'unknown',
      birthday: baseinfo.brdy,
      balanceFen: yuanToFen(active.balc),
      familyPayers: (parsed.data.acct_mulaid_psns ?? []).map((x) => ({ psnNo: x.psn_no, maskedName: maskName(x.psn_name) })),
      coverages: insuinfo.filter((i) => i.psn_insu_stas === ACTIVE).map((i) => i.insutype),
  };
  options.journal.cachePerson(person.idNo, person);
  return { kind: 'ok', person };
}

/** 生育 med_types: 51 outpatient, 52 inpatient, 53 family-planning operations. */
const MATERNITY_MED_TYPES = new Set(['51', '52', '53']);

/**
 * 就医一卡通: the insutype a bill is settled under, on the same card. A maternity bill (med_type 5x)
 * goes to 生育 (510) and a bill the HIS registered as 工伤 (insutype 410) to the work-injury fund,
 * when the person holds that coverage; anything else stays on the person's main insutype.
 */
export function benefitFor(person: VisitPerson, bill: { medType: string; insutype?: string }): VisitPerson {
  const holds = (insutype: string) => (person.coverages ?? []).includes(insutype);
  if (bill.insutype && bill.insutype !== person.insutype && holds(bill.insutype)) return { ...person, insutype: bill.insutype };
  if (MATERNITY_MED_TYPES.has(bill.medType) && holds('510')) return { ...person, insutype: '510' };
  return person;
}

/** Names compared without spaces (cards pad, some readers add them); the ID number's X in either case. */
function samePerson(card: { idNo: string; name: string }, found: { certno: string; psn_name: string }): boolean {
  const name = (s: string) => s.replace(/\s+/gu, '');
  return card.idNo.toUpperCase() === found.certno.toUpperCase() && name(card.name) === name(found.psn_name);
}

function classifyQrRefusal(message: string): 'qr-invalid' | 'qr-expired' | 'qr-used' {
  if (/过期|失效|expired/i.test(message)) return 'qr-expired';
  if (/已使用|重复|used|replay/i.test(message)) return 'qr-used';
  return 'qr-invalid';
}

/** Age in whole years on a date, from a yyyy-MM-dd birthday. */
export function ageOn(birthday: string, on: Date): number {
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(birthday);
  if (!m) return 0;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  let age = on.getFullYear() - y;
  if (on.getMonth() + 1 < mo || (on.getMonth() + 1 === mo && on.getDate() < d)) age--;
  return Math.max(0, age);
}

/** 张三丰 -> 张*丰, 李四 -> 李*: enough for a patient to recognise, not enough to identify. */
export function maskName(name: string): string {
  const chars = [...name];
  if (chars.length <= 1) return '*';
  if (chars.length === 2) return `${chars[0]}*`;
  return `${chars[0]}${'*'.repeat(chars.length - 2)}${chars[chars.length - 1]}`;
}
