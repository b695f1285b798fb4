// Credit debts in the journal: reserved with the confirm in one write and refused over a limit (the
// confirm then does not happen either), owed at the settled cash figure, and gone when the visit
// failed; the terminal's limit counts every patient.
import { beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openJournal, type Journal } from './journal';
import { CreditLimitError } from './credit';
import { formatMsgid } from '../insurance/msgid';

const LIMITS = { limitPerPatientFen: 10_000, limitPerTerminalFen: 15_000 };

describe('credit debts (信用就医)', () => {
  let journal: Journal;
  let n = 0;
  beforeEach(() => {
    journal = openJournal({ dataDir: mkdtempSync(join(tmpdir(), 'credit-')), institutionCode: 'H44030500001', formatMsgid });
  });

  function visitOnCredit(psnNo: string, fen: number): string {
    const id = `v${++n}`;
    journal.openSettlement({ id, service: 'outpatient', state: 'awaiting-confirm', context: {}, patch: { psnNo, billId: `B${n}`, totalFen: fen * 2 } });
    journal.transition({ settlementId: id, from: ['awaiting-confirm'], to: 'settle-pending', credit: { psnNo, fen, ...LIMITS } });
    return id;
  }

  it('reserves the cash part with the confirm, and owes the settled figure once the visit is settled', () => {
    const id = visitOnCredit('P1', 4_000);
    assert.deepEqual(journal.credit.debtOf(id) && [journal.credit.debtOf(id)?.status, journal.credit.debtOf(id)?.amountFen], ['reserved', 4_000]);
    journal.transition({ settlementId: id, from: ['settle-pending'], to: 'settled', patch: { splitJson: JSON.stringify({ cashFen: 3_950 }) } });
    assert.equal(journal.credit.debtOf(id)?.status, 'owed');
    assert.equal(journal.credit.debtOf(id)?.amountFen, 3_950, 'what 2207 settled, not the pre-settlement');
    assert.deepEqual(journal.credit.exposure('P1'), { patientFen: 3_950, terminalFen: 3_950 });
  });

  it('refuses over the per-patient limit, and the refused confirm leaves the visit waiting with no debt', () => {
    visitOnCredit('P1', 8_000);
    const id = 'over';
    journal.openSettlement({ id, service: 'outpatient', state: 'awaiting-confirm', context: {}, patch: { psnNo: 'P1', billId: 'B-over', totalFen: 9_000 } });
    assert.throws(
      () => journal.transition({ settlementId: id, from: ['awaiting-confirm'], to: 'settle-pending', credit: { psnNo: 'P1', fen: 2_001, ...LIMITS } }),
      (e: unknown) => e instanceof CreditLimitError && e.limit === 'patient' && e.outstandingFen === 8_000,
    );
    assert.equal(journal.settlement(id)?.state, 'awaiting-confirm');
    assert.equal(journal.credit.debtOf(id), null);
    assert.equal(journal.callsOf(id).length, 0);
  });

  it('counts every patient against the terminal\'s limit', () => {
    visitOnCredit('P1', 9_000);
    visitOnCredit('P2', 5_000);
    assert.throws(() => visitOnCredit('P3', 1_001), (e: unknown) => e instanceof CreditLimitError && e.limit === 'terminal');
    visitOnCredit('P3', 1_000);
    assert.equal(journal.credit.exposure('P3').terminalFen, 15_000);
  });

  it('lets a failed or cancelled visit\'s reservation go, so it no longer counts', () => {
    const id = visitOnCredit('P1', 9_000);
    journal.transition({ settlementId: id, from: ['settle-pending'], to: 'failed' });
    assert.equal(journal.credit.debtOf(id)?.status, 'void');
    assert.equal(journal.credit.exposure('P1').patientFen, 0);
    visitOnCredit('P1', 9_000);
  });

  it('replaces the sealed context in the same write when asked to', () => {
    journal.openSettlement({ id: 'ctx', service: 'outpatient', state: 'awaiting-confirm', context: { usePersonalAccount: true } });
    journal.transition({ settlementId: 'ctx', from: ['awaiting-confirm'], to: 'presettle-pending', context: { usePersonalAccount: false } });
    assert.deepEqual(journal.settlementContext('ctx'), { usePersonalAccount: false });
  });
});
