// What the receipt carries beyond the split, from the visit's own sealed context: the bill's items
// with their class (甲/乙/丙) and the e-invoice (医疗收费电子票据) when the HIS returned one. 异地就医
// (with the insured area's name) is set by the kiosk session from the patient it identified.
// Patients keep the slip for reimbursement.
import type { Receipt } from '../api/schema';
import type { Journal } from '../journal/journal';
import type { VisitContext } from '../settlement/calls';

export function receiptDetails(journal: Pick<Journal, 'settlementContext'>, settlementId: string): Pick<Receipt, 'items' | 'einvoice'> {
  const ctx = journal.settlementContext<VisitContext>(settlementId);
  if (!ctx) return {};
  return {
    items: ctx.bill.items.map((i) => ({ name: i.name, itemClass: i.itemClass, amountFen: i.amountFen })),
    einvoice: ctx.bill.einvoice ?? null,
  };
}
