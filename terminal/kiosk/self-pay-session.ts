// What the kiosk shows and sends about the self-paid part: the confirm step's choices (from the
// config's switches, the person and the split) and the receipt's account of how the cash was paid.
// The choice itself is made in the settlement engine; this file only translates for the screens.
import type { CashMethod, ReceiptSelfPay, SelfPayView, Split } from '../api/schema';
import type { Journal } from '../journal/journal';
import type { VisitContext } from '../settlement/calls';
import { canPayByCode, defaultCashMethod, type SelfPayOptions, type SelfPayVisitContext } from '../settlement/self-pay';

/** Nothing offered: the behaviour before the self-paid part could be chosen (cash at the cashier). */
export const noSelfPay: SelfPayOptions = {
  personalAccount: false,
  familyAccount: false,
  credit: { enabled: false, limitPerPatientFen: 0, limitPerTerminalFen: 0 },
  payCode: false,
};

export function selfPayView(opts: SelfPayOptions, ctx: VisitContext, split: Split | null, chosen: CashMethod | null, notice: SelfPayView['notice']): SelfPayView {
  const cash = split?.cashFen ?? 0;
  const payers = opts.familyAccount ? (ctx.person.familyPayers ?? []) : [];
  const methods: CashMethod[] = ['cashier'];
  if (cash > 0 && opts.payCode) methods.push('pay-code');
  if (cash > 0 && opts.credit.enabled) methods.push('credit');
  const fallback = defaultCashMethod(opts, ctx, split);
  const chosenPayer = ctx.familyPayerPsnNo ? payers.findIndex((p) => p.psnNo === ctx.familyPayerPsnNo) : -1;
  return {
    // 城乡居民 (390) have no personal account: nothing to switch, and it is not shown as on.
    personalAccount: hasPersonalAccount(ctx) ? { allowed: opts.personalAccount, on: ctx.usePersonalAccount } : { allowed: false, on: false },
    familyPayers: payers.map((p, index) => ({ index, maskedName: p.maskedName })),
    familyPayer: chosenPayer >= 0 ? chosenPayer : null,
    methods,
    method: chosen && methods.includes(chosen) ? chosen : fallback,
    payCodeNeedsScan: !canPayByCode(ctx, null),
    notice,
  };
}

/** Residents' insurance (城乡居民, 390) has no personal account; employees' (310) and civil servants' do. */
export function hasPersonalAccount(ctx: VisitContext): boolean {
  return ctx.person.insutype !== '390';
}

/** The relative's psn_no for a position the screen sent, or null for none (or one not offered). */
export function familyPayerAt(opts: SelfPayOptions, ctx: VisitContext, index: number | null): string | null {
  if (index === null || !opts.familyAccount) return null;
  return ctx.person.familyPayers?.[index]?.psnNo ?? null;
}

/** How the settled visit's cash was paid, for the receipt: credit is what the patient now owes. */
export function receiptSelfPay(journal: Journal, settlementId: string, split: Split): ReceiptSelfPay {
  const ctx = journal.settlementContext<SelfPayVisitContext>(settlementId);
  // No choice recorded (an offline capture, a terminal offering none): the cash is paid at the cashier.
  const method = ctx?.selfPay?.method ?? 'cashier';
  const owed = method === 'credit' ? (journal.credit.debtOf(settlementId)?.amountFen ?? split.cashFen) : 0;
  return {
    method,
    paidByCodeFen: method === 'pay-code' ? split.cashFen : 0,
    owedFen: owed,
    atCashierFen: method === 'cashier' ? split.cashFen : 0,
  };
}

/**
 * What the last attempt came to, from the visit's own trail: a declined or refused payment code, or
 * a relative's account the platform would not draw on (the engine pre-settled again without it).
 */
export function selfPayNotice(journal: Journal, settlementId: string): SelfPayView['notice'] {
  const events = journal.events(settlementId);
  const last = events.at(-1);
  if (last?.to_state !== 'awaiting-confirm') return null;
  if (last.from_state === 'cash-pending' || last.from_state === 'cash-query-pending') return 'pay-code-declined';
  const before = events.at(-2);
  return before?.to_state === 'presettle-pending' && /family account refused/.test(before.note ?? '') ? 'family-account-refused' : null;
}
