// The HIS simulator: pending bills by the patient's certno, and the "paid" notice the terminal sends
// after a settlement. Its HTTP shape is this project's own (terminal/sim/README.md).
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
export class HisBooks {
  private paid = new Map<string, { billId: string; setlId: string; msgid: string }>();
  private refunded: Array<{ billId: string; setlId: string; reason: string }> = [];
  constructor(readonly bills: HisBillFixture[]) {}

  isPaid(billId: string): boolean {
    return this.paid.has(billId);
  }

  /** The same notice twice is a retry (200); a different settlement for a paid bill is a conflict (409). */
  markPaid(billId: string, receipt: { setlId: string; msgid: string }): { status: number; json: unknown } {
    if (!this.bills.some((b) => b.billId === billId)) return { status: 404, json: { error: 'no such bill' } };
    const before = this.paid.get(billId);
    if (before && before.setlId !== receipt.setlId) return { status: 409, json: { error: 'bill already paid by another settlement' } };
    if (!before) this.paid.set(billId, { billId, setlId: receipt.setlId, msgid: receipt.msgid });
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

  refundedBills(): Array<{ billId: string; setlId: string; reason: string }> {
    return this.refunded.map((r) => ({ ...r }));
  }
}

export interface HisSimulator {
  url: string;
  close(): Promise<void>;
  paidBills(): Array<{ billId: string; setlId: string; msgid: string }>;
  /** Bills whose settlement was refunded and that are pending again, in the order the HIS heard. */
  refundedBills(): Array<{ billId: string; setlId: string; reason: string }>;
}

const PendingRequest = z.object({ certno: z.string().min(1) });
const BillRequest = z.object({ billId: z.string().min(1) });
const DischargeListRequest = z.object({ ward: z.string().min(1).optional() });
const PaidRequest = z.object({ setlId: z.string().min(1), msgid: z.string().min(1) });
const RefundedRequest = z.object({ setlId: z.string().min(1), reason: z.string().min(1) });

export async function startHisSimulator(opts: { fixturesDir: string; port?: number; host?: string }): Promise<HisSimulator> {
  const orders = HisOrdersFixture.parse(JSON.parse(readFileSync(join(opts.fixturesDir, 'his', 'orders.json'), 'utf8')));
  const books = new HisBooks(orders.bills);
  const reportsFile = join(opts.fixturesDir, 'his', 'reports.json');
  const reports = existsSync(reportsFile) ? HisReportsFixture.parse(JSON.parse(readFileSync(reportsFile, 'utf8'))).reports : [];

  const server = createServer((req, res) => {
    void (async () => {
      try {
        const path = (req.url ?? '').split('?')[0] ?? '';
        if (req.method === 'POST' && path === '/his/pending-bills') {
          const body = PendingRequest.safeParse(JSON.parse(await readBody(req)));
          if (!body.success) return sendJson(res, 400, { error: 'certno required' });
          const bills = orders.bills
            .filter((b) => b.certno === body.data.certno && !books.isPaid(b.billId))
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
          const inpatients = orders.bills
            .filter((b) => b.inpatient && !books.isPaid(b.billId) && (!body.data.ward || b.inpatient.ward === body.data.ward))
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
    refundedBills: () => books.refundedBills(),
  };
}
