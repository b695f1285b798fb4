// The vendor-library interfaces the bridge knows: their C prototypes (as koffi reads them), the
// request each call takes, and a pure parser per interface that turns what the library wrote into
// typed results. Pure: bytes in, results out, never a throw on library output, so it is fuzzed.
//
// read-card-bas: the social security card reader interface of the card-reader standard,
//   long ReadCardBas(char *pOutBuff, int nOutBuffLen, char *pSignBuff, int nSignBuffLen)
//   0 and pOutBuff = 发卡地区行政区划代码|社会保障号码|卡号|卡识别码|姓名|卡复位信息|规范版本|发卡日期|
//   卡有效期|终端机编号|终端设备号| (GBK), the same text the serial reader's base info carries.
// ec-query: the e-voucher decode of the medical-insurance baseline interface (1.14.6),
//   long EcQuery(char *pInData, char *pOutData)
// ec-trans: the national e-voucher library's single entry point (NationEcTrans-style),
//   long NationEcTrans(char *strUrl, char *pInData, char *pOutData)
//   Both take the ec.query JSON (transType cn.nhsa.ec.auth on certified face terminals: 刷脸) and
//   answer {"code":0,"message":"...","data":{"ecToken":..,"idNo":..,"idType":..,"userName":..,"insuOrg":..}}.
import iconv from 'iconv-lite';
import { parseCardBaseInfo, type SocialSecurityCard } from '../card-reader/codec';

import type { VendorInterface } from './interface-names';

export { VENDOR_INTERFACES, type VendorInterface } from './interface-names';
export type VendorEncoding = 'gbk' | 'utf-8';

/** Output buffer sizes the vendors' documents ask for (1024 for card data, 8192 for e-voucher JSON). */
export const CARD_OUT_BYTES = 1024;
export const CARD_SIGN_BYTES = 8192;
export const EC_OUT_BYTES = 8192;

/**
 * The koffi prototype of an interface's entry point. `long` is the platform's C long, as the vendor
 * headers declare it; __stdcall is what WINAPI means on 32-bit Windows and is ignored elsewhere.
 * Strings are `void *` so the worker passes its own buffers (GBK in, bytes out) untouched.
 */
export function prototypeOf(iface: VendorInterface, symbol: string): string {
  switch (iface) {
    case 'read-card-bas':
      return `long __stdcall ${symbol}(void *pOutBuff, int nOutBuffLen, void *pSignBuff, int nSignBuffLen)`;
    case 'ec-query':
      return `long __stdcall ${symbol}(void *pInData, void *pOutData)`;
    case 'ec-trans':
      return `long __stdcall ${symbol}(void *strUrl, void *pInData, void *pOutData)`;
  }
}

export function defaultSymbol(iface: VendorInterface): string {
  return iface === 'read-card-bas' ? 'ReadCardBas' : iface === 'ec-query' ? 'EcQuery' : 'NationEcTrans';
}

/** What the e-voucher call asks for: the institution and the use of the code (用码业务类型). */
export interface EcRequest {
  orgId: string;
  businessType: string;
  operatorId: string;
  operatorName: string;
  officeId: string;
  officeName: string;
  deviceType: string;
  /** ec.query (the library reads a 医保码 on its own scanner) or cn.nhsa.ec.auth (a face capture). */
  transType: string;
}

/** The ec.query input JSON, as the platform's own decode service takes it (without a qrCode: the library scans it). */
export function ecInData(req: EcRequest): string {
  const { transType, ...data } = req;
  return JSON.stringify({ data, orgId: req.orgId, transType });
}

export interface EcVoucher {
  ecToken: string;
  idNo: string;
  /** 证件类型; 01 (居民身份证) when the library leaves it out. */
  idType: string;
  userName: string;
  /** 参保地 area code, when the library gives it. */
  insuOrg: string;
}

export type VendorFailure =
  /** The library answered, but not in its interface's shape: the device is at fault, not the patient. */
  | { type: 'error'; code: 'bad-output'; detail: string }
  /** The library said no (no card on the reader, a code expired or refused): the patient can try again. */
  | { type: 'refused'; rc: string; detail: string };

export type CardResult = { type: 'card'; card: SocialSecurityCard } | VendorFailure;
export type EcResult = { type: 'ec-voucher'; voucher: EcVoucher } | VendorFailure;

/** The text a library wrote into a C buffer: up to its NUL (a full buffer without one is cut, not read past). */
export function cString(bytes: Uint8Array): { bytes: Uint8Array; terminated: boolean } {
  const end = bytes.indexOf(0);
  return end < 0 ? { bytes, terminated: false } : { bytes: bytes.subarray(0, end), terminated: true };
}

export function decodeText(bytes: Uint8Array, encoding: VendorEncoding): string {
  return iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding);
}

export function encodeText(text: string, encoding: VendorEncoding): Buffer {
  return iconv.encode(text, encoding);
}

/**
 * ReadCardBas: rc 0 and the card's fields, or the library's refusal (no card, card error; the
 * codes are the vendor's). Details never carry the card's data: they go to health and logs.
 */
export function parseReadCardBas(rc: number, out: Uint8Array): CardResult {
  if (rc !== 0) return { type: 'refused', rc: String(rc), detail: `ReadCardBas returned ${rc}` };
  const text = cString(out);
  if (!text.terminated) return { type: 'error', code: 'bad-output', detail: 'card data fills the buffer without an end' };
  if (text.bytes.length === 0) return { type: 'error', code: 'bad-output', detail: 'card data is empty' };
  // The serial reader's base info is the same text: one parser for both paths.
  const card = parseCardBaseInfo(text.bytes);
  if ('type' in card) return { type: 'error', code: 'bad-output', detail: card.detail };
  return { type: 'card', card };
}

const MAX_TOKEN = 256;

/**
 * EcQuery / NationEcTrans: the JSON answer's code 0 and its data, or the platform's refusal
 * (code and message, e.g. an expired code). Some libraries give code as a string, some put the
 * answer's fields straight in the data object, some return rc 0 with a non-zero code: all handled.
 */
export function parseEcQuery(rc: number, out: Uint8Array, encoding: VendorEncoding): EcResult {
  const bad = (detail: string): VendorFailure => ({ type: 'error', code: 'bad-output', detail });
  const text = cString(out);
  if (!text.terminated) return bad('answer fills the buffer without an end');
  const raw = decodeText(text.bytes, encoding).trim();
  if (raw === '') return rc === 0 ? bad('answer is empty') : { type: 'refused', rc: String(rc), detail: `e-voucher call returned ${rc}` };
  if (raw.includes('\ufffd')) return bad(`answer is not ${encoding}`);
  let json: unknown;
  try {
    json = JSON.parse(raw);
  } catch {
    return rc === 0 ? bad('answer is not JSON') : { type: 'refused', rc: String(rc), detail: `e-voucher call returned ${rc}` };
  }
  if (!isRecord(json)) return bad('answer is not a JSON object');
  const code = typeof json['code'] === 'number' || typeof json['code'] === 'string' ? String(json['code']) : undefined;
  const message = typeof json['message'] === 'string' ? json['message'].slice(0, 120) : '';
  if (code === undefined) return bad('answer has no code');
  // The platform's message says why (过期, 已使用): kept so the patient is told the right thing.
  if (code !== '0' || rc !== 0) return { type: 'refused', rc: code !== '0' ? code : String(rc), detail: message || `e-voucher call returned ${rc}` };
  const data = json['data'];
  if (!isRecord(data)) return bad('answer has no data');
  const field = (name: string) => (typeof data[name] === 'string' ? (data[name] as string).trim() : '');
  const voucher: EcVoucher = { ecToken: field('ecToken'), idNo: field('idNo'), idType: field('idType') || '01', userName: field('userName'), insuOrg: field('insuOrg') };
  // Details name the field, never its value.
  if (voucher.ecToken === '' || voucher.ecToken.length > MAX_TOKEN || !/^[\x21-\x7e]+$/.test(voucher.ecToken)) return bad('ecToken missing or malformed');
  if (voucher.idType === '01' && !/^\d{17}[\dX]$/.test(voucher.idNo)) return bad('idNo malformed');
  if (voucher.idNo === '' || voucher.idNo.length > 64) return bad('idNo missing or malformed');
  if (voucher.userName === '' || voucher.userName.length > 64) return bad('userName missing or malformed');
  if (voucher.insuOrg !== '' && !/^\d{6}$/.test(voucher.insuOrg)) return bad('insuOrg is not an area code');
  return { type: 'ec-voucher', voucher };
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
