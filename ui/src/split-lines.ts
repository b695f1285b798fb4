// Which payer lines of a split (一单式) the confirm screen shows, in the order the national form
// lists them. Elderly mode drops the zero lines so fewer numbers compete for attention; the cash
// line ("pay now") is shown apart, first and largest, by the screen itself.
import type { Split } from '../../terminal/api/schema';

export type PayerField = Exclude<keyof Split, 'fundFen' | 'totalFen' | 'balanceAfterFen'>;

const order: ReadonlyArray<{ field: PayerField; always: boolean }> = [
  { field: 'basicFundFen', always: true },
  { field: 'criticalIllnessFen', always: true },
  { field: 'largeAmountFundFen', always: false },
  { field: 'medicalAidFen', always: true },
  { field: 'otherFundFen', always: false },
  { field: 'personalAccountFen', always: true },
  { field: 'familyAccountFen', always: true },
  { field: 'cashFen', always: true },
];

export function splitLines(split: Split, elderly: boolean): PayerField[] {
  return order.filter((row) => (split[row.field] ?? 0) !== 0 || (row.always && !elderly)).map((row) => row.field);
}
