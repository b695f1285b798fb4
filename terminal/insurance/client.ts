// The HTTP client for the national platform: builds the envelope, signs, sends with a deadline, and
// sorts every answer into ok / rejected / unknown. "Unknown" means the platform may have done it:
// the caller must query or reverse before redoing, never resend blind.
import { z } from 'zod';
import { EnvelopeContext, RequestEnvelope, ResponseEnvelope } from './envelope';
import { formatWireTime } from './msgid';
import { classifyAnswer, type RefusalReason } from './refusal';
import { noSigner, type EnvelopeSigner } from './signer';
import { transactionSchemas } from './transactions';

export interface PlatformCall {
  infno: string;
  msgid: string;
  input: unknown;
  insuplcAdmdvs?: string;
  signNo?: string;
  infTime?: Date;
}

/** undocumented-infcode: a non-zero infcode the spec does not document as failure (refusal.ts): it may have been done. */
export type UnknownReason = 'timeout' | 'connection' | 'http-status' | 'malformed' | 'undocumented-infcode';
export type { RefusalReason };

export type CallOutcome =
  | { kind: 'ok'; output: unknown; response: ResponseEnvelope; rawResponse: string }
  /** `reason` is the refusal's class from the one table (refusal.ts); errMsg keeps the platform's words. */
  | { kind: 'rejected'; infcode: number; errMsg: string; reason: RefusalReason; response: ResponseEnvelope; rawResponse: string }
  | { kind: 'unknown'; reason: UnknownReason; detail: string; rawResponse: string | null };

export interface EcPerson {
  ecToken: string;
  idNo: string;
  idType: string;
  userName: string;
  insuOrg: string;
  ecIndexNo: string;
  gender: string;
  birthday: string;
}

export type EcDecodeOutcome =
  | { kind: 'ok'; person: EcPerson }
  | { kind: 'rejected'; code: string; message: string }
  | { kind: 'unknown'; reason: UnknownReason; detail: string };

export interface PlatformClient {
  call(call: PlatformCall): Promise<CallOutcome>;
  decodeEcQr(req: { qrCode: string; businessType: string; deviceType: string }): Promise<EcDecodeOutcome>;
}

/**
 * The envelope this terminal built breaks the spec (a msgid that is not 30 characters, an infno
 * that is not 4 digits, ...). That is a bug in the caller, not a platform answer: it is thrown and
 * nothing is sent, so the platform never sees, and never journals, a request it would refuse.
 */
export class InvalidEnvelopeError extends Error {
  constructor(readonly infno: string, readonly issues: string) {
    super(`request envelope of ${infno} is invalid: ${issues}`);
    this.name = 'InvalidEnvelopeError';
  }
}

export const CALL_SERVICE_PATH = '/fsi/api/rsfComIfsService/callService';
export const EC_DECODE_PATH = '/localcfc/api/hsecfc/localQrCodeQuery';

const EcPersonSchema = z.object({
  ecToken: z.string().min(1),
  idNo: z.string(),
  idType: z.string(),
  userName: z.string(),
  insuOrg: z.string(),
  ecIndexNo: z.string(),
  gender: z.string(),
  birthday: z.string(),
});
const EcResponse = z.looseObject({
  code: z.union([z.number(), z.string()]),
  message: z.string().nullish(),
  data: z.unknown(),
});

type Exchange =
  | { kind: 'answered'; status: number; text: string }
  | { kind: 'failed'; reason: 'timeout' | 'connection'; detail: string };

export function createPlatformClient(opts: {
  baseUrl: string;
  context: EnvelopeContext;
  timeoutMs: number;
  signer?: EnvelopeSigner;
}): PlatformClient {
  const context = EnvelopeContext.parse(opts.context);
  const signer = opts.signer ?? noSigner;
  const base = opts.baseUrl.replace(/\/+$/, '');

  async function post(path: string, body: string, headers: Record<string, string>): Promise<Exchange> {
    const signal = AbortSignal.timeout(opts.timeoutMs);
    try {
      const res = await fetch(base + path, {
        method: 'POST',
        headers: { 'content-type': 'application/json; charset=utf-8', ...headers },
        body,
        signal,
      });
      // The deadline covers the body as well: a platform that stalls mid-answer is a timeout.
      const text = await res.text();
      return { kind: 'answered', status: res.status, text };
    } catch (err) {
      if (signal.aborted) return { kind: 'failed', reason: 'timeout', detail: `no complete answer within ${opts.timeoutMs} ms` };
      return { kind: 'failed', reason: 'connection', detail: describeError(err) };
    }
  }

  return {
    async call(call) {
      const envelope: RequestEnvelope = {
        infno: call.infno,
        msgid: call.msgid,
        mdtrtarea_admvs: context.mdtrtarea_admvs,
        insuplc_admdvs: call.insuplcAdmdvs ?? '',
        recer_sys_code: context.recer_sys_code,
        dev_no: context.dev_no,
        dev_safe_info: context.dev_safe_info,
        cainfo: context.cainfo,
        signtype: context.signtype,
        infver: context.infver,
        opter_type: context.opter_type,
        opter: context.opter,
        opter_name: context.opter_name,
        inf_time: formatWireTime(call.infTime ?? new Date()),
        fixmedins_code: context.fixmedins_code,
        fixmedins_name: context.fixmedins_name,
        sign_no: call.signNo ?? '',
        input: call.input,
      };
      const checked = RequestEnvelope.safeParse(envelope);
      if (!checked.success) throw new InvalidEnvelopeError(call.infno, z.prettifyError(checked.error));
      const body = JSON.stringify(signer.signEnvelope ? signer.signEnvelope(envelope) : envelope);
      const exchange = await post(CALL_SERVICE_PATH, body, signer.sign(body));
      return classifyCallAnswer(call.infno, exchange);
    },

    async decodeEcQr(req) {
      const body = JSON.stringify({
        data: {
          orgId: context.fixmedins_code,
          businessType: req.businessType,
          operatorId: context.opter,
          operatorName: context.opter_name,
          officeId: '',
          officeName: '',
          deviceType: req.deviceType,
          qrCode: req.qrCode,
        },
        orgId: context.fixmedins_code,
        transType: 'ec.query',
        timestamp: String(Date.now()),
      });
      const exchange = await post(EC_DECODE_PATH, body, signer.sign(body));
      if (exchange.kind === 'failed') return { kind: 'unknown', reason: exchange.reason, detail: exchange.detail };
      if (exchange.status < 200 || exchange.status > 299) {
        return { kind: 'unknown', reason: 'http-status', detail: `HTTP ${exchange.status}` };
      }
      const parsed = EcResponse.safeParse(safeJson(exchange.text));
      if (!parsed.success) return { kind: 'unknown', reason: 'malformed', detail: 'decode answer is not the expected JSON' };
      const code = String(parsed.data.code);
      if (code !== '0') return { kind: 'rejected', code, message: parsed.data.message ?? '' };
      const person = EcPersonSchema.safeParse(parsed.data.data);
      if (!person.success) return { kind: 'unknown', reason: 'malformed', detail: 'decode answer lacks the person fields' };
      return { kind: 'ok', person: person.data };
    },
  };
}

export function classifyCallAnswer(infno: string, exchange: Exchange): CallOutcome {
  if (exchange.kind === 'failed') {
    return { kind: 'unknown', reason: exchange.reason, detail: exchange.detail, rawResponse: null };
  }
  const raw = exchange.text;
  if (exchange.status < 200 || exchange.status > 299) {
    return { kind: 'unknown', reason: 'http-status', detail: `HTTP ${exchange.status}`, rawResponse: raw };
  }
  const json = safeJson(raw);
  if (json === undefined) return { kind: 'unknown', reason: 'malformed', detail: 'answer is not JSON', rawResponse: raw };
  const envelope = ResponseEnvelope.safeParse(json);
  if (!envelope.success) {
    return { kind: 'unknown', reason: 'malformed', detail: 'answer is not a response envelope', rawResponse: raw };
  }
  const response = envelope.data;
  if (response.infcode !== 0) return nonZeroOutcome(response, raw);
  // Success we cannot read is not success we can act on; it may still have been committed.
  const schema = transactionSchemas[infno];
  if (schema) {
    const out = schema.output.safeParse(response.output);
    if (!out.success) {
      return { kind: 'unknown', reason: 'malformed', detail: `output of ${infno} does not match its schema: ${z.prettifyError(out.error).slice(0, 300)}`, rawResponse: raw };
    }
  }
  return { kind: 'ok', output: response.output, response, rawResponse: raw };
}

/**
 * A non-zero infcode, sorted by the one table (refusal.ts): a documented refusal is `rejected` with
 * its reason; any other code is `unknown` (it may have been committed: query before anything else).
 */
export function nonZeroOutcome(response: ResponseEnvelope, raw: string): CallOutcome {
  const errMsg = response.err_msg ?? '';
  const verdict = classifyAnswer(response.infcode, errMsg);
  if (verdict.kind === 'unknown') return { kind: 'unknown', reason: 'undocumented-infcode', detail: `infcode ${response.infcode} (${verdict.why}): ${errMsg}`, rawResponse: raw };
  return { kind: 'rejected', infcode: response.infcode, errMsg, reason: verdict.reason, response, rawResponse: raw };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function describeError(err: unknown): string {
  if (err instanceof Error) {
    const cause = (err as { cause?: unknown }).cause;
    const code = cause && typeof cause === 'object' && 'code' in cause ? String((cause as { code: unknown }).code) : '';
    return code ? `${err.message} (${code})` : err.message;
  }
  return String(err);
}
