// What the receipt carries beyond the split, from the visit's own sealed context: the bill's items
// with their class (甲/乙/丙), whether the patient is insured elsewhere (异地就医), and the e-invoice
// (医疗收费电子票据) when the HIS returned one. Patients keep the slip for reimbursement.
import type { Receipt } from '../api/schema';
import type { Journal } from '../journal/journal';
import type { VisitContext } from '../settlement/calls';

export function receiptDetails(journal: Pick<Journal, 'settlementContext'>, settlementId: string, areaCode: string | null): Pick<Receipt, 'items' | 'crossRegion' | 'einvoice'> {
  const ctx = journal.settlementContext<VisitContext>(settlementId);
  if (!ctx) return {};
  return {
    items: ctx.bill.items.map((i) => ({ name: i.name, itemClass: i.itemClass, amountFen: i.amountFen })),
    ...(areaCode ? { crossRegion: ctx.person.insuplcAdmdvs !== areaCode } : {}),
    einvoice: ctx.bill.einvoice ?? null,
  };
}
