// The shared vocabulary of the terminal: what a bill's split, a device's health, a credential and a
// patient-facing error are. Every layer speaks these words; this file imports nothing but zod, so
// drivers, the settlement and the API can all use it without knowing each other. Money is integer fen.
import { z } from 'zod';

export const Fen = z.number().int().safe();

export const ServiceKind = z.enum(['outpatient', 'registration', 'discharge']);
export type ServiceKind = z.infer<typeof ServiceKind>;

/** The credential a patient presented, as far as the UI may know it (never the raw payload). */
export const CredentialKind = z.enum(['ec-qr', 'ss-card', 'id-card', 'face', 'hospital-barcode', 'pay-code']);
export type CredentialKind = z.infer<typeof CredentialKind>;

/** The split of one bill (一单式): what each payer pays. Sums to totalFen to the fen. */
export const Split = z.object({
  totalFen: Fen,
  fundFen: Fen,
  basicFundFen: Fen,
  criticalIllnessFen: Fen,
  /** 职工大额医疗费用补助 (hifob_pay): the employees' large-amount fund; absent in splits kept before it was named. */
  largeAmountFundFen: Fen.optional(),
  medicalAidFen: Fen,
  /** What the funds paid that none of the named ones covers (oth_pay, civil servants', enterprise supplementary). */
  otherFundFen: Fen,
  personalAccountFen: Fen,
  familyAccountFen: Fen,
  cashFen: Fen,
  /**
   * 就医一卡通: what the maternity (生育, insutype 510) or work-injury (工伤, 410) fund paid, when the
   * visit was settled under that insutype; absent (0) on an ordinary bill.
   */
  maternityFundFen: Fen.optional(),
  workInjuryFundFen: Fen.optional(),
  /** The platform's reason the split is not the ordinary one (e.g. 异地就医未备案: lower ratio). */
  policyNote: z.string().optional(),
  /** The personal account's balance after this settlement, as the platform returned it (balc); not a payer. */
  balanceAfterFen: Fen.nullable().optional(),
});
export type Split = z.infer<typeof Split>;

/**
 * Each fund and payer of a split by one name, the same on the confirm screen, the receipt, the
 * printed slip, 查询 and the in-room answer (一单式). In the order the national form lists them.
 */
export const payerNames = {
  basicFundFen: '统筹基金',
  criticalIllnessFen: '大病保险',
  largeAmountFundFen: '职工大额医疗费用补助',
  medicalAidFen: '医疗救助',
  maternityFundFen: '生育保险基金',
  workInjuryFundFen: '工伤保险基金',
  otherFundFen: '其他基金',
  personalAccountFen: '个人账户',
  familyAccountFen: '家庭共济',
  cashFen: '现金',
} as const;
export const fundFields = ['basicFundFen', 'criticalIllnessFen', 'largeAmountFundFen', 'medicalAidFen', 'maternityFundFen', 'workInjuryFundFen', 'otherFundFen'] as const;

/** The funds that paid part of this split, by name, zero lines left out. */
export function fundLines(split: Split): Array<{ field: (typeof fundFields)[number]; name: string; fen: number }> {
  return fundFields.map((field) => ({ field, name: payerNames[field], fen: split[field] ?? 0 })).filter((l) => l.fen !== 0);
}

/** 甲/乙/丙类: an item's class (chrgitm_lv 01/02/03) as the slip prints it. */
export const itemClassNames = { '01': '甲类', '02': '乙类', '03': '丙类' } as const;

/** How the cash that is left after funds and accounts is paid: at the cashier, by payment code (一码付), or on credit (信用就医). */
export const CashMethod = z.enum(['cashier', 'pay-code', 'credit']);
export type CashMethod = z.infer<typeof CashMethod>;

export const UserError = z.object({
  code: z.string(),
  /** Words a patient understands, with what to do next. */
  message: z.string(),
});
export type UserError = z.infer<typeof UserError>;

export const DeviceHealth = z.object({
  id: z.string(),
  kind: z.enum(['qr-scanner', 'card-reader', 'id-card', 'camera', 'printer']),
  state: z.enum(['connecting', 'ready', 'error', 'closed']),
  lastDataAt: z.string().nullable(),
  errorCount: z.number().int().nonnegative(),
  lastError: z.string().nullable(),
  /** Card readers: whether a card is on or in the reader now. */
  cardPresent: z.boolean().optional(),
});
export type DeviceHealth = z.infer<typeof DeviceHealth>;

export const ReconciliationGroup = z.object({
  insutype: z.string(),
  clrType: z.string(),
  /** The clearing area (setl_optins); absent in results kept before groups had one. */
  setlOptins: z.string().optional(),
  /** The day's refunds (refd_setl_flag 1) rather than the settlements in force. */
  refunds: z.boolean().optional(),
  count: z.number().int().nonnegative(),
  totalFen: Fen,
  fundFen: Fen,
  accountFen: Fen,
  balanced: z.boolean(),
  /** The platform's own words (stmt_rslt_dscr), kept as received. */
  detail: z.string(),
  /** The visits in a group that did not balance, for staff to check one by one. */
  settlementIds: z.array(z.string()),
});

export const Reconciliation = z.object({
  date: z.string(),
  ranAt: z.string(),
  balanced: z.boolean(),
  /** Set when the platform could not be asked; then nothing is known to balance. */
  error: z.string().nullable(),
  groups: z.array(ReconciliationGroup),
});
export type Reconciliation = z.infer<typeof Reconciliation>;
