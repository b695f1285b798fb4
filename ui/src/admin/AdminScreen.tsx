// What hospital IT sees behind the PIN: platform and replay state, today's totals, the queue of
// visits with work left (dead letters marked, retry or cancel with a reason), the last
// reconciliation group by group, and the devices. No patient data: the core sends none.
import { useState } from 'react';
import type { AdminOverview, QueueItem, SimFaultPreset, TerminalStatus } from '../../../terminal/api/schema';
import { ConfigPanel } from './ConfigPanel';
import { fill, type Lang, type TextKey } from '../i18n';
import { formatFen } from '../money';
import { countText } from '../plural';
import { formatLocalTime } from '../local-time';
import { MoneyActionDialog, MoneyOutcomeLine, SettledVisits } from './MoneyActions';
import type { MoneyAction, MoneyOutcome } from './money-action';
import { refundText } from './refund-text';
import { alertDetailText, alertRuleText, alertText, deviceKindText, deviceStateText, formatAge, serviceText, stateText, validReason } from './admin-text';

const creditStatusText: Record<NonNullable<AdminOverview['credit']>['debts'][number]['status'], TextKey> = {
  reserved: 'creditReserved',
  owed: 'creditOwed',
  void: 'creditVoid',
  repaid: 'creditRepaid',
};

/** What the journal row says while the journal holds payments back (the error carries the restore command when damaged). */
const adminJournalText: Record<Exclude<NonNullable<TerminalStatus['journal']>['state'], 'ok'>, TextKey> = {
  'journal-write-failed': 'adminJournalFailed',
  'journal-checking': 'adminJournalChecking',
  'journal-damaged': 'adminJournalDamaged',
};

export type StaffAction = { type: 'admin.retry' | 'admin.cancel'; settlementId: string; reason: string };

const presetReasons: Record<StaffAction['type'], TextKey[]> = {
  'admin.retry': ['adminReasonNetworkBack', 'adminReasonChecked'],
  'admin.cancel': ['adminReasonPaidAtDesk', 'adminReasonPatientAsked', 'adminReasonChecked'],
};

export function AdminScreen(props: {
  overview: AdminOverview;
  updatedAt: string;
  status: TerminalStatus | null;
  connected: boolean;
  t: (key: TextKey) => string;
  lang: Lang;
  busy: boolean;
  onRefresh: () => void;
  onForward: () => void;
  /** After 立即上传: how many visits waited before and after (null until it is tapped). */
  forwarded?: { before: number; after: number } | null;
  onReconcile: () => void;
  onStaffAction: (action: StaffAction) => void;
  onMoneyAction: (action: MoneyAction) => void;
  /** What came of the last refund or credit marked repaid. */
  moneyOutcome: MoneyOutcome | null;
  onFaults: (preset: SimFaultPreset) => void;
  onExit: () => void;
}) {
  const { overview, status, t, lang, busy } = props;
  const [asking, setAsking] = useState<{ type: StaffAction['type']; item: QueueItem } | null>(null);
  const [askingMoney, setAskingMoney] = useState<{ type: MoneyAction['type']; settlementId: string; label: string } | null>(null);
  const time = (iso: string | null) => (iso ? formatLocalTime(iso, lang) : t('adminNever'));
  const online = props.connected && status?.platformOnline === true;
  const { replay, today, reconciliation: rec } = overview;

  return (
    <section className="screen admin" data-testid="screen-admin" aria-labelledby="admin-title">
      <h1 id="admin-title">{t('adminTitle')}</h1>
      <p className="hint" data-testid="admin-updated">{fill(t('adminUpdatedAt'), { time: formatLocalTime(props.updatedAt, lang) })}</p>
      <div className="admin-toolbar">
        <button type="button" className="secondary" data-testid="admin-refresh" disabled={busy} onClick={props.onRefresh}>
          {t('adminRefresh')}
        </button>
        <button type="button" className="primary" data-testid="admin-forward" disabled={busy} onClick={props.onForward}>
          {t('adminForward')}
        </button>
        <button type="button" className="primary" data-testid="admin-reconcile" disabled={busy} onClick={props.onReconcile}>
          {t('adminReconcile')}
        </button>
        <button type="button" className="secondary" data-testid="admin-exit" onClick={props.onExit}>
          {t('adminExit')}
        </button>
      </div>
      {props.forwarded && (
        <p className="forward-result" role="status" data-testid="admin-forward-result" data-left={props.forwarded.after}>
          {props.forwarded.before === 0 && props.forwarded.after === 0
            ? t('adminForwardNothing')
            : props.forwarded.after === 0
              ? t('adminForwardDone')
              : countText(lang, t, { one: 'adminForwardLeftOne', other: 'adminForwardLeft' }, props.forwarded.after)}
        </p>
      )}

      {props.moneyOutcome && <MoneyOutcomeLine outcome={props.moneyOutcome} lang={lang} />}

      <h2>{t('adminStatus')}</h2>
      <dl className="split admin-facts">
        <div className="row">
          <dt>{t('adminPlatform')}</dt>
          <dd className={online ? 'ok' : 'bad'} data-testid="admin-platform" data-online={String(online)}>
            {t(online ? 'platformOnline' : 'platformOffline')}
          </dd>
        </div>
        <div className="row">
          <dt>{t('adminReplay')}</dt>
          <dd data-testid="admin-replay" data-draining={String(replay.draining)}>
            {t(replay.draining ? 'adminReplayDraining' : 'adminReplayIdle')}
          </dd>
        </div>
        <div className="row">
          <dt>{t('adminJournal')}</dt>
          {status?.journal && status.journal.state !== 'ok' ? (
            <dd className={status.journal.state === 'journal-checking' ? undefined : 'bad'} data-testid="admin-journal" data-state={status.journal.state}>
              {fill(t(adminJournalText[status.journal.state]), { since: time(status.journal.since), error: status.journal.error ?? '' })}
            </dd>
          ) : (
            <dd className="ok" data-testid="admin-journal" data-state="ok">
              {t('adminJournalOk')}
            </dd>
          )}
        </div>
        <div className="row">
          <dt>{t('adminQueuedVisits')}</dt>
          <dd data-testid="admin-queued">{replay.queuedVisits}</dd>
        </div>
        <div className="row">
          <dt>{t('adminLastProbe')}</dt>
          <dd data-testid="admin-probe" data-ok={String(replay.lastProbeOk)} className={replay.lastProbeOk === false ? 'bad' : undefined}>
            {replay.lastProbeOk === null ? t('adminNever') : t(replay.lastProbeOk ? 'adminProbeOk' : 'adminProbeFailed')}
          </dd>
        </div>
        <div className="row">
          <dt>{t('adminLastRun')}</dt>
          <dd>{time(replay.lastRunAt)}</dd>
        </div>
      </dl>

      <h2>{fill(t('adminToday'), { date: today.date })}</h2>
      <dl className="split admin-facts" data-testid="admin-today">
        <div className="row">
          <dt>{t('adminCount')}</dt>
          <dd data-testid="today-count">{today.settledCount}</dd>
        </div>
        <div className="row">
          <dt>{t('adminTotal')}</dt>
          <dd data-testid="today-total">{formatFen(today.totalFen)}</dd>
        </div>
        <div className="row">
          <dt>{t('adminFund')}</dt>
          <dd data-testid="today-fund">{formatFen(today.fundFen)}</dd>
        </div>
        <div className="row">
          <dt>{t('adminAccount')}</dt>
          <dd data-testid="today-account">{formatFen(today.accountFen)}</dd>
        </div>
        <div className="row">
          <dt>{t('adminCash')}</dt>
          <dd data-testid="today-cash">{formatFen(today.cashFen)}</dd>
        </div>
        {today.payCodeFen !== undefined && (
          <div className="row">
            <dt>{t('adminPayCode')}</dt>
            <dd data-testid="today-pay-code">{formatFen(today.payCodeFen)}</dd>
          </div>
        )}
        {today.atCashierFen !== undefined && (
          <div className="row owed">
            <dt>{t('adminAtCashier')}</dt>
            <dd data-testid="today-at-cashier">{formatFen(today.atCashierFen)}</dd>
          </div>
        )}
        {today.creditFen !== undefined && (
          <div className="row owed">
            <dt>{t('adminCreditToday')}</dt>
            <dd data-testid="today-credit">{formatFen(today.creditFen)}</dd>
          </div>
        )}
      </dl>

      {overview.credit && (
        <>
          <h2 id="admin-credit-title">{t('adminCredit')}</h2>
          <p className="body" data-testid="credit-outstanding">
            {t('adminCreditOutstanding')}: {formatFen(overview.credit.outstandingFen)}
          </p>
          {overview.credit.debts.length === 0 ? (
            <p className="body">{t('adminCreditNone')}</p>
          ) : (
            <table className="bill" aria-labelledby="admin-credit-title" data-testid="credit-debts">
              <thead>
                <tr>
                  <th scope="col">{t('adminCreditBill')}</th>
                  <th scope="col">{t('adminCreditStatus')}</th>
                  <th scope="col" className="num">{t('adminCreditAmount')}</th>
                  <th scope="col">{refundText(lang, 'actions')}</th>
                </tr>
              </thead>
              <tbody>
                {overview.credit.debts.map((d) => (
                  <tr key={d.settlementId} data-testid="credit-debt" data-status={d.status}>
                    <td>{d.billId ?? d.settlementId.slice(0, 8)}</td>
                    <td>{t(creditStatusText[d.status])}</td>
                    <td className="num">{formatFen(d.amountFen)}</td>
                    <td>
                      {d.status === 'owed' && (
                        <div className="row-actions">
                          <button
                            type="button"
                            className="secondary"
                            data-testid="credit-repaid"
                            disabled={busy}
                            onClick={() => setAskingMoney({ type: 'admin.creditRepaid', settlementId: d.settlementId, label: d.billId ?? d.settlementId.slice(0, 8) })}
                          >
                            {refundText(lang, 'creditRepaid')}
                          </button>
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}

      {overview.alerts && (
        <>
          <h2 id="admin-alerts-title">{alertText(lang, 'title')}</h2>
          {overview.alerts.recent.length === 0 ? (
            <p className="body" data-testid="alerts-empty">{alertText(lang, 'none')}</p>
          ) : (
            <table className="bill admin-table" aria-labelledby="admin-alerts-title" data-testid="alerts">
              <thead>
                <tr>
                  <th scope="col">{alertText(lang, 'when')}</th>
                  <th scope="col">{alertText(lang, 'rule')}</th>
                  <th scope="col">{alertText(lang, 'subject')}</th>
                  <th scope="col">{alertText(lang, 'what')}</th>
                </tr>
              </thead>
              <tbody>
                {overview.alerts.recent.map((a) => (
                  <tr key={a.id} data-testid="alert" data-rule={a.rule} data-hold={String(a.hold)}>
                    <td>{time(a.at)}</td>
                    <td>
                      {alertRuleText(lang, a.rule)}
                      {a.hold && <strong className="badge">{alertText(lang, 'held')}</strong>}
                    </td>
                    <td className="mono">{a.subject ?? '—'}</td>
                    <td>{alertDetailText(lang, a.detail)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </>
      )}

      {overview.settled && (
        <SettledVisits
          visits={overview.settled}
          lang={lang}
          busy={busy}
          onRefund={(settlementId) => {
            const v = overview.settled?.find((s) => s.settlementId === settlementId);
            setAskingMoney({ type: 'admin.refund', settlementId, label: v?.billId ?? settlementId.slice(0, 8) });
          }}
        />
      )}

      <h2 id="admin-queue-title">{t('adminQueue')}</h2>
      {overview.queue.length === 0 ? (
        <p className="body" data-testid="queue-empty">
          {t('adminQueueEmpty')}
        </p>
      ) : (
        <table className="bill admin-table" data-testid="queue" aria-labelledby="admin-queue-title">
          <thead>
            <tr>
              <th scope="col">{t('adminState')}</th>
              <th scope="col">{t('adminService')}</th>
              <th scope="col">{t('adminSlip')}</th>
              <th scope="col" className="num">
                {t('adminAmount')}
              </th>
              <th scope="col">{t('adminAge')}</th>
              <th scope="col">{t('adminLastError')}</th>
              <th scope="col">{t('adminActions')}</th>
            </tr>
          </thead>
          <tbody>
            {overview.queue.map((item) => (
              <tr key={item.settlementId} className={item.needsStaff ? 'dead' : undefined} data-testid="queue-item" data-settlement={item.settlementId} data-state={item.state} data-dead={String(item.needsStaff)}>
                <td data-testid="queue-state">
                  {item.needsStaff ? <strong className="badge">{t('adminDeadLetter')}</strong> : stateText(lang, item.state)}
                </td>
                <td>{serviceText(lang, item.service)}</td>
                <td className="mono" data-testid="queue-slip">
                  {/* The short slip number of an offline capture, else the reference the patient's slip shows. */}
                  {item.slipNo ?? item.settlementId}
                </td>
                <td className="num" data-testid="queue-amount">
                  {item.totalFen === null ? '—' : formatFen(item.totalFen)}
                </td>
                <td data-testid="queue-age" data-seconds={item.ageSeconds}>
                  {formatAge(lang, item.ageSeconds)}
                </td>
                <td className="error-text" data-testid="queue-error">
                  {item.lastError ?? '—'}
                </td>
                <td>
                  {item.needsStaff && (
                    <div className="row-actions">
                      <button type="button" className="secondary" data-testid="queue-retry" disabled={busy} onClick={() => setAsking({ type: 'admin.retry', item })}>
                        {t('adminRetry')}
                      </button>
                      <button type="button" className="secondary" data-testid="queue-cancel" disabled={busy} onClick={() => setAsking({ type: 'admin.cancel', item })}>
                        {t('adminCancelVisit')}
                      </button>
                    </div>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>{t('adminReconciliation')}</h2>
      {rec === null ? (
        <p className="body" data-testid="recon-none">
          {t('adminReconNone')}
        </p>
      ) : (
        <div className="admin-recon" data-testid="recon" data-balanced={String(rec.balanced)}>
          <p className={rec.balanced ? 'verdict ok' : 'verdict bad'} data-testid="recon-verdict">
            {t(rec.balanced ? 'adminBalanced' : 'adminUnbalanced')}
          </p>
          <p className="body">{fill(t('adminReconFor'), { date: rec.date, time: formatLocalTime(rec.ranAt, lang) })}</p>
          {rec.error !== null && (
            <p className="bad" data-testid="recon-error">
              {t('adminReconError')}: {rec.error}
            </p>
          )}
          {rec.groups.length > 0 && (
            <table className="bill admin-table" data-testid="recon-groups">
              <thead>
                <tr>
                  <th scope="col">{t('adminInsutype')}</th>
                  <th scope="col">{t('adminClrType')}</th>
                  <th scope="col" className="num">
                    {t('adminCount')}
                  </th>
                  <th scope="col" className="num">
                    {t('adminTotal')}
                  </th>
                  <th scope="col" className="num">
                    {t('adminFund')}
                  </th>
                  <th scope="col" className="num">
                    {t('adminAccount')}
                  </th>
                  <th scope="col">{t('adminDetail')}</th>
                </tr>
              </thead>
              <tbody>
                {rec.groups.map((g) => (
                  <tr key={`${g.insutype}/${g.clrType}`} className={g.balanced ? undefined : 'dead'} data-testid="recon-group" data-balanced={String(g.balanced)}>
                    <td>{g.insutype}</td>
                    <td>{g.clrType}</td>
                    <td className="num">{g.count}</td>
                    <td className="num">{formatFen(g.totalFen)}</td>
                    <td className="num">{formatFen(g.fundFen)}</td>
                    <td className="num">{formatFen(g.accountFen)}</td>
                    <td>
                      <span className={g.balanced ? 'ok' : 'bad'}>{t(g.balanced ? 'adminBalanced' : 'adminUnbalanced')}</span>
                      {g.detail && <span className="detail"> · {g.detail}</span>}
                      {g.settlementIds.length > 0 && (
                        <div className="check-visits" data-testid="recon-check">
                          {t('adminCheckVisits')}: <span className="mono">{g.settlementIds.join(', ')}</span>
                        </div>
                      )}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </div>
      )}

      {overview.config && <ConfigPanel config={overview.config} t={t} busy={busy} onFaults={props.onFaults} />}

      <h2>{t('adminDevices')}</h2>
      {!status || status.devices.length === 0 ? (
        <p className="body">{t('adminNoDevices')}</p>
      ) : (
        <table className="bill admin-table" data-testid="devices">
          <thead>
            <tr>
              <th scope="col">{t('adminDevices')}</th>
              <th scope="col">{t('adminState')}</th>
              <th scope="col" className="num">
                {t('adminDeviceErrors')}
              </th>
              <th scope="col">{t('adminDeviceLastData')}</th>
              <th scope="col">{t('adminLastError')}</th>
            </tr>
          </thead>
          <tbody>
            {status.devices.map((d) => (
              <tr key={d.id} data-testid="device" data-state={d.state}>
                <td>
                  {deviceKindText(lang, d.kind)} <span className="mono">{d.id}</span>
                </td>
                <td className={d.state === 'ready' ? 'ok' : 'bad'}>{deviceStateText(lang, d.state)}</td>
                <td className="num">{d.errorCount}</td>
                <td>{time(d.lastDataAt)}</td>
                <td className="error-text">{d.lastError ?? '—'}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      {asking && (
        <ReasonDialog
          key={`${asking.type}/${asking.item.settlementId}`}
          title={t(asking.type === 'admin.retry' ? 'adminRetry' : 'adminCancelVisit')}
          item={asking.item}
          presets={presetReasons[asking.type]}
          t={t}
          busy={busy}
          onBack={() => setAsking(null)}
          onConfirm={(reason) => {
            props.onStaffAction({ type: asking.type, settlementId: asking.item.settlementId, reason });
            setAsking(null);
          }}
        />
      )}
      {askingMoney && (
        <MoneyActionDialog
          key={`${askingMoney.type}/${askingMoney.settlementId}`}
          type={askingMoney.type}
          settlementId={askingMoney.settlementId}
          label={askingMoney.label}
          lang={lang}
          busy={busy}
          onBack={() => setAskingMoney(null)}
          onConfirm={(action) => {
            props.onMoneyAction(action);
            setAskingMoney(null);
          }}
        />
      )}
    </section>
  );
}

function ReasonDialog(props: {
  title: string;
  item: QueueItem;
  presets: TextKey[];
  t: (key: TextKey) => string;
  busy: boolean;
  onBack: () => void;
  onConfirm: (reason: string) => void;
}) {
  const { t } = props;
  const [text, setText] = useState('');
  const reason = validReason(text);
  return (
    <div className="overlay">
      <div className="dialog reason" role="dialog" aria-modal="true" aria-labelledby="reason-title" data-testid="reason-dialog">
        <h2 id="reason-title">
          {props.title} · <span className="mono">{props.item.slipNo ?? props.item.settlementId}</span>
        </h2>
        <p className="body">{t('adminReasonTitle')}</p>
        <div className="presets">
          {props.presets.map((key) => (
            <button key={key} type="button" className="secondary" data-testid="reason-preset" aria-pressed={text === t(key)} onClick={() => setText(t(key))}>
              {t(key)}
            </button>
          ))}
        </div>
        <label className="reason-label" htmlFor="reason-input">
          {t('adminReasonLabel')}
        </label>
        <input id="reason-input" className="reason-input" data-testid="reason-input" maxLength={200} value={text} onChange={(e) => setText(e.target.value)} />
        <div className="actions">
          <button type="button" className="secondary" data-testid="reason-back" onClick={props.onBack}>
            {t('adminReasonBack')}
          </button>
          <button type="button" className="primary" data-testid="reason-confirm" disabled={props.busy || reason === null} onClick={() => reason !== null && props.onConfirm(reason)}>
            {t('adminReasonConfirm')}
          </button>
        </div>
      </div>
    </div>
  );
}
