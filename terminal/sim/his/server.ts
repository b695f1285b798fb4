// The HIS simulator: pending bills by the patient's certno, the claim a terminal holds on a bill while
// it is being paid, and the "paid" notice the terminal sends after a settlement. Its HTTP shape is
// this project's own (terminal/sim/README.md; the claim calls in fixtures/his/README.md).
import { createServer } from 'node:http';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { z } from 'zod';
import { closeServer, listen, readBody, sendJson, trackSockets } from '../http';
import { fenToYuanString, yuanToFen } from '../../common/money';

const HisItemFixture = z.object({
  feedetlSn: z.string(),
  name: z.string(),
  medListCodg: z.string(),
  medinsListCodg: z.string(),
  unitPrice: z.string(),
  quantity: z.string(),
  amount: z.string(),
  itemClass: z.enum(['01', '02', '03']),
  occurredAt: z.string(),
  /** 国家谈判药品: passed on to the terminal, whose alert rules watch the quantity. */
  negotiated: z.boolean().optional(),
});
const HisBillFixture = z.object({
  billId: z.string(),
  certno: z.string(),
  medType: z.string(),
  deptCode: z.string(),
  deptName: z.string(),
  drCode: z.string(),
  drName: z.string(),
  diagnosis: z.object({ code: z.string(), name: z.string() }).optional(),
  /** 工伤: the HIS registered the visit under the work-injury insutype (410). */
  insutype: z.string().optional(),
  /** A stay the HIS admitted on the platform itself (2401 + 2301 done by the HIS): its mdtrt_id. */
  mdtrtId: z.string().min(1).optional(),
  /** 中途结算: the bill settles a long stay so far (mid_setl_flag 1). */
  midSettlement: z.boolean().optional(),
  /** 医疗收费电子票据 the HIS issued for the bill. */
  einvoice: z.object({ number: z.string().min(1), qr: z.string().min(1) }).optional(),
  /** Set on an inpatient's discharge bill: where the patient lies, for the nurse's bedside list. */
  inpatient: z.object({ ward: z.string(), bed: z.string(), name: z.string(), admittedAt: z.string() }).optional(),
  items: z.array(HisItemFixture).min(1),
});
export const HisOrdersFixture = z.object({ bills: z.array(HisBillFixture) });
/** fixtures/his/reports.json: lab and exam reports by the patient's certno (optional file). */
export const HisReportsFixture = z.object({
  reports: z.array(
    z.object({ certno: z.string(), reportId: z.string(), name: z.string(), dept: z.string(), issuedAt: z.string(), status: z.enum(['ready', 'pending']) }),
  ),
});
export type HisBillFixture = z.infer<typeof HisBillFixture>;

/**
 * The HIS simulator's books without HTTP: which bills are pending and which are paid. The server
 * answers from them; the seeded whole-terminal simulation (terminal/testing/vopr) calls them in-process.
 */
export interface HisClaim {
  claimId: string;
  terminalId: string;
  visitId: string;
  /** Epoch ms: a claim past it no longer holds the bill (its holder may still renew it if nobody took it). */
  expiresAtMs: number;
}

/** What a claim, a renewal or a paid notice met: the claim granted, or why not. */
export type ClaimAnswer = { status: number; json: unknown };

export class HisBooks {
  /** Bills a rehearsal reset took off the lists: still known to claims and paid notices of visits under way. */
  private retired = new Set<string>();
  private issued = 0;
  private paid = new Map<string, { billId: string; setlId: string; msgid: string }>();
  private refunded: Array<{ billId: string; setlId: string; reason: string }> = [];
  /** One record per bill: the last claim granted, live or expired; a release or the paid notice removes it. */
  private claims = new Map<string, HisClaim>();
  private claimSeq = 0;
  constructor(
    readonly bills: HisBillFixture[],
    private readonly nowMs: () => number = () => Date.now(),
  ) {}

  private liveClaim(billId: string): HisClaim | null {
    const c = this.claims.get(billId);
    return c && c.expiresAtMs > this.nowMs() ? c : null;
  }

  private granted(c: HisClaim): ClaimAnswer {
    return { status: 200, json: { claimId: c.claimId, expiresAt: new Date(c.expiresAtMs).toISOString() } };
  }

  private refused(billId: string, c: HisClaim | null): ClaimAnswer {
    if (this.paid.has(billId)) return { status: 409, json: { error: 'bill already paid', paid: true, heldBy: null, expiresAt: null } };
    return { status: 409, json: { error: 'bill claimed by another visit', paid: false, heldBy: c?.terminalId ?? null, expiresAt: c ? new Date(c.expiresAtMs).toISOString() : null } };
  }

  /**
   * The one place a bill is claimed: granted when nobody holds it (or the claim they held expired);
   * the same terminal and visit asking again (a lost answer) gets the same claim, renewed.
   */
  claim(billId: string, req: { terminalId: string; visitId: string; ttlSeconds: number }): ClaimAnswer {
    if (!this.bills.some((b) => b.billId === billId)) return { status: 404, json: { error: 'no such bill' } };
    if (this.paid.has(billId)) return this.refused(billId, null);
    const live = this.liveClaim(billId);
    if (live && (live.terminalId !== req.terminalId || live.visitId !== req.visitId)) return this.refused(billId, live);
    const claim: HisClaim = live ?? { claimId: `CLM${String(++this.claimSeq).padStart(6, '0')}-${billId}`, terminalId: req.terminalId, visitId: req.visitId, expiresAtMs: 0 };
    claim.expiresAtMs = this.nowMs() + req.ttlSeconds * 1000;
    this.claims.set(billId, claim);
    return this.granted(claim);
  }

  /** Extends the holder's claim; a claim that expired is given back to its holder if nobody took the bill meanwhile. */
  renewClaim(billId: string, req: { claimId: string; ttlSeconds: number }): ClaimAnswer {
    if (!this.bills.some((b) => b.billId === billId)) return { status: 404, json: { error: 'no such bill' } };
    if (this.paid.has(billId)) return this.refused(billId, null);
    const record = this.claims.get(billId);
    if (!record) return { status: 410, json: { error: 'claim gone' } };
    if (record.claimId !== req.claimId) return this.liveClaim(billId) ? this.refused(billId, record) : { status: 410, json: { error: 'claim gone' } };
    record.expiresAtMs = this.nowMs() + req.ttlSeconds * 1000;
    return this.granted(record);
  }

  /** Frees the bill at once, only for the claim that holds it; releasing twice (or too late) is no error. */
  releaseClaim(billId: string, claimId: string): ClaimAnswer {
    const record = this.claims.get(billId);
    const released = record?.claimId === claimId;
    if (released) this.claims.delete(billId);
    return { status: 200, json: { billId, released } };
  }

  /** The live claim on a bill, for tests and the admin view. */
  claimOf(billId: string): HisClaim | null {
    const c = this.liveClaim(billId);
    return c ? { ...c } : null;
  }

  isPaid(billId: string): boolean {
    return this.paid.has(billId);
  }

  /**
   * The same notice twice is a retry (200); a different settlement for a paid bill is a conflict
   * (409), and so is a notice while another visit's claim holds the bill (a notice without a claimId
   * is taken only when no claim is live). The paid notice ends the claim it carries.
   */
  markPaid(billId: string, receipt: { setlId: string; msgid: string; claimId?: string | undefined }): { status: number; json: unknown } {
    if (!this.bills.some((b) => b.billId === billId)) return { status: 404, json: { error: 'no such bill' } };
    const before = this.paid.get(billId);
    if (before && before.setlId !== receipt.setlId) return { status: 409, json: { error: 'bill already paid by another settlement' } };
    if (before) return { status: 200, json: { billId, paid: true } };
    const live = this.liveClaim(billId);
    if (live && live.claimId !== receipt.claimId) {
      return { status: 409, json: { error: 'bill claimed by another visit', heldBy: live.terminalId, expiresAt: new Date(live.expiresAtMs).toISOString() } };
    }
    this.paid.set(billId, { billId, setlId: receipt.setlId, msgid: receipt.msgid });
    this.claims.delete(billId);
    return { status: 200, json: { billId, paid: true } };
  }

  /**
   * The settlement that paid the bill was cancelled: the bill is pending again. The same notice twice
   * (or for a bill not paid) is 200; a refund naming another settlement than the one that paid is 409.
   */
  markRefunded(billId: string, refund: { setlId: string; reason: string }): { status: number; json: unknown } {
    if (!this.bills.some((b) => b.billId === billId)) return { status: 404, json: { error: 'no such bill' } };
    const before = this.paid.get(billId);
    if (before && before.setlId !== refund.setlId) return { status: 409, json: { error: 'bill paid by another settlement' } };
    if (before) {
      this.paid.delete(billId);
      this.refunded.push({ billId, setlId: refund.setlId, reason: refund.reason });
    }
    return { status: 200, json: { billId, paid: false } };
  }

  paidBills(): Array<{ billId: string; setlId: string; msgid: string }> {
    return [...this.paid.values()].map((p) => ({ ...p }));
  }

  /** Bills a patient or the ward list may see: not paid, not retired by a rehearsal reset. */
  listed(): HisBillFixture[] {
    return this.bills.filter((b) => !this.paid.has(b.billId) && !this.retired.has(b.billId));
  }

  /**
   * A new bill for a rehearsal, as a HIS issues one: a number never used before (also across
   * restarts, since the terminal's journal remembers every bill it paid), items copied from the
   * template with their own serial numbers.
   */
  issue(template: HisBillFixture, patch: Pick<HisBillFixture, 'certno'> & Partial<HisBillFixture>): HisBillFixture {
    const prefix = template.billId.replace(/[^A-Z].*$/, '') || 'BL';
    const billId = `${prefix}R${this.nowMs().toString(36).toUpperCase()}${String(++this.issued).padStart(2, '0')}`;
    const bill: HisBillFixture = { ...template, ...patch, billId, items: template.items.map((item, i) => ({ ...item, feedetlSn: `${billId}-${i + 1}` })) };
    this.bills.push(bill);
    return bill;
  }

  /**
   * A rehearsal starts over: every bill on the lists is retired and the fixture bills are issued
   * again under new numbers, so each demo person has their bill to pay once more. Retired bills stay
   * known, so a visit still replaying can be told paid (a real HIS never forgets a bill either).
   */
  reissue(fixtures: readonly HisBillFixture[]): HisBillFixture[] {
    for (const b of this.bills) this.retired.add(b.billId);
    return fixtures.map((b) => this.issue(b, { certno: b.certno }));
  }

  refundedBills(): Array<{ billId: string; setlId: string; reason: string }> {
    return this.refunded.map((r) => ({ ...r }));
  }
}

export interface HisSimulator {
  url: string;
  close(): Promise<void>;
  paidBills(): Array<{ billId: string; setlId: string; msgid: string }>;
  /** The live claim on a bill (null when free): what a test checks after a release or an expiry. */
  claimOf(billId: string): HisClaim | null;
  /** The bills as loaded from fixtures/his/orders.json: the rehearsal's templates. */
  readonly fixtureBills: readonly HisBillFixture[];
  /** A rehearsal's new bill (see HisBooks.issue); listed at once. */
  issueBill(template: HisBillFixture, patch: Pick<HisBillFixture, 'certno'> & Partial<HisBillFixture>): HisBillFixture;
  /** A rehearsal's reset: the fixture bills again, under new numbers. */
  reissueFixtureBills(): HisBillFixture[];
  /** Bills whose settlement was refunded and that are pending again, in the order the HIS heard. */
  refundedBills(): Array<{ billId: string; setlId: string; reason: string }>;
}

const PendingRequest = z.object({ certno: z.string().min(1) });
const BillRequest = z.object({ billId: z.string().min(1) });
const DischargeListRequest = z.object({ ward: z.string().min(1).optional() });
const PaidRequest = z.object({ setlId: z.string().min(1), msgid: z.string().min(1), claimId: z.string().min(1).optional() });
/** Claims last from seconds (a patient at the split) to a day or so (an offline capture waiting to replay). */
const Ttl = z.number().int().min(1).max(7 * 86_400);
const ClaimRequest = z.object({ terminalId: z.string().min(1).max(64), visitId: z.string().min(1).max(64), ttlSeconds: Ttl });
const RenewRequest = z.object({ claimId: z.string().min(1).max(128), ttlSeconds: Ttl });
const RefundedRequest = z.object({ setlId: z.string().min(1), reason: z.string().min(1) });

/** `now`: the simulator's clock for claim expiry (a test moves it instead of waiting). */
export async function startHisSimulator(opts: { fixturesDir: string; port?: number; host?: string; now?: () => Date }): Promise<HisSimulator> {
  const orders = HisOrdersFixture.parse(JSON.parse(readFileSync(join(opts.fixturesDir, 'his', 'orders.json'), 'utf8')));
  const clock = opts.now ?? (() => new Date());
  const fixtureBills = structuredClone(orders.bills);
  const books = new HisBooks(orders.bills, () => clock().getTime());
  const reportsFile = join(opts.fixturesDir, 'his', 'reports.json');
  const reports = existsSync(reportsFile) ? HisReportsFixture.parse(JSON.parse(readFileSync(reportsFile, 'utf8'))).reports : [];

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const path = (req.url ?? '').split('?')[0] ?? '';
        if (req.method === 'POST' && path === '/his/pending-bills') {
          const body = PendingRequest.safeParse(JSON.parse(await readBody(req)));
          if (!body.success) return sendJson(res, 400, { error: 'certno required' });
          const bills = books
            .listed()
            .filter((b) => b.certno === body.data.certno)
            .map(({ certno: _certno, inpatient: _inpatient, ...bill }) => bill);
          return sendJson(res, 200, { bills });
        }
        // One bill by its id, for a doctor's in-room payment request: who ordered it and what it
        // costs, never whose it is (the certno stays in the HIS).
        if (req.method === 'POST' && path === '/his/bill') {
          const body = BillRequest.safeParse(JSON.parse(await readBody(req)));
          if (!body.success) return sendJson(res, 400, { error: 'billId required' });
          const found = orders.bills.find((b) => b.billId === body.data.billId);
          if (!found) return sendJson(res, 404, { error: 'no such bill' });
          const { certno: _certno, inpatient: _inpatient, ...bill } = found;
          return sendJson(res, 200, { bill, paid: books.isPaid(found.billId) });
        }
        // Inpatients whose discharge bill is ready and unpaid, bed by bed, for the nurse's tablet.
        if (req.method === 'POST' && path === '/his/discharge-list') {
          const body = DischargeListRequest.safeParse(JSON.parse((await readBody(req)) || '{}'));
          if (!body.success) return sendJson(res, 400, { error: 'ward must be a string' });
          const inpatients = books
            .listed()
            .filter((b) => b.inpatient && (!body.data.ward || b.inpatient.ward === body.data.ward))
            .map((b) => ({
              billId: b.billId,
              ward: b.inpatient!.ward,
              wardName: b.deptName,
              bed: b.inpatient!.bed,
              name: b.inpatient!.name,
              admittedAt: b.inpatient!.admittedAt,
              drName: b.drName,
              total: fenToYuanString(b.items.reduce((sum, i) => sum + yuanToFen(i.amount), 0)),
            }));
          return sendJson(res, 200, { inpatients });
        }
        // The patient's lab and exam reports, newest first: what is ready to collect, what is not yet.
        if (req.method === 'POST' && path === '/his/reports') {
          const body = PendingRequest.safeParse(JSON.parse(await readBody(req)));
          if (!body.success) return sendJson(res, 400, { error: 'certno required' });
          const listed = reports
            .filter((r) => r.certno === body.data.certno)
            .sort((a, b) => b.issuedAt.localeCompare(a.issuedAt))
            .map(({ certno: _certno, ...r }) => r);
          return sendJson(res, 200, listed);
        }
        // Claims: POST .../claim takes the bill, POST .../claim/renew extends it, DELETE .../claim?claimId= frees it.
        const c = /^\/his\/bills\/([^/]+)\/claim(\/renew)?$/.exec(path);
        if (c) {
          const billId = decodeURIComponent(c[1] ?? '');
          if (req.method === 'POST' && !c[2]) {
            const body = ClaimRequest.safeParse(JSON.parse(await readBody(req)));
            if (!body.success) return sendJson(res, 400, { error: 'terminalId, visitId and ttlSeconds required' });
            const answer = books.claim(billId, body.data);
            return sendJson(res, answer.status, answer.json);
          }
          if (req.method === 'POST' && c[2]) {
            const body = RenewRequest.safeParse(JSON.parse(await readBody(req)));
            if (!body.success) return sendJson(res, 400, { error: 'claimId and ttlSeconds required' });
            const answer = books.renewClaim(billId, body.data);
            return sendJson(res, answer.status, answer.json);
          }
          const claimId = new URL(req.url ?? '', 'http://his').searchParams.get('claimId');
          if (req.method === 'DELETE' && !c[2] && claimId) {
            const answer = books.releaseClaim(billId, claimId);
            return sendJson(res, answer.status, answer.json);
          }
          return sendJson(res, 400, { error: 'bad claim request' });
        }
        const m = /^\/his\/bills\/([^/]+)\/paid$/.exec(path);
        if (req.method === 'POST' && m) {
          const billId = decodeURIComponent(m[1] ?? '');
          const body = PaidRequest.safeParse(JSON.parse(await readBody(req)));
          if (!body.success) return sendJson(res, 400, { error: 'setlId and msgid required' });
          const answer = books.markPaid(billId, body.data);
          return sendJson(res, answer.status, answer.json);
        }
        const r = /^\/his\/bills\/([^/]+)\/refunded$/.exec(path);
        if (req.method === 'POST' && r) {
          const billId = decodeURIComponent(r[1] ?? '');
          const body = RefundedRequest.safeParse(JSON.parse(await readBody(req)));
          if (!body.success) return sendJson(res, 400, { error: 'setlId and reason required' });
          const answer = books.markRefunded(billId, body.data);
          return sendJson(res, answer.status, answer.json);
        }
        return sendJson(res, 404, { error: 'not found' });
      } catch {
        if (!res.headersSent) sendJson(res, 400, { error: 'bad request' });
      }
    })();
  });
  const sockets = trackSockets(server);
  const url = await listen(server, opts.port ?? 0, opts.host ?? '127.0.0.1');
  return {
    url,
    close: () => closeServer(server, sockets),
    paidBills: () => books.paidBills(),
    claimOf: (billId) => books.claimOf(billId),
    fixtureBills,
    issueBill: (template, patch) => books.issue(template, patch),
    reissueFixtureBills: () => books.reissue(fixtureBills),
    refundedBills: () => books.refundedBills(),
  };
}
