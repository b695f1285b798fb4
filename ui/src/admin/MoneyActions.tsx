// The staff screen's money actions: today's settled visits with a 退费 button, the dialog that asks
// for a reason from the core's list, and the line that says what came of the last action.
import { useState } from 'react';
import type { SettledItem } from '../../../terminal/api/schema';
import { creditRepaidReasonCodes, refundReasonCodes, type CreditRepaidReason, type RefundReason } from '../../../terminal/common/refund-reasons';
import type { Lang } from '../i18n';
import { formatFen } from '../money';
import { formatLocalTime } from '../local-time';
import { serviceText } from './admin-text';
import type { MoneyAction, MoneyOutcome } from './money-action';
import { creditRepaidReasonText, refundReasonText, refundText, refusalText, settledStateText } from './refund-text';

export function SettledVisits(props: { visits: SettledItem[]; lang: Lang; busy: boolean; onRefund: (settlementId: string) => void }) {
  const { lang } = props;
  return (
    <>
      <h2 id="admin-settled-title">{refundText(lang, 'settledTitle')}</h2>
      {props.visits.length === 0 ? (
        <p className="body" data-testid="settled-empty">
          {refundText(lang, 'settledNone')}
        </p>
      ) : (
        <table className="bill admin-table" data-testid="settled" aria-labelledby="admin-settled-title">
          <thead>
            <tr>
              <th scope="col">{refundText(lang, 'settledAt')}</th>
              <th scope="col">{refundText(lang, 'bill')}</th>
              <th scope="col" className="num">
                {refundText(lang, 'cash')}
              </th>
              <th scope="col" className="num">
                {refundText(lang, 'total')}
              </th>
              <th scope="col">{refundText(lang, 'state')}</th>
              <th scope="col">{refundText(lang, 'actions')}</th>
            </tr>
          </thead>
          <tbody>
            {props.visits.map((v) => (
              <tr key={v.settlementId} data-testid="settled-item" data-settlement={v.settlementId} data-state={v.state}>
                <td>{formatLocalTime(v.settledAt, lang)}</td>
                <td>
                  {serviceText(lang, v.service)} <span className="mono">{v.billId ?? v.settlementId.slice(0, 8)}</span>
                </td>
                <td className="num">{v.cashFen === null ? '—' : formatFen(v.cashFen)}</td>
                <td className="num">{v.totalFen === null ? '—' : formatFen(v.totalFen)}</td>
                <td data-testid="settled-state">{settledStateText(lang, v.state)}</td>
                <td>
                  {v.refundable && (
                    <div className="row-actions">
                      <button type="button" className="secondary" data-testid="settled-refund" disabled={props.busy} onClick={() => props.onRefund(v.settlementId)}>
                        {refundText(lang, 'refund')}
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
  );
}

/** Asks for a reason from the core's list (no free text: the audit row keeps the code). */
export function MoneyActionDialog(props: {
  type: MoneyAction['type'];
  settlementId: string;
  label: string;
  lang: Lang;
  busy: boolean;
  onBack: () => void;
  onConfirm: (action: MoneyAction) => void;
}) {
  const { lang } = props;
  const [reason, setReason] = useState<string | null>(null);
  const refund = props.type === 'admin.refund';
  const reasons: ReadonlyArray<{ code: string; text: string }> = refund
    ? refundReasonCodes.map((code) => ({ code, text: refundReasonText(lang, code) }))
    : creditRepaidReasonCodes.map((code) => ({ code, text: creditRepaidReasonText(lang, code) }));
  const confirm = () => {
    if (reason === null) return;
    props.onConfirm(
      refund
        ? { type: 'admin.refund', settlementId: props.settlementId, reason: reason as RefundReason }
        : { type: 'admin.creditRepaid', settlementId: props.settlementId, reason: reason as CreditRepaidReason },
    );
  };
  return (
    <div className="overlay">
      <div className="dialog reason" role="dialog" aria-modal="true" aria-labelledby="money-title" data-testid="money-dialog" data-type={props.type}>
        <h2 id="money-title">
          {refundText(lang, refund ? 'refund' : 'creditRepaid')} · <span className="mono">{props.label}</span>
        </h2>
        <p className="body">{refundText(lang, refund ? 'refundWarn' : 'repaidWarn')}</p>
        <p className="body">{refundText(lang, 'chooseReason')}</p>
        <div className="presets">
          {reasons.map((r) => (
            <button key={r.code} type="button" className="secondary" data-testid="money-reason" data-reason={r.code} aria-pressed={reason === r.code} onClick={() => setReason(r.code)}>
              {r.text}
            </button>
          ))}
        </div>
        <div className="actions">
          <button type="button" className="secondary" data-testid="money-back" onClick={props.onBack}>
            {refundText(lang, 'back')}
          </button>
          <button type="button" className="primary" data-testid="money-confirm" disabled={props.busy || reason === null} onClick={confirm}>
            {refundText(lang, refund ? 'confirmRefund' : 'confirmRepaid')}
          </button>
        </div>
      </div>
    </div>
  );
}

export function moneyOutcomeText(lang: Lang, o: MoneyOutcome): string {
  if (o.type === 'admin.creditRepaid') return o.kind === 'done' ? refundText(lang, 'repaidDone') : refundText(lang, 'repaidRefused', { why: refusalText(lang, o.why) });
  if (o.kind === 'done') return refundText(lang, 'refundDone');
  if (o.kind === 'pending') return refundText(lang, 'refundPending', { state: o.state ? settledStateText(lang, o.state) : '—' });
  return refundText(lang, 'refundRefused', { why: refusalText(lang, o.why) });
}

export function MoneyOutcomeLine(props: { outcome: MoneyOutcome; lang: Lang }) {
  const { outcome } = props;
  return (
    <p className={outcome.kind === 'refused' ? 'verdict bad' : 'verdict ok'} role="status" data-testid="money-outcome" data-kind={outcome.kind} data-settlement={outcome.settlementId}>
      {moneyOutcomeText(props.lang, outcome)}
    </p>
  );
}
