// Daily reconciliation (3201): the terminal's totals of one day, per insurance type, clearing type
// and clearing area (setl_optins: a cross-region visit clears with the patient's insured area), the
// settlements in force and the day's refunds (refd_setl_flag 1) apart, against the platform's books;
// a group that does not balance is reconciled row by row (3202), which names the visits. A group that does not balance is an alert that lists the
// visits in it, with the platform's own description kept as received.
import type { Reconciliation, Split } from '../common/vocabulary';
import type { PlatformClient } from '../insurance/client';
import { fenToYuan } from '../common/money';
import { tx3201, tx3202 } from '../insurance/transactions';
import type { Journal, SettlementRow } from '../journal/journal';
import { callThroughOutbox } from '../outbox/outbox-send';

/** clr_type: the platform clears outpatient (11) and inpatient (21) settlements apart. */
const clrTypeOf = (service: string) => (service === 'discharge' ? '21' : '11');

/** A calendar day in the terminal's local time, as the platform dates its settlements. */
export function localDayRange(date: string): { fromIso: string; toIso: string } {
  const from = new Date(`${date}T00:00:00`);
  const to = new Date(from);
  to.setDate(to.getDate() + 1);
  return { fromIso: from.toISOString(), toIso: to.toISOString() };
}

export function localDate(at: Date): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `${at.getFullYear()}-${p(at.getMonth() + 1)}-${p(at.getDate())}`;
}

interface Group {
  insutype: string;
  clrType: string;
  /** 清算机构: the patient's insured area (clr_optins); cross-region visits clear with their own area. */
  setlOptins: string;
  /** '1': the refunds (cancelled settlements) of the day; '0': the settlements in force. */
  refunds: boolean;
  rows: Array<{ id: string; setlId: string; mdtrtId: string; psnNo: string; split: Split }>;
  totalFen: number;
  fundFen: number;
  accountFen: number;
}

/** Visits refunded in [fromIso, toIso): when their refund completed. */
function refundedBetween(journal: Journal, fromIso: string, toIso: string) {
  return journal.settlementsIn(['refunded']).filter((row) => {
    const at = journal.events(row.id).find((e) => e.to_state === 'refunded')?.at ?? row.updatedAt;
    return at >= fromIso && at < toIso;
  });
}

export async function reconcileDay(journal: Journal, platform: PlatformClient, date: string, now: () => Date = () => new Date()): Promise<Reconciliation> {
  const { fromIso, toIso } = localDayRange(date);
  const groups = new Map<string, Group>();
  const add = (row: SettlementRow, refunds: boolean) => {
    const split = JSON.parse(row.splitJson ?? 'null') as Split | null;
    if (!split || !row.insutype) return;
    const clrType = clrTypeOf(row.service);
    const setlOptins = row.insuplcAdmdvs ?? '';
    const key = `${row.insutype}/${clrType}/${setlOptins}/${refunds ? 1 : 0}`;
    const g = groups.get(key) ?? { insutype: row.insutype, clrType, setlOptins, refunds, rows: [], totalFen: 0, fundFen: 0, accountFen: 0 };
    g.rows.push({ id: row.id, setlId: row.setlId ?? '', mdtrtId: row.mdtrtId ?? '', psnNo: row.psnNo ?? '', split });
    g.totalFen += split.totalFen;
    g.fundFen += split.fundFen;
    g.accountFen += split.personalAccountFen + split.familyAccountFen;
    groups.set(key, g);
  };
  for (const row of journal.settledBetween(fromIso, toIso)) add(row, false);
  // Refunds of the day are reconciled apart (refd_setl_flag 1), as the platform keeps them.
  for (const row of refundedBetween(journal, fromIso, toIso)) add(row, true);

  const result: Reconciliation = { date, ranAt: now().toISOString(), balanced: true, error: null, groups: [] };
  for (const g of groups.values()) {
    const flag = g.refunds ? '1' : '0';
    const outcome = await callThroughOutbox(journal, platform, {
      step: 'reconcile',
      infno: '3201',
      input: tx3201.input.parse({
        data: {
          insutype: g.insutype,
          clr_type: g.clrType,
          setl_optins: g.setlOptins,
          stmt_begndate: date,
          stmt_enddate: date,
          medfee_sumamt: fenToYuan(g.totalFen),
          fund_pay_sumamt: fenToYuan(g.fundFen),
          acct_pay: fenToYuan(g.accountFen),
          fixmedins_setl_cnt: g.rows.length,
          refd_setl_flag: flag,
        },
      }),
    });
    if (outcome.kind !== 'ok') {
      result.balanced = false;
      result.error = outcome.kind === 'rejected' ? outcome.errMsg : `platform did not answer (${outcome.reason})`;
      break;
    }
    const info = tx3201.output.parse(outcome.output).stmtinfo;
    const balanced = info.stmt_rslt === '0';
    result.balanced &&= balanced;
    let detail = info.stmt_rslt_dscr ?? '';
    let settlementIds: string[] = [];
    if (!balanced) {
      // The totals differ: 3202 row by row names the visits (and the platform's settlements we do not have).
      const named = await detailReconciliation(journal, platform, date, g, flag);
      settlementIds = named.ids;
      detail = [detail, ...named.notes].filter(Boolean).join('; ');
    }
    result.groups.push({
      insutype: g.insutype,
      clrType: g.clrType,
      setlOptins: g.setlOptins,
      refunds: g.refunds,
      count: g.rows.length,
      totalFen: g.totalFen,
      fundFen: g.fundFen,
      accountFen: g.accountFen,
      balanced,
      detail,
      settlementIds,
    });
  }
  journal.setMetaValue('last_reconciliation', JSON.stringify(result));
  return result;
}

/**
 * 3202 for a group that did not balance: the visits whose rows the platform does not match, by
 * terminal id (all of the group's, if 3202 itself could not be had), and a note per row it names
 * that the terminal does not have.
 */
async function detailReconciliation(journal: Journal, platform: PlatformClient, date: string, g: Group, flag: '0' | '1'): Promise<{ ids: string[]; notes: string[] }> {
  const cash = g.rows.reduce((s, r) => s + r.split.cashFen, 0);
  const outcome = await callThroughOutbox(journal, platform, {
    step: 'reconcile-detail',
    infno: '3202',
    input: tx3202.input.parse({
      data: {
        setl_optins: g.setlOptins,
        file_qury_no: '',
        stmt_begndate: date,
        stmt_enddate: date,
        medfee_sumamt: fenToYuan(g.totalFen),
        fund_pay_sumamt: fenToYuan(g.fundFen),
        cash_payamt: fenToYuan(cash),
        fixmedins_setl_cnt: g.rows.length,
        insutype: g.insutype,
        clr_type: g.clrType,
        refd_setl_flag: flag,
      },
      detail: g.rows.map((r) => ({
        setl_id: r.setlId,
        mdtrt_id: r.mdtrtId,
        psn_no: r.psnNo,
        medfee_sumamt: fenToYuan(r.split.totalFen),
        fund_pay_sumamt: fenToYuan(r.split.fundFen),
        acct_pay: fenToYuan(r.split.personalAccountFen + r.split.familyAccountFen),
        refd_setl_flag: flag,
      })),
    }),
  });
  if (outcome.kind !== 'ok') return { ids: g.rows.map((r) => r.id), notes: [`3202 not available (${outcome.kind === 'rejected' ? outcome.errMsg : outcome.reason}): every visit of the group to check`] };
  const rows = tx3202.output.parse(outcome.output).details.filter((d) => d.stmt_rslt === '1');
  const bySetlId = new Map(g.rows.map((r) => [r.setlId, r.id]));
  const ids: string[] = [];
  const notes: string[] = [];
  for (const d of rows) {
    const id = bySetlId.get(d.setl_id);
    if (id) ids.push(id);
    notes.push(`${d.setl_id}: ${d.memo ?? ''}${id ? '' : ' (not on this terminal)'}`);
  }
  return { ids, notes };
}
