// Which payer lines of a split (一单式) the confirm screen shows, in the order the national form
// lists them. Lines that paid nothing are left out in every mode, so five ¥0.00 rows do not compete
// with the amount that matters; the "pay now" amount (¥0.00 too) is shown apart, first and largest,
// by the screen itself.
import type { Split } from '../../terminal/api/schema';

export type PayerField = Exclude<keyof Split, 'fundFen' | 'totalFen' | 'policyNote' | 'balanceAfterFen'>;

const order: ReadonlyArray<{ field: PayerField }> = [
  { field: 'basicFundFen' },
  { field: 'criticalIllnessFen' },
  { field: 'largeAmountFundFen' },
  { field: 'medicalAidFen' },
  // 就医一卡通: the maternity and work-injury funds, on a bill they paid.
  { field: 'maternityFundFen' },
  { field: 'workInjuryFundFen' },
  { field: 'otherFundFen' },
  { field: 'personalAccountFen' },
  { field: 'familyAccountFen' },
  { field: 'cashFen' },
];

/** The payers that paid something, in the order the bill lists them: zero rows are left out in every mode. */
export function splitLines(split: Split): PayerField[] {
  return order.filter((row) => (split[row.field] ?? 0) !== 0).map((row) => row.field);
}
