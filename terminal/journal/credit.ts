// Credit (信用就医, treat first and pay later): the self-paid part a patient leaves owing to the
// hospital, within limits per patient and per terminal. It is a hospital-side arrangement, so no
// platform call carries it; the journal records it with the confirm that starts the settlement, in
// the same transaction, so a debt exists exactly when its settlement does. Whether it is owed is read
// from the visit itself: reserved while the visit is open, owed (the settled cash part) once settled,
// nothing once the visit failed, was cancelled or was refunded (a refund cancels the debt). Only psn_no is kept: no name, no ID number.
import type Database from 'better-sqlite3';

export interface CreditReservation {
  psnNo: string;
  /** The cash part at confirm (from the pre-settlement). */
  fen: number;
  limitPerPatientFen: number;
  limitPerTerminalFen: number;
}

export interface CreditDebt {
  settlementId: string;
  psnNo: string;
  /** owed: settled and not repaid; reserved: the settlement is still under way; void: it never happened. */
  status: 'reserved' | 'owed' | 'void' | 'repaid';
  amountFen: number;
  createdAt: string;
  repaidAt: string | null;
}

/** Over a limit: refused before the settlement is queued, so nothing was sent or owed. */
export class CreditLimitError extends Error {
  constructor(
    readonly limit: 'patient' | 'terminal',
    readonly outstandingFen: number,
    readonly limitFen: number,
  ) {
    super(`credit over the ${limit} limit: ${outstandingFen} fen outstanding, limit ${limitFen} fen`);
    this.name = 'CreditLimitError';
  }
}

// A repayment by code under way (repay-pending, repay-query-pending) leaves the debt owed until the
// write that records the payment's success marks it repaid.
const OWING = `('settled','closed','repay-pending','repay-query-pending')`;
const AMOUNT = `CASE WHEN s.state IN ${OWING} THEN coalesce(json_extract(s.split_json, '$.cashFen'), d.reserved_fen)
                     WHEN s.state IN ('failed','cancelled','refunded') THEN 0 ELSE d.reserved_fen END`;
const STATUS = `CASE WHEN d.repaid_at IS NOT NULL THEN 'repaid' WHEN s.state IN ${OWING} THEN 'owed'
                     WHEN s.state IN ('failed','cancelled','refunded') THEN 'void' ELSE 'reserved' END`;

/** A credit_debts row joined with its settlement, status and amount worked out in SQL. */
interface CreditDebtRecord {
  settlement_id: string;
  psn_no: string;
  created_at: string;
  repaid_at: string | null;
  status: string;
  amount: number | null;
}

export function rowToCreditDebt(r: CreditDebtRecord): CreditDebt {
  return {
    settlementId: r.settlement_id,
    psnNo: r.psn_no,
    status: r.status as CreditDebt['status'],
    amountFen: Number(r.amount ?? 0),
    createdAt: r.created_at,
    repaidAt: r.repaid_at ?? null,
  };
}

export function creditStore(db: Database.Database, nowIso: () => string) {
  const exposure = db.prepare<[string], { patient: number | null; terminal: number | null }>(
    `SELECT sum(CASE WHEN d.psn_no = ? THEN ${AMOUNT} ELSE 0 END) AS patient, sum(${AMOUNT}) AS terminal
     FROM credit_debts d JOIN settlements s ON s.id = d.settlement_id WHERE d.repaid_at IS NULL`,
  );
  const repay = db.prepare('UPDATE credit_debts SET repaid_at = ?, repaid_note = ? WHERE settlement_id = ? AND repaid_at IS NULL');
  const insert = db.prepare('INSERT INTO credit_debts (settlement_id, psn_no, reserved_fen, created_at) VALUES (?, ?, ?, ?)');
  const list = db.prepare<[], CreditDebtRecord>(
    `SELECT d.settlement_id, d.psn_no, d.created_at, d.repaid_at, ${STATUS} AS status, ${AMOUNT} AS amount
     FROM credit_debts d JOIN settlements s ON s.id = d.settlement_id ORDER BY d.created_at`,
  );
  const one = db.prepare<[string], CreditDebtRecord>(
    `SELECT d.settlement_id, d.psn_no, d.created_at, d.repaid_at, ${STATUS} AS status, ${AMOUNT} AS amount
     FROM credit_debts d JOIN settlements s ON s.id = d.settlement_id WHERE d.settlement_id = ?`,
  );
  return {
    /** What is outstanding (owed or reserved, not repaid) for one person and for the terminal. */
    exposure(psnNo: string): { patientFen: number; terminalFen: number } {
      const row = exposure.get(psnNo);
      return { patientFen: row?.patient ?? 0, terminalFen: row?.terminal ?? 0 };
    },
    /** Inside the confirm's transaction: throws CreditLimitError (rolling the confirm back) when over. */
    reserve(settlementId: string, r: CreditReservation): void {
      const { patientFen, terminalFen } = this.exposure(r.psnNo);
      if (patientFen + r.fen > r.limitPerPatientFen) throw new CreditLimitError('patient', patientFen, r.limitPerPatientFen);
      if (terminalFen + r.fen > r.limitPerTerminalFen) throw new CreditLimitError('terminal', terminalFen, r.limitPerTerminalFen);
      insert.run(settlementId, r.psnNo, r.fen, nowIso());
    },
    /**
     * Inside the transition that records a repayment's confirmed payment (credit-repay.ts): the debt
     * repaid in the same write. False when it was repaid already (staff marked it meanwhile): the
     * caller's note says so, and the money is not lost from view.
     */
    markRepaid(settlementId: string, note: string): boolean {
      return repay.run(nowIso(), note, settlementId).changes === 1;
    },
    debts(): CreditDebt[] {
      return list.all().map(rowToCreditDebt);
    },
    debtOf(settlementId: string): CreditDebt | null {
      const r = one.get(settlementId);
      return r ? rowToCreditDebt(r) : null;
    },
  };
}

export type CreditStore = ReturnType<typeof creditStore>;
