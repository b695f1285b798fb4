// Daily reconciliation (3201): the terminal's totals of one day, per insurance type and clearing
// type, against the platform's books. A group that does not balance is an alert that lists the
// visits in it, with the platform's own description kept as received.
import type { Reconciliation, Split } from '../common/vocabulary';
import type { PlatformClient } from '../insurance/client';
import { fenToYuan } from '../common/money';
import { tx3201 } from '../insurance/transactions';
import type { Journal } from '../journal/journal';
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

export async function reconcileDay(journal: Journal, platform: PlatformClient, date: string, now: () => Date = () => new Date()): Promise<Reconciliation> {
  const { fromIso, toIso } = localDayRange(date);
  const groups = new Map<string, { insutype: string; clrType: string; ids: string[]; totalFen: number; fundFen: number; accountFen: number }>();
  for (const row of journal.settledBetween(fromIso, toIso)) {
    const split = JSON.parse(row.splitJson ?? 'null') as Split | null;
    if (!split || !row.insutype) continue;
    const clrType = clrTypeOf(row.service);
    const key = `${row.insutype}/${clrType}`;
    const g = groups.get(key) ?? { insutype: row.insutype, clrType, ids: [], totalFen: 0, fundFen: 0, accountFen: 0 };
    g.ids.push(row.id);
    g.totalFen += split.totalFen;
    g.fundFen += split.fundFen;
    g.accountFen += split.personalAccountFen + split.familyAccountFen;
    groups.set(key, g);
  }
  const result: Reconciliation = { date, ranAt: now().toISOString(), balanced: true, error: null, groups: [] };
  for (const g of groups.values()) {
    const outcome = await callThroughOutbox(journal, platform, {
      step: 'reconcile',
      infno: '3201',
      input: tx3201.input.parse({
        data: {
          insutype: g.insutype,
          clr_type: g.clrType,
          setl_optins: '',
          stmt_begndate: date,
          stmt_enddate: date,
          medfee_sumamt: fenToYuan(g.totalFen),
          fund_pay_sumamt: fenToYuan(g.fundFen),
          acct_pay: fenToYuan(g.accountFen),
          fixmedins_setl_cnt: g.ids.length,
          refd_setl_flag: '0',
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
    result.groups.push({
      insutype: g.insutype,
      clrType: g.clrType,
      count: g.ids.length,
      totalFen: g.totalFen,
      fundFen: g.fundFen,
      accountFen: g.accountFen,
      balanced,
      detail: info.stmt_rslt_dscr ?? '',
      settlementIds: balanced ? [] : g.ids,
    });
  }
  journal.setMetaValue('last_reconciliation', JSON.stringify(result));
  return result;
}
