// 查询: the identified patient's past payments on this kiosk (when, what, the bill, what insurance
// paid, what they paid, settled / pending / cancelled), a reprint of any settled receipt, and their
// lab and exam reports from the hospital. Elderly mode: the way out first, fewer columns and rows.
import { Fragment, useState } from 'react';
import type { HistoryVisit } from '../../../terminal/api/schema';
import { fill, type TextKey } from '../i18n';
import { formatFen } from '../money';
import { countText } from '../plural';
import { formatLocalTime } from '../local-time';
import type { ScreenProps } from './props';
import { PatientLine } from './PatientLine';
import { PayerLines } from './PayerLines';
import { splitLines } from '../split-lines';
import { repayText } from './repay-text';

const statusText: Record<HistoryVisit['status'], TextKey> = {
  settled: 'historySettled',
  pending: 'historyPending',
  cancelled: 'historyCancelled',
  refunded: 'historyRefunded',
  refunding: 'historyRefunding',
};

const serviceText: Record<string, TextKey> = {
  outpatient: 'historyOutpatient',
  registration: 'historyRegistration',
  discharge: 'historyDischarge',
};

/** How the cash part was paid, or where it is still owed. */
const cashWayText: Record<NonNullable<HistoryVisit['cashWay']>, TextKey> = {
  'pay-code': 'historyPaidByCode',
  cashier: 'historyOwedCashier',
  credit: 'historyOwedCredit',
  repaid: 'historyRepaid',
};

/** Rows an elderly patient sees: the latest few, large. */
const ELDERLY_ROWS = 3;

/** What the patient paid themselves: personal and family account plus cash. */
function youPaid(visit: HistoryVisit): number | null {
  return visit.accountFen === null || visit.cashFen === null ? null : visit.accountFen + visit.cashFen;
}

/** HIS times come as local "yyyy-MM-dd HH:mm:ss" text; shown as they are, minus the seconds. */
function hisTime(text: string): string {
  return text.replace(/:\d\d$/, '');
}

export function History({ session, status, t, lang, elderly, busy, run }: ScreenProps) {
  // 打印凭证 only where a printer is configured: a button that can only fail is no offer.
  const hasPrinter = status?.devices.some((d) => d.kind === 'printer') === true;
  const history = session.history;
  const visits = history?.visits ?? [];
  const shownVisits = elderly ? visits.slice(0, ELDERLY_ROWS) : visits;
  const reports = history?.reports ?? null;
  // 还款: the debt whose repayment is open is the core's (history.repayFor), so a payment code the
  // scanner reads goes to it there; the digits typed under the code are kept here until sent.
  const repaying = visits.find((v) => v.settlementId === history?.repayFor) ?? null;
  const [payCode, setPayCode] = useState('');
  const repay = history?.repay ?? null;
  const submitRepay = () => {
    if (!repaying || !payCode.trim()) return;
    run({ type: 'history.repay', settlementId: repaying.settlementId, payCode: payCode.trim() });
    setPayCode('');
  };
  const amount = (fen: number | null, status: HistoryVisit['status']) => (status === 'cancelled' ? t('historyNotPaid') : fen === null ? '—' : formatFen(fen));

  const done = (
    <div className="actions">
      <button type="button" className="primary" data-testid="back-to-start" disabled={busy} onClick={() => run({ type: 'session.reset' })}>
        {t('done')}
      </button>
    </div>
  );

  return (
    <section className="screen history" data-testid="screen-history">
      <h1>{t('historyTitle')}</h1>
      <PatientLine session={session} t={t} />
      {elderly && done}
      {visits.length === 0 ? (
        <p className="body" data-testid="history-empty">{t('historyEmpty')}</p>
      ) : (
        <table className="bill history-table" data-testid="history-visits">
          <thead>
            <tr>
              <th scope="col">{t('historyDate')}</th>
              {!elderly && <th scope="col">{t('historyService')}</th>}
              <th scope="col" className="num">{t('historyTotal')}</th>
              {!elderly && <th scope="col" className="num">{t('historyInsurance')}</th>}
              <th scope="col" className="num">{t('historyYouPaid')}</th>
              <th scope="col">{t('historyStatus')}</th>
              <th scope="col"><span className="visually-hidden">{t('historyPrint')}</span></th>
            </tr>
          </thead>
          <tbody>
            {shownVisits.map((v) => {
              const date = formatLocalTime(v.at, lang);
              // Elderly: the day is enough to tell visits apart, and it fits on one line.
              const shownDate = elderly ? date.replace(/,? \d\d:\d\d:\d\d$/, '') : date;
              const printed = history?.printedId === v.settlementId;
              return (
                <Fragment key={v.settlementId}>
                <tr data-testid="history-visit" data-settlement-id={v.settlementId} data-status={v.status}>
                  <td data-testid="history-date">{shownDate}</td>
                  {!elderly && <td>{serviceText[v.service] ? t(serviceText[v.service] as TextKey) : v.service}</td>}
                  <td className="num" data-testid="history-total">{v.totalFen === null ? '—' : formatFen(v.totalFen)}</td>
                  {!elderly && <td className="num" data-testid="history-insurance">{amount(v.fundFen, v.status)}</td>}
                  <td className="num" data-testid="history-you-paid">
                    {amount(youPaid(v), v.status)}
                    {v.cashWay && v.cashFen !== null && (
                      <span className={v.cashWay === 'cashier' || v.cashWay === 'credit' ? 'cash-way owed' : 'cash-way'} data-testid="history-cash-way" data-way={v.cashWay}>
                        {formatFen(v.cashFen)} {t(cashWayText[v.cashWay])}
                      </span>
                    )}
                  </td>
                  <td data-testid="history-status" className={`status-${v.status}`}>{t(statusText[v.status])}</td>
                  <td>
                    {v.printable && hasPrinter && (
                      <button
                        type="button"
                        className="print"
                        data-testid="history-print"
                        aria-label={fill(t('historyPrintLabel'), { date })}
                        disabled={busy}
                        onClick={() => run({ type: 'history.print', settlementId: v.settlementId })}
                      >
                        {t('historyPrint')}
                      </button>
                    )}
                    {printed && (
                      <p className="printed" role="status" data-testid="history-printed">
                        {t('historyPrinted')}
                      </p>
                    )}
                    {v.repayable && v.cashFen !== null && (
                      <button
                        type="button"
                        className="print"
                        data-testid="history-repay"
                        aria-label={repayText(lang, 'repayLabel', { amount: formatFen(v.cashFen) })}
                        disabled={busy}
                        onClick={() => {
                          setPayCode('');
                          run({ type: 'history.repayFor', settlementId: v.settlementId });
                        }}
                      >
                        {repayText(lang, 'repay')}
                      </button>
                    )}
                    {repay?.settlementId === v.settlementId && (
                      <p className={repay.outcome === 'repaid' ? 'printed' : 'hint'} role="status" data-testid="history-repay-result" data-outcome={repay.outcome}>
                        {repay.outcome === 'repaid'
                          ? repayText(lang, 'repaid', { amount: formatFen(repay.fen) })
                          : repay.outcome === 'declined'
                            ? repayText(lang, 'repayDeclined', { reason: repay.reason ?? '' })
                            : repayText(lang, 'repayPending')}
                      </p>
                    )}
                  </td>
                </tr>
                {/* 一单式: who paid what, by the receipt's names; a visit that was never paid has no split. */}
                {v.split && v.status !== 'cancelled' && splitLines(v.split).length > 0 && (
                  <tr className="history-payers" data-testid="history-payers" data-settlement-id={v.settlementId}>
                    <td colSpan={elderly ? 5 : 7}>
                      <dl className="split">
                        <PayerLines split={v.split} fields={splitLines(v.split)} t={t} testId="history-payer-line" />
                      </dl>
                    </td>
                  </tr>
                )}
                </Fragment>
              );
            })}
          </tbody>
        </table>
      )}
      {repaying && repaying.cashFen !== null && (
        <form
          className="repay"
          data-testid="history-repay-form"
          onSubmit={(e) => {
            e.preventDefault();
            submitRepay();
          }}
        >
          <h2>{repayText(lang, 'repayTitle')}</h2>
          <p className="body" data-testid="history-repay-amount">{repayText(lang, 'repayAmount', { amount: formatFen(repaying.cashFen) })}</p>
          <p className="hint">{repayText(lang, 'repayScan')}</p>
          {/* A keyboard-wedge scanner types the code here and presses Enter, as a patient typing it would. */}
          <label>
            {repayText(lang, 'repayCode')}
            <input data-testid="history-repay-code" inputMode="numeric" autoComplete="off" autoFocus value={payCode} onChange={(e) => setPayCode(e.target.value)} />
          </label>
          <div className="actions">
            <button type="submit" className="primary" data-testid="history-repay-submit" disabled={busy || !payCode.trim()}>
              {repayText(lang, 'repayPay')}
            </button>
            <button type="button" data-testid="history-repay-cancel" disabled={busy} onClick={() => run({ type: 'history.repayFor', settlementId: null })}>
              {repayText(lang, 'repayCancel')}
            </button>
          </div>
        </form>
      )}
      {!hasPrinter && visits.some((v) => v.printable) && (
        <p className="hint" data-testid="history-no-printer">
          {t('historyNoPrinter')}
        </p>
      )}
      {visits.length > shownVisits.length && <p className="hint">{countText(lang, t, { one: 'historyMoreOne', other: 'historyMore' }, visits.length - shownVisits.length)}</p>}

      <h2>{t('reportsTitle')}</h2>
      {reports === null ? (
        <p className="body" data-testid="reports-unavailable">{t('reportsUnavailable')}</p>
      ) : reports.length === 0 ? (
        <p className="body" data-testid="reports-empty">{t('reportsEmpty')}</p>
      ) : (
        <table className="bill reports-table" data-testid="reports">
          <thead>
            <tr>
              <th scope="col">{t('reportName')}</th>
              {!elderly && <th scope="col">{t('reportDept')}</th>}
              {!elderly && <th scope="col">{t('reportIssued')}</th>}
              <th scope="col">{t('historyStatus')}</th>
            </tr>
          </thead>
          <tbody>
            {(elderly ? reports.slice(0, ELDERLY_ROWS) : reports).map((r) => (
              <tr key={r.reportId} data-testid="report" data-status={r.status}>
                <td>{r.name}</td>
                {!elderly && <td>{r.dept}</td>}
                {!elderly && <td>{hisTime(r.issuedAt)}</td>}
                <td className={`status-${r.status}`} data-testid="report-status">
                  {r.status === 'ready' ? fill(t('reportReadyWhere'), { dept: r.dept }) : t('reportPending')}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {reports !== null && reports.length > 0 && (
        <p className="hint" data-testid="reports-where">
          {t('reportsWhere')}
        </p>
      )}
      {!elderly && done}
    </section>
  );
}
