// The platform simulator without HTTP: the books (PlatformState), the mobile-payment centre, the
// answer cache that makes a repeated msgid get its first answer, and the 医保码 decode. The server
// puts HTTP, persistence and faults around it; the seeded whole-terminal simulation
// (terminal/testing/vopr) calls it in-process, so both meet the same idempotency rule.
import { createHash } from 'node:crypto';
import type { RequestEnvelope } from '../../insurance/envelope';
import { formatMillisTime } from '../../insurance/msgid';
import { mintEcQrPayload, verifyEcQrPayload } from './ecqr';
import type { SimFixtures } from './fixtures';
import { MobilePayCentre } from './mobile-pay';
import type { HospitalLevel } from './policy';
import { PlatformState, type StateSnapshot } from './state';
import type { Sm2Keys } from '../../insurance/sm2';

export interface PlatformCoreOptions {
  fx: SimFixtures;
  now: () => Date;
  ecQrValiditySeconds?: number;
  hospitalLevel?: HospitalLevel;
  saved?: { state?: StateSnapshot; answers?: Array<[string, { fingerprint: string; text: string }]>; usedQrNonces?: Array<[string, number]> } | null;
  mobilePay?: { appId?: string; appSecret?: string; terminalPublicKey?: Sm2Keys['pub'] };
  /** Told after every change to the books (the server writes its dataFile then). */
  onChange?: () => void;
}

export type DecodeAnswer = { code: number | string; message: string; data: unknown };

export class PlatformCore {
  readonly state: PlatformState;
  readonly mobilePay: MobilePayCentre;
  /** msgid -> fingerprint of the request and the exact text first answered. */
  readonly answers: Map<string, { fingerprint: string; text: string }>;
  /** nonce -> issued unix seconds of every 医保码 decoded, kept until the code would be expired anyway. */
  readonly usedQrNonces: Map<string, number>;
  readonly validitySeconds: number;
  private refSerial = 0;

  constructor(private opts: PlatformCoreOptions) {
    this.validitySeconds = opts.ecQrValiditySeconds ?? 60;
    this.state = new PlatformState(opts.fx, opts.now, { snapshot: opts.saved?.state, hospitalLevel: opts.hospitalLevel });
    this.answers = new Map(opts.saved?.answers ?? []);
    this.usedQrNonces = new Map(opts.saved?.usedQrNonces ?? []);
    // Orders live in memory only: a restart of the simulator forgets them (the dataFile does not keep them).
    this.mobilePay = new MobilePayCentre({ now: opts.now, psnNoOfEcToken: (t) => this.state.psnNoOfEcToken(t), ...opts.mobilePay });
  }

  mintEcQr(personKey: string, issuedAt?: Date): string {
    const p = this.state.personByKey(personKey);
    if (!p) throw new Error(`no person with key ${personKey}`);
    return mintEcQrPayload(this.opts.fx.config.ecQrHmacKey, p.ec_index_no, issuedAt ?? this.opts.now());
  }

  envelopeText(infcode: number, errMsg: string | null, output: unknown, receivedAt: Date): string {
    const at = this.opts.now();
    return JSON.stringify({
      infcode,
      inf_refmsgid: `${this.opts.fx.config.admdvs}${formatMillisTime(at).slice(0, 14)}${String(++this.refSerial).padStart(10, '0')}`,
      refmsg_time: formatMillisTime(receivedAt),
      respond_time: formatMillisTime(at),
      err_msg: errMsg,
      warn_msg: null,
      cainfo: null,
      signtype: null,
      output: output ?? null,
    });
  }

  /** Processes one call exactly once per msgid; returns the answer text. */
  callService(env: RequestEnvelope, receivedAt: Date): string {
    const fingerprint = createHash('sha256').update(env.infno + '\n' + JSON.stringify(env.input)).digest('hex');
    const earlier = this.answers.get(env.msgid);
    if (earlier) {
      if (earlier.fingerprint === fingerprint) return earlier.text;
      // Not cached: a msgid reused for another request must not overwrite the first answer.
      return this.envelopeText(-1, `报文ID[${env.msgid}]重复且报文内容不同`, null, receivedAt);
    }
    const result = this.state.handle(env);
    const text = this.envelopeText(result.infcode, result.err_msg ?? null, result.output, receivedAt);
    this.answers.set(env.msgid, { fingerprint, text });
    this.opts.onChange?.();
    return text;
  }

  decodeQr(qrCode: string): DecodeAnswer {
    const check = verifyEcQrPayload(this.opts.fx.config.ecQrHmacKey, qrCode);
    if (!check.ok) {
      return check.reason === 'format'
        ? { code: 'EC1001', message: '不是有效的医保电子凭证二维码', data: null }
        : { code: 'EC1004', message: '电子凭证二维码校验失败', data: null };
    }
    const age = this.opts.now().getTime() / 1000 - check.issuedAtSeconds;
    if (age > this.validitySeconds) return { code: 'EC1002', message: '电子凭证二维码已过期，请刷新后重试', data: null };
    if (age < -5) return { code: 'EC1004', message: '电子凭证二维码时间无效', data: null };
    if (this.usedQrNonces.has(check.nonce)) return { code: 'EC1003', message: '电子凭证二维码已使用，请刷新后重试', data: null };
    const p = this.state.personByEcIndex(check.ecIndexNo);
    if (!p) return { code: 'EC1005', message: '电子凭证未激活或不存在', data: null };
    this.usedQrNonces.set(check.nonce, check.issuedAtSeconds);
    const ecToken = this.state.issueEcToken(p);
    // Used nonce and token are written before the answer leaves: a restart must not make the code new again.
    this.opts.onChange?.();
    return {
      code: 0,
      message: '成功',
      data: { ecToken, idNo: p.certno, idType: p.psn_cert_type, userName: p.psn_name, insuOrg: p.insuplc_admdvs, ecIndexNo: p.ec_index_no, gender: p.gend, birthday: p.brdy },
    };
  }
}
