// The terminal's client of the hospital information system: pending bills of a patient, the claim
// that makes one terminal the only one paying a bill, and the notice that a bill was settled. Money arrives as yuan text and is held as integer fen from here on.
import { z } from 'zod';
import { yuanToFen } from '../common/money';

export interface HisFeeItem {
  feedetlSn: string;
  name: string;
  medListCodg: string;
  medinsListCodg: string;
  unitPriceFen: number;
  quantity: string;
  amountFen: number;
  itemClass: '01' | '02' | '03';
  occurredAt: string;
  /** 国家谈判药品 (negotiated drug, often 双通道): the HIS marks it; the alert rules watch its quantity. */
  negotiated?: boolean;
}

export interface HisBill {
  billId: string;
  medType: string;
  deptCode: string;
  deptName: string;
  drCode: string;
  drName: string;
  items: HisFeeItem[];
  totalFen: number;
  /** The admission diagnosis (ICD-10), which an inpatient visit's 2401 must carry. */
  diagnosis?: { code: string; name: string };
  /** The insutype the HIS registered the visit under when it is not the ordinary one: 410 for 工伤. */
  insutype?: string;
  /**
   * A stay the HIS admitted on the platform itself (2401 at the admission desk, fee lines uploaded
   * by 2301 as they were charged): the stay's mdtrt_id. The terminal settles that stay and sends
   * neither 2401 nor 2301. Absent: the HIS does not talk to the platform, and the kiosk admits.
   */
  mdtrtId?: string;
  /** 中途结算: the HIS marks a long stay's bill for settlement so far (mid_setl_flag 1): no discharge. */
  midSettlement?: boolean;
  /** 医疗收费电子票据, when the HIS issued one for the bill (its number and the QR the patient scans). */
  einvoice?: { number: string; qr: string };
}

/** An inpatient whose discharge bill waits, as the HIS lists them for a ward's nurses. */
export interface HisInpatient {
  billId: string;
  ward: string;
  wardName: string;
  bed: string;
  /** The full name as the HIS has it: the core masks it before anything shows it. */
  name: string;
  admittedAt: string;
  drName: string;
  totalFen: number;
}

/** A lab or exam report the HIS holds for a patient (检验/检查报告): listed, never its content. */
export interface HisReport {
  reportId: string;
  name: string;
  dept: string;
  issuedAt: string;
  status: 'ready' | 'pending';
}

/**
 * What the HIS said to a claim or a renewal: the bill is this visit's until expiresAt; it is held by
 * another visit (heldBy: that terminal's id, or null when the HIS does not say) or paid already; the
 * HIS has no such bill; or (renewal only) the claim is gone (released, or the HIS forgot it).
 */
export type HisClaimAnswer =
  | { kind: 'claimed'; claimId: string; expiresAt: string }
  | { kind: 'held'; heldBy: string | null; expiresAt: string | null; paid: boolean }
  | { kind: 'no-bill' }
  | { kind: 'lost' };

export interface HisClient {
  pendingBills(certno: string): Promise<HisBill[]>;
  /** One bill by id (a doctor's in-room request names only the bill); null when the HIS has none. */
  bill(billId: string): Promise<{ bill: HisBill; paid: boolean } | null>;
  dischargeList(ward?: string): Promise<HisInpatient[]>;
  /** The paid notice; it carries the claim the bill was paid under, and is refused (409) while another visit holds it. */
  markPaid(billId: string, receipt: { setlId: string; msgid: string; claimId?: string | undefined }): Promise<void>;
  /** Takes the bill for this visit before anything is sent to the platform (fixtures/his/README.md). */
  claim(billId: string, req: { terminalId: string; visitId: string; ttlSeconds: number }): Promise<Exclude<HisClaimAnswer, { kind: 'lost' }>>;
  renewClaim(billId: string, req: { claimId: string; ttlSeconds: number }): Promise<HisClaimAnswer>;
  /** Frees the bill at once; releasing a claim that is gone is no error. */
  releaseClaim(billId: string, claimId: string): Promise<void>;
  /**
   * The settlement that paid the bill was cancelled on the platform (a refund): the bill is payable
   * (and refundable at the HIS's own cashier) again. Safe to repeat; 409 when another settlement paid it.
   */
  markRefunded(billId: string, refund: { setlId: string; reason: string }): Promise<void>;
  /** The patient's lab and exam reports, newest first as the HIS orders them. */
  reports(certno: string): Promise<HisReport[]>;
}

export class HisError extends Error {
  constructor(message: string, readonly status: number | null) {
    super(message);
    this.name = 'HisError';
  }
}

const Yuan = z.string().transform((v, ctx) => {
  try {
    return yuanToFen(v);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'not a yuan amount' });
    return z.NEVER;
  }
});

const WireItem = z.object({
  feedetlSn: z.string(),
  name: z.string(),
  medListCodg: z.string(),
  medinsListCodg: z.string(),
  unitPrice: Yuan,
  quantity: z.string().regex(/^\d+(\.\d+)?$/),
  amount: Yuan,
  itemClass: z.enum(['01', '02', '03']),
  occurredAt: z.string(),
  negotiated: z.boolean().optional(),
});
const WireBill = z.object({
  billId: z.string(),
  medType: z.string(),
  deptCode: z.string(),
  deptName: z.string(),
  drCode: z.string(),
  drName: z.string(),
  diagnosis: z.object({ code: z.string(), name: z.string() }).optional(),
  insutype: z.string().regex(/^\d{3}$/).optional(),
  mdtrtId: z.string().min(1).optional(),
  midSettlement: z.boolean().optional(),
  einvoice: z.object({ number: z.string().min(1), qr: z.string().min(1) }).optional(),
  items: z.array(WireItem).min(1),
});
const PendingAnswer = z.object({ bills: z.array(WireBill) });
const BillAnswer = z.object({ bill: WireBill, paid: z.boolean() });
const DischargeAnswer = z.object({
  inpatients: z.array(
    z.object({
      billId: z.string(),
      ward: z.string(),
      wardName: z.string(),
      bed: z.string(),
      name: z.string(),
      admittedAt: z.string(),
      drName: z.string(),
      total: Yuan,
    }),
  ),
});

const IsoTime = z.string().refine((v) => Number.isFinite(Date.parse(v)), 'not a time');
const ClaimGranted = z.object({ claimId: z.string().min(1).max(128), expiresAt: IsoTime });
const ClaimHeld = z.object({ heldBy: z.string().nullable().optional(), expiresAt: IsoTime.nullable().optional(), paid: z.boolean().optional() });
const ReleaseAnswer = z.object({ released: z.boolean() });

const ReportsAnswer = z.array(
  z.object({ reportId: z.string(), name: z.string(), dept: z.string(), issuedAt: z.string(), status: z.enum(['ready', 'pending']) }),
);

function toBill(b: z.infer<typeof WireBill>): HisBill {
  const items: HisFeeItem[] = b.items.map((i) => ({
    feedetlSn: i.feedetlSn,
    name: i.name,
    medListCodg: i.medListCodg,
    medinsListCodg: i.medinsListCodg,
    unitPriceFen: i.unitPrice,
    quantity: i.quantity,
    amountFen: i.amount,
    itemClass: i.itemClass,
    occurredAt: i.occurredAt,
    ...(i.negotiated ? { negotiated: true } : {}),
  }));
  return { ...b, items, totalFen: items.reduce((sum, i) => sum + i.amountFen, 0) };
}

/** A claim or renewal answer, checked: anything but a well-formed 200, 409, 404 or 410 is the HIS failing. */
export function claimAnswer(what: string, status: number, json: unknown): HisClaimAnswer {
  if (status === 200) {
    const parsed = ClaimGranted.safeParse(json);
    if (!parsed.success) throw new HisError(`HIS ${what}: unexpected shape`, status);
    return { kind: 'claimed', claimId: parsed.data.claimId, expiresAt: parsed.data.expiresAt };
  }
  if (status === 409) {
    const parsed = ClaimHeld.safeParse(json);
    if (!parsed.success) throw new HisError(`HIS ${what}: unexpected shape`, status);
    return { kind: 'held', heldBy: parsed.data.heldBy ?? null, expiresAt: parsed.data.expiresAt ?? null, paid: parsed.data.paid === true };
  }
  if (status === 404) return { kind: 'no-bill' };
  if (status === 410) return { kind: 'lost' };
  throw new HisError(`HIS ${what}: HTTP ${status}`, status);
}

export function createHisClient(opts: { baseUrl: string; timeoutMs: number }): HisClient {
  const base = opts.baseUrl.replace(/\/+$/, '');

  async function post(path: string, body: unknown, method: 'POST' | 'DELETE' = 'POST'): Promise<{ status: number; json: unknown }> {
    let res: Response;
    try {
      res = await fetch(base + path, {
        method,
        headers: { 'content-type': 'application/json' },
        ...(method === 'POST' ? { body: JSON.stringify(body) } : {}),
        signal: AbortSignal.timeout(opts.timeoutMs),
      });
      const text = await res.text();
      let json: unknown;
      try {
        json = JSON.parse(text);
      } catch {
        throw new HisError(`HIS answered ${res.status} with a body that is not JSON`, res.status);
      }
      return { status: res.status, json };
    } catch (err) {
      if (err instanceof HisError) throw err;
      throw new HisError(`HIS unreachable: ${err instanceof Error ? err.message : String(err)}`, null);
    }
  }

  return {
    async pendingBills(certno) {
      // The certno goes in the body, not the URL, so it stays out of access logs.
      const { status, json } = await post('/his/pending-bills', { certno });
      if (status !== 200) throw new HisError(`HIS pending bills: HTTP ${status}`, status);
      const parsed = PendingAnswer.safeParse(json);
      if (!parsed.success) throw new HisError('HIS pending bills: unexpected shape', status);
      return parsed.data.bills.map(toBill);
    },

    async bill(billId) {
      const { status, json } = await post('/his/bill', { billId });
      if (status === 404) return null;
      if (status !== 200) throw new HisError(`HIS bill: HTTP ${status}`, status);
      const parsed = BillAnswer.safeParse(json);
      if (!parsed.success) throw new HisError('HIS bill: unexpected shape', status);
      return { bill: toBill(parsed.data.bill), paid: parsed.data.paid };
    },

    async dischargeList(ward) {
      const { status, json } = await post('/his/discharge-list', ward ? { ward } : {});
      if (status !== 200) throw new HisError(`HIS discharge list: HTTP ${status}`, status);
      const parsed = DischargeAnswer.safeParse(json);
      if (!parsed.success) throw new HisError('HIS discharge list: unexpected shape', status);
      return parsed.data.inpatients.map(({ total, ...rest }) => ({ ...rest, totalFen: total }));
    },

    async markPaid(billId, receipt) {
      const { status } = await post(`/his/bills/${encodeURIComponent(billId)}/paid`, receipt);
      if (status !== 200) throw new HisError(`HIS mark paid: HTTP ${status}`, status);
    },

    async claim(billId, req) {
      const { status, json } = await post(`/his/bills/${encodeURIComponent(billId)}/claim`, req);
      const answer = claimAnswer('claim', status, json);
      if (answer.kind === 'lost') throw new HisError('HIS claim: 410 to a new claim', status);
      return answer;
    },

    async renewClaim(billId, req) {
      const { status, json } = await post(`/his/bills/${encodeURIComponent(billId)}/claim/renew`, req);
      return claimAnswer('renew claim', status, json);
    },

    async releaseClaim(billId, claimId) {
      const { status, json } = await post(`/his/bills/${encodeURIComponent(billId)}/claim?claimId=${encodeURIComponent(claimId)}`, null, 'DELETE');
      if (status !== 200) throw new HisError(`HIS release claim: HTTP ${status}`, status);
      if (!ReleaseAnswer.safeParse(json).success) throw new HisError('HIS release claim: unexpected shape', status);
    },

    async markRefunded(billId, refund) {
      const { status } = await post(`/his/bills/${encodeURIComponent(billId)}/refunded`, refund);
      if (status !== 200) throw new HisError(`HIS mark refunded: HTTP ${status}`, status);
    },

    async reports(certno) {
      // Like pending bills: the certno in the body, never in the URL.
      const { status, json } = await post('/his/reports', { certno });
      if (status !== 200) throw new HisError(`HIS reports: HTTP ${status}`, status);
      const parsed = ReportsAnswer.safeParse(json);
      if (!parsed.success) throw new HisError('HIS reports: unexpected shape', status);
      return parsed.data.map((r) => ({ reportId: r.reportId, name: r.name, dept: r.dept, issuedAt: r.issuedAt, status: r.status }));
    },
  };
}
