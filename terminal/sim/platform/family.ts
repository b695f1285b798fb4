// 家庭共济 (family mutual aid of the personal account) in the simulator: a relative bound to the
// patient lets their own personal account pay the patient's self-paid part. The binding is the
// simulator's fixture (people.json familyBindings); the field naming the relative on 2206/2207 and
// 2303/2304 is `acct_mulaid_psn_no` (the simulator's convention: no public spec names it).
import type { Split } from './policy';

/** The one input field the simulator reads: the psn_no of the relative whose account pays. */
export const MULAID_PAYER_FIELD = 'acct_mulaid_psn_no';

/** relative (patient) psn_no -> payers bound to them, from the fixture's payer -> relatives lists. */
export function familyIndex(bindings: ReadonlyArray<{ payer: string; relatives: readonly string[] }>): Map<string, string[]> {
  const byRelative = new Map<string, string[]>();
  for (const b of bindings) {
    for (const r of b.relatives) byRelative.set(r, [...(byRelative.get(r) ?? []), b.payer]);
  }
  return byRelative;
}

/**
 * The split with the relative's account paying what is left in cash, up to their balance. It comes
 * after the patient's own account: 共济 covers what the patient cannot. acct_pay includes it (as
 * acct_mulaid_pay), so fund + acct_pay + cash still equals the total.
 */
export function withMutualAid(split: Split, payerBalanceFen: number): Split {
  const mulaid = Math.max(0, Math.min(payerBalanceFen, split.psnCashPayFen));
  return { ...split, acctPayFen: split.acctPayFen + mulaid, psnCashPayFen: split.psnCashPayFen - mulaid, acctMulaidPayFen: mulaid };
}
