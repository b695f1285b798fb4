// The simulator's mobile-payment centre (医保移动支付 / 一码付): 6201 fee upload, 6202 pay order,
// 6203 refund, 6301 order query, 6401 revoke, behind the SM4/SM2 bodies of INSURANCE-API.md. It pays
// the self-paid part from a wallet behind the payment code (payAuthNo) or the person's e-voucher
// (ecToken), and keeps orders so that a terminal that lost an answer can ask what happened.
// The business keys dedupe as real payment centres do: one order per medOrgOrd, one refund per
// appRefdSn, and an order is paid at most once (a second 6202 is refused, never charged twice).
import { fenToYuan, yuanToFen } from '../../common/money';
import { formatCompactTime, formatWireTime } from '../../insurance/msgid';
import {
  MobilePayBodySchema, mobilePaySchemas, openMobilePayBody, ORDER_PAID, ORDER_UNPAID, sealMobilePayBody,
  type MobilePayCrypto, type MobilePayInfno,
} from '../../insurance/mobile-pay';
import { generateSm2Keys, sm2PublicKeyPem, type Sm2Keys } from '../../insurance/sm2';

/** The simulated hospital's app credentials (a real centre issues them per institution). */
export const SIM_MOBILE_PAY = { appId: 'SIMMPAY000000001', appSecret: 'sim-only-mobile-pay-secret-7d1e' } as const;

/** What a payment code holds when the simulator has not minted it (so a typed code works in the demo). */
const DEFAULT_PAY_CODE_FEN = 500_000;
/** The cash wallet behind a person's 医保码 when they pay the self-paid part with it (一码付). */
const DEFAULT_PERSON_WALLET_FEN = 10_000_000;
const PAY_CODE = /^\d{16,24}$/;

export interface MobileOrder {
  payOrdId: string;
  payToken: string;
  medOrgOrd: string;
  feeSumFen: number;
  /** 'code:<payAuthNo>' or 'psn:<psn_no>': whose wallet pays. */
  payer: string;
  ordStas: string;
  traceTime: string | null;
  refundedFen: number;
  refunds: Array<{ appRefdSn: string; fen: number; trxId: string }>;
}

export interface MobilePayLedger {
  orders: MobileOrder[];
  wallets: Array<{ payer: string; balanceFen: number }>;
}

export interface Answer { code: number; message: string; data?: unknown }
interface UploadData { medOrgOrd: string; feeSumamt: number | string; feedetailList: Array<{ detItemFeeSumamt: number | string }>; ecToken?: string | null; payAuthNo?: string | null }

export class MobilePayCentre {
  private orders = new Map<string, MobileOrder>();
  private wallets = new Map<string, number>();
  private serial = 0;
  private readonly keys: Sm2Keys;
  readonly publicKey: string;

  constructor(
    private opts: {
      now: () => Date;
      /** The person an e-voucher token stands for, from the platform's books. */
      psnNoOfEcToken: (token: string) => string | null;
      appId?: string;
      appSecret?: string;
      /** The terminal's SM2 public key: when given, an unsigned or forged body is refused. */
      terminalPublicKey?: Sm2Keys['pub'];
    },
  ) {
    // Made without Node's crypto, so the embedded simulator also runs inside Electron (no SM2 in BoringSSL).
    this.keys = generateSm2Keys();
    this.publicKey = sm2PublicKeyPem(this.keys.pub);
  }

  private get crypto(): MobilePayCrypto {
    return { appId: this.opts.appId ?? SIM_MOBILE_PAY.appId, appSecret: this.opts.appSecret ?? SIM_MOBILE_PAY.appSecret, signKeys: this.keys, peerPublic: this.opts.terminalPublicKey };
  }

  /** A payment code with this much behind it, as the patient's payment app would show it. */
  mintPayCode(balanceFen = DEFAULT_PAY_CODE_FEN): string {
    const code = `13${formatCompactTime(this.opts.now()).slice(2)}${String(++this.serial % 10_000).padStart(4, '0')}`;
    this.wallets.set(`code:${code}`, balanceFen);
    return code;
  }

  ledger(): MobilePayLedger {
    return structuredClone({ orders: [...this.orders.values()], wallets: [...this.wallets].map(([payer, balanceFen]) => ({ payer, balanceFen })) });
  }

  /** One request body in, the answer text out; synchronous, so one request is one atomic step. */
  handle(infno: MobilePayInfno, body: unknown): string {
    return JSON.stringify(this.answer(infno, body));
  }

  private answer(infno: MobilePayInfno, body: unknown): Record<string, unknown> {
    const parsed = MobilePayBodySchema.safeParse(body);
    if (!parsed.success) return { code: -1, message: '报文格式错误' };
    const c = this.crypto;
    if (parsed.data.appId !== c.appId) return { code: -1, message: `应用渠道编号[${parsed.data.appId}]不存在` };
    const opened = openMobilePayBody(parsed.data, c);
    if (!opened.ok) return { code: -1, message: opened.reason === 'signData does not verify' ? '签名校验失败' : '报文解密失败' };
    const result = this.handleOpened(infno, opened.data);
    if (result.code !== 0) return { code: result.code, message: result.message };
    return { code: 0, message: result.message, ...sealMobilePayBody(result.data, c, this.opts.now()) };
  }

  /**
   * One request already decrypted and checked, the answer before it is sealed: the centre's books
   * without the SM4/SM2 wrapping, for the in-process simulation (the wrapping has its own tests).
   */
  handleOpened(infno: MobilePayInfno, data: unknown): Answer {
    const input = mobilePaySchemas[infno].input.safeParse(data);
    if (!input.success) return { code: -1, message: `入参校验失败: ${input.error.issues.slice(0, 3).map((i) => `${i.path.join('.')} ${i.message}`).join('; ')}` };
    return this.dispatch(infno, input.data);
  }

  private dispatch(infno: MobilePayInfno, d: unknown): Answer {
    switch (infno) {
      case '6201': return this.upload(d as UploadData);
      case '6202': return this.pay(d as { payOrdId: string; payToken: string; payAuthNo?: string | null; ecToken?: string | null });
      case '6301': return this.query(d as { payOrdId: string; payToken: string });
      case '6203': return this.refund(d as { payOrdId: string; appRefdSn: string; cashRefdAmt: number | string; totlRefdAmt: number | string });
      case '6401': return this.revoke(d as { payOrdId: string; payToken: string });
    }
  }

  private payerOf(d: { ecToken?: string | null; payAuthNo?: string | null }): string | Answer {
    if (d.payAuthNo) {
      if (!PAY_CODE.test(d.payAuthNo)) return fail('付款码无效');
      const key = `code:${d.payAuthNo}`;
      if (!this.wallets.has(key)) this.wallets.set(key, DEFAULT_PAY_CODE_FEN);
      return key;
    }
    const psnNo = d.ecToken ? this.opts.psnNoOfEcToken(d.ecToken) : null;
    if (!psnNo) return fail('电子凭证令牌无效或已过期');
    const key = `psn:${psnNo}`;
    if (!this.wallets.has(key)) this.wallets.set(key, DEFAULT_PERSON_WALLET_FEN);
    return key;
  }

  private upload(d: UploadData): Answer {
    const feeSumFen = yuanToFen(d.feeSumamt);
    const lines = d.feedetailList.reduce((s, l) => s + yuanToFen(l.detItemFeeSumamt), 0);
    if (feeSumFen <= 0) return fail('订单金额必须大于0');
    if (lines !== feeSumFen) return fail(`费用明细合计[${fenToYuan(lines)}]与订单总额[${fenToYuan(feeSumFen)}]不符`);
    const payer = this.payerOf(d);
    if (typeof payer !== 'string') return payer;
    const same = [...this.orders.values()].find((o) => o.medOrgOrd === d.medOrgOrd);
    if (same) {
      // The same upload again (its answer was lost): the same order, not a second one.
      if (same.feeSumFen !== feeSumFen || same.payer !== payer) return fail(`医药机构订单号[${d.medOrgOrd}]重复且内容不同`);
      return ok(orderAmounts(same));
    }
    const at = formatCompactTime(this.opts.now());
    const order: MobileOrder = {
      payOrdId: `ORD${at}${String(++this.serial).padStart(8, '0')}`,
      payToken: `PT${at}${String(this.serial).padStart(8, '0')}`,
      medOrgOrd: d.medOrgOrd, feeSumFen, payer, ordStas: ORDER_UNPAID, traceTime: null, refundedFen: 0, refunds: [],
    };
    this.orders.set(order.payOrdId, order);
    return ok(orderAmounts(order));
  }

  private order(payOrdId: string, payToken?: string): MobileOrder | Answer {
    const o = this.orders.get(payOrdId);
    if (!o) return fail(`支付订单[${payOrdId}]不存在`);
    if (payToken !== undefined && o.payToken !== payToken) return fail('支付令牌与订单不符');
    return o;
  }

  private pay(d: { payOrdId: string; payToken: string; payAuthNo?: string | null; ecToken?: string | null }): Answer {
    const o = this.order(d.payOrdId, d.payToken);
    if (!isOrder(o)) return o;
    const payer = this.payerOf(d);
    if (typeof payer !== 'string') return payer;
    if (payer !== o.payer) return fail('支付授权与订单不符');
    if (o.ordStas === ORDER_PAID) return fail('订单已支付，请勿重复支付');
    if (o.ordStas !== ORDER_UNPAID) return fail(`订单状态[${o.ordStas}]不能支付`);
    const balance = this.wallets.get(payer) ?? 0;
    if (balance < o.feeSumFen) {
      o.ordStas = '15';
      return fail('付款账户余额不足，支付失败');
    }
    this.wallets.set(payer, balance - o.feeSumFen);
    o.ordStas = ORDER_PAID;
    o.traceTime = formatWireTime(this.opts.now());
    return ok(orderAmounts(o));
  }

  private query(d: { payOrdId: string; payToken: string }): Answer {
    const o = this.order(d.payOrdId, d.payToken);
    return isOrder(o) ? ok(orderAmounts(o)) : o;
  }

  private refund(d: { payOrdId: string; appRefdSn: string; cashRefdAmt: number | string; totlRefdAmt: number | string }): Answer {
    const o = this.order(d.payOrdId);
    if (!isOrder(o)) return o;
    const earlier = o.refunds.find((r) => r.appRefdSn === d.appRefdSn);
    // The same refund serial again is the same refund: answered, not paid out twice.
    if (earlier) return ok({ appRefdSn: earlier.appRefdSn, trxId: earlier.trxId, trxTime: formatWireTime(this.opts.now()), refdResult: 'SUCC' });
    if (o.ordStas !== ORDER_PAID) return fail(`订单状态[${o.ordStas}]不能退款`);
    const fen = yuanToFen(d.cashRefdAmt);
    if (fen !== yuanToFen(d.totlRefdAmt)) return fail('仅支持自费部分退款: 退款总额须等于现金退款额');
    if (fen <= 0 || fen > o.feeSumFen - o.refundedFen) return fail('退款金额超过可退金额');
    const trxId = `RF${formatCompactTime(this.opts.now())}${String(++this.serial).padStart(8, '0')}`;
    this.wallets.set(o.payer, (this.wallets.get(o.payer) ?? 0) + fen);
    o.refundedFen += fen;
    o.refunds.push({ appRefdSn: d.appRefdSn, fen, trxId });
    if (o.refundedFen === o.feeSumFen) o.ordStas = '7';
    return ok({ appRefdSn: d.appRefdSn, trxId, trxTime: formatWireTime(this.opts.now()), refdResult: 'SUCC' });
  }

  private revoke(d: { payOrdId: string; payToken: string }): Answer {
    const o = this.order(d.payOrdId, d.payToken);
    if (!isOrder(o)) return o;
    if (o.ordStas === ORDER_PAID) return fail('订单已支付，请退款');
    if (o.ordStas !== '12') o.ordStas = '12';
    return ok({ payOrdId: o.payOrdId, ordStas: o.ordStas });
  }
}

const fail = (message: string): Answer => ({ code: -1, message });
const ok = (data: unknown): Answer => ({ code: 0, message: '成功', data });
const isOrder = (o: MobileOrder | Answer): o is MobileOrder => 'payOrdId' in o;

function orderAmounts(o: MobileOrder) {
  return {
    payOrdId: o.payOrdId, payToken: o.payToken, medOrgOrd: o.medOrgOrd, ordStas: o.ordStas,
    feeSumamt: fenToYuan(o.feeSumFen), ownPayAmt: fenToYuan(o.feeSumFen), psnAcctPay: 0, fundPay: 0, acctMulaidPay: 0,
    traceTime: o.traceTime,
  };
}
