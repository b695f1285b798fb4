// 医保移动支付 / 一码付: the second family of platform transactions (6201 fee upload, 6202 pay order,
// 6203 refund, 6301 order query, 6401 revoke). They do not travel in the callService envelope: each
// goes to its own path as {appId, encType "SM4", signType "SM2", version, timestamp, encData,
// signData}, the data SM4-ECB encrypted under a key derived from appId and appSecret and signed with
// SM2 over the sorted k=v string (INSURANCE-API.md). The client answers with the same CallOutcome as
// callService, so the journal's outbox and the settlement engine carry these calls unchanged.
// What is not public (exact paths, key derivation, what is signed) is the simulator's convention,
// recorded in terminal/insurance/README.md.
import { z } from 'zod';
import { nonZeroOutcome, type CallOutcome, type PlatformClient, type PlatformCall } from './client';
import { sm2Sign, sm2Verify, SM2_DEFAULT_ID, type Sm2Keys } from './sm2';
import { sm4EcbDecrypt, sm4EcbEncrypt } from './sm4';
import { WireYuan } from './transactions';
import type { ResponseEnvelope } from './envelope';
import { InvalidInputError, type TypedOutcome } from './transactions-client';

export const MOBILE_PAY_PATHS = {
  '6201': '/org/local/api/hos/uldFeeInfo',
  '6202': '/org/local/api/hos/pay_order',
  '6203': '/org/local/api/hos/refund_Order',
  '6301': '/org/local/api/hos/query_order_info',
  '6401': '/org/local/api/hos/revoke_order',
} as const;
export type MobilePayInfno = keyof typeof MOBILE_PAY_PATHS;
export const isMobilePayInfno = (infno: string): infno is MobilePayInfno => infno in MOBILE_PAY_PATHS;

/**
 * ordStas as the simulator uses them (a subset of the spec's list): 0 uploaded and unpaid, 6 paid
 * (结算完成), 7 refunded, 12 revoked, 15 payment failed.
 */
export const ORDER_PAID = '6';
export const ORDER_UNPAID = '0';

const str = z.string();
const req = z.string().min(1, 'must not be empty');
const optStr = z.string().nullish();

const FeeLine = z.object({ feedetlSn: req, medListCodg: req, detItemFeeSumamt: WireYuan, cnt: z.union([z.number(), z.string()]), pric: WireYuan });

// Identity is the e-voucher token (ecToken) or the payment authorisation code (payAuthNo): one of them.
const Payer = { ecToken: optStr, payAuthNo: optStr };
const hasPayer = (d: { ecToken?: string | null; payAuthNo?: string | null }) => Boolean(d.ecToken) || Boolean(d.payAuthNo);

export const tx6201 = {
  input: z
    .object({
      orgCodg: req,
      /** The institution's own order number: a second upload with it returns the same order. */
      medOrgOrd: req,
      psnNo: optStr,
      insutype: optStr,
      mdtrtId: optStr,
      medType: optStr,
      chrgBchno: optStr,
      feeSumamt: WireYuan,
      ...Payer,
      feedetailList: z.array(FeeLine).min(1),
    })
    .refine(hasPayer, { message: 'ecToken or payAuthNo is required', path: ['payAuthNo'] }),
  output: z.looseObject({ payOrdId: req, payToken: req, ordStas: str, feeSumamt: WireYuan, ownPayAmt: WireYuan, psnAcctPay: WireYuan, fundPay: WireYuan }),
};
const OrderAmounts = { feeSumamt: WireYuan, ownPayAmt: WireYuan, psnAcctPay: WireYuan, fundPay: WireYuan, acctMulaidPay: WireYuan.nullish() };
export const tx6202 = {
  input: z.object({ orgCodg: req, payOrdId: req, payToken: req, orgBizSer: req, ...Payer }).refine(hasPayer, { message: 'ecToken or payAuthNo is required', path: ['payAuthNo'] }),
  output: z.looseObject({ payOrdId: req, ordStas: str, ...OrderAmounts, traceTime: optStr }),
};
export const tx6301 = {
  input: z.object({ orgCodg: req, payOrdId: req, payToken: req }),
  output: z.looseObject({ payOrdId: req, medOrgOrd: str, ordStas: str, ...OrderAmounts, traceTime: optStr }),
};
export const tx6203 = {
  input: z.object({
    payOrdId: req,
    /** The terminal's refund serial: the same serial twice is one refund. */
    appRefdSn: req,
    appRefdTime: req,
    totlRefdAmt: WireYuan,
    psnAcctRefdAmt: WireYuan,
    fundRefdAmt: WireYuan,
    cashRefdAmt: WireYuan,
    refdType: z.enum(['ALL', 'CASH', 'HI']),
    ...Payer,
  }),
  output: z.looseObject({ appRefdSn: req, trxId: str, trxTime: optStr, refdResult: z.enum(['SUCC', 'FAIL']) }),
};
export const tx6401 = {
  input: z.object({ orgCodg: req, payOrdId: req, payToken: req }),
  output: z.looseObject({ payOrdId: req, ordStas: str }),
};

export const mobilePaySchemas: Record<MobilePayInfno, { input: z.ZodType; output: z.ZodType }> = {
  '6201': tx6201,
  '6202': tx6202,
  '6203': tx6203,
  '6301': tx6301,
  '6401': tx6401,
};

export interface MobilePayBody {
  appId: string;
  encType: 'SM4';
  signType: 'SM2';
  version: string;
  timestamp: string;
  encData: string;
  signData: string;
}
export const MobilePayBodySchema = z.object({
  appId: req,
  encType: z.literal('SM4'),
  signType: z.literal('SM2'),
  version: str,
  timestamp: str,
  encData: z.string().regex(/^[0-9A-Fa-f]*$/),
  signData: str,
});
/** What comes back: code 0 with an encrypted, signed body, or a refusal with a message only. */
export const MobilePayAnswerSchema = z.looseObject({
  code: z.union([z.number().int(), z.string().regex(/^-?\d+$/).transform(Number)]),
  message: z.string().nullish(),
  appId: optStr,
  timestamp: optStr,
  encData: optStr,
  signData: optStr,
});

/**
 * The data key: SM4-ECB of appSecret under the first 16 bytes of appId (zero-padded), first 16
 * bytes. Uncertain: the spec's rule is not public; this is the form public HIS code describes most
 * often, and the simulator's convention until a province's rule is known.
 */
export function deriveDataKey(appId: string, appSecret: string): Buffer {
  const idKey = Buffer.alloc(16);
  Buffer.from(appId, 'utf8').copy(idKey, 0, 0, 16);
  return sm4EcbEncrypt(idKey, Buffer.from(appSecret, 'utf8')).subarray(0, 16);
}

/** The text that is signed: every non-empty field but the signature, data as its JSON, sorted by key. */
export function signingText(fields: Record<string, string>): string {
  return Object.keys(fields)
    .filter((k) => k !== 'signData' && k !== 'encData' && fields[k] !== '')
    .sort()
    .map((k) => `${k}=${fields[k]}`)
    .join('&');
}

export interface MobilePayCrypto {
  appId: string;
  appSecret: string;
  version?: string;
  /** This side's SM2 key, to sign. */
  signKeys: Sm2Keys;
  /** The other side's SM2 public point, to check what comes back; unchecked when absent. */
  peerPublic?: Sm2Keys['pub'];
  sm2UserId?: string;
}

export function sealMobilePayBody(data: unknown, c: MobilePayCrypto, at: Date): MobilePayBody {
  const json = JSON.stringify(data);
  const head = { appId: c.appId, encType: 'SM4' as const, signType: 'SM2' as const, version: c.version ?? '1.0.0', timestamp: String(at.getTime()) };
  const encData = sm4EcbEncrypt(deriveDataKey(c.appId, c.appSecret), Buffer.from(json, 'utf8')).toString('hex').toUpperCase();
  const signature = sm2Sign(Buffer.from(signingText({ ...head, data: json }), 'utf8'), c.signKeys, c.sm2UserId ?? SM2_DEFAULT_ID);
  return { ...head, encData, signData: Buffer.from(signature, 'hex').toString('base64') };
}

export type OpenedBody = { ok: true; data: unknown } | { ok: false; reason: string };

/** Decrypts encData and, when the peer's key is known, checks signData over the decrypted data. */
export function openMobilePayBody(body: { appId?: string | null; encData?: string | null; signData?: string | null } & Record<string, unknown>, c: Pick<MobilePayCrypto, 'appId' | 'appSecret' | 'peerPublic' | 'sm2UserId'>): OpenedBody {
  if (!body.encData) return { ok: false, reason: 'no encData' };
  let json: string;
  try {
    json = sm4EcbDecrypt(deriveDataKey(c.appId, c.appSecret), Buffer.from(body.encData, 'hex')).toString('utf8');
  } catch {
    return { ok: false, reason: 'encData does not decrypt under this appId/appSecret' };
  }
  if (c.peerPublic) {
    const fields: Record<string, string> = { data: json };
    for (const k of ['appId', 'encType', 'signType', 'version', 'timestamp'] as const) if (typeof body[k] === 'string') fields[k] = body[k];
    const sig = Buffer.from(String(body.signData ?? ''), 'base64').toString('hex');
    if (!sm2Verify(Buffer.from(signingText(fields), 'utf8'), sig, c.peerPublic, c.sm2UserId ?? SM2_DEFAULT_ID)) return { ok: false, reason: 'signData does not verify' };
  }
  try {
    return { ok: true, data: JSON.parse(json) as unknown };
  } catch {
    return { ok: false, reason: 'decrypted data is not JSON' };
  }
}

export interface MobilePayClient {
  call(infno: MobilePayInfno, data: unknown): Promise<CallOutcome>;
}

export function createMobilePayClient(opts: MobilePayCrypto & { baseUrl: string; timeoutMs: number; now?: () => Date; orgCodg?: string }): MobilePayClient {
  const base = opts.baseUrl.replace(/\/+$/, '');
  const now = opts.now ?? (() => new Date());
  return {
    async call(infno, given) {
      // The institution code is the terminal's, as fixmedins_code is in callService's envelope: the
      // settlement engine builds its calls without it.
      const data = opts.orgCodg && given && typeof given === 'object' && !('orgCodg' in given) ? { ...given, orgCodg: opts.orgCodg } : given;
      const checked = mobilePaySchemas[infno].input.safeParse(data);
      // A bad input is the caller's bug: thrown before anything is sent, as for callService.
      if (!checked.success) throw new InvalidInputError(infno, z.prettifyError(checked.error));
      const body = JSON.stringify(sealMobilePayBody(data, opts, now()));
      const signal = AbortSignal.timeout(opts.timeoutMs);
      let status: number;
      let text: string;
      try {
        const res = await fetch(base + MOBILE_PAY_PATHS[infno], { method: 'POST', headers: { 'content-type': 'application/json; charset=utf-8' }, body, signal });
        status = res.status;
        text = await res.text();
      } catch (err) {
        if (signal.aborted) return { kind: 'unknown', reason: 'timeout', detail: `no complete answer within ${opts.timeoutMs} ms`, rawResponse: null };
        return { kind: 'unknown', reason: 'connection', detail: err instanceof Error ? err.message : String(err), rawResponse: null };
      }
      return classifyMobilePayAnswer(infno, status, text, opts);
    },
  };
}

/** Sorts an answer like callService's: refused, ok, or unknown when it cannot be read or trusted. */
export function classifyMobilePayAnswer(infno: MobilePayInfno, status: number, text: string, c: Pick<MobilePayCrypto, 'appId' | 'appSecret' | 'peerPublic' | 'sm2UserId'>): CallOutcome {
  if (status < 200 || status > 299) return { kind: 'unknown', reason: 'http-status', detail: `HTTP ${status}`, rawResponse: text };
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { kind: 'unknown', reason: 'malformed', detail: 'answer is not JSON', rawResponse: text };
  }
  const answer = MobilePayAnswerSchema.safeParse(json);
  if (!answer.success) return { kind: 'unknown', reason: 'malformed', detail: 'answer is not a mobile-payment answer', rawResponse: text };
  const response: ResponseEnvelope = { infcode: answer.data.code, err_msg: answer.data.message ?? null, output: null };
  if (answer.data.code !== 0) return nonZeroOutcome(response, text);
  const opened = openMobilePayBody(answer.data, c);
  if (!opened.ok) return { kind: 'unknown', reason: 'malformed', detail: opened.reason, rawResponse: text };
  const out = mobilePaySchemas[infno].output.safeParse(opened.data);
  if (!out.success) return { kind: 'unknown', reason: 'malformed', detail: `output of ${infno} does not match its schema: ${z.prettifyError(out.error).slice(0, 300)}`, rawResponse: text };
  // The journal keeps the decrypted answer: the sealed journal is where it is read back from.
  return { kind: 'ok', output: opened.data, response: { ...response, output: opened.data }, rawResponse: JSON.stringify(opened.data) };
}

/**
 * One PlatformClient for both families: 62xx/63xx/64xx go to the mobile-payment paths, the rest to
 * callService. The msgid stays the journal's key for the row; it is not on this wire (the order
 * number medOrgOrd and the refund serial appRefdSn are the business keys the platform dedupes on).
 */
export function withMobilePay(platform: PlatformClient, mobile: MobilePayClient): PlatformClient {
  return {
    call: (c: PlatformCall) => (isMobilePayInfno(c.infno) ? mobile.call(c.infno, c.input) : platform.call(c)),
    decodeEcQr: (r) => platform.decodeEcQr(r),
  };
}

type Tx = { input: z.ZodType; output: z.ZodType };
const bind = <T extends Tx>(infno: MobilePayInfno, _tx: T) =>
  async (client: MobilePayClient, data: z.input<T['input']>): Promise<TypedOutcome<z.output<T['output']>>> => {
    const outcome = await client.call(infno, data);
    if (outcome.kind !== 'ok') return outcome;
    return { ...outcome, output: _tx.output.parse(outcome.output) as z.output<T['output']> };
  };

export const uploadMobileFees = bind('6201', tx6201);
export const payMobileOrder = bind('6202', tx6202);
export const refundMobileOrder = bind('6203', tx6203);
export const queryMobileOrder = bind('6301', tx6301);
export const revokeMobileOrder = bind('6401', tx6401);
