// The bill and its split (一单式). What the patient pays now (cash) comes first and largest, then
// the items and who pays the rest; one confirm. In elderly mode the confirm button comes right
// after the amount, zero lines are hidden and the items fold away behind one button.
import { useState } from 'react';
import { formatFen } from '../money';
import { fill } from '../i18n';
import { errorText } from '../error-text';
import { splitLines } from '../split-lines';
import type { ScreenProps } from './props';
import { PatientLine } from './PatientLine';
import { SelfPayChoices } from './SelfPayChoices';
import type { CashMethod } from '../../../terminal/api/schema';

export function Confirm({ session, t, lang, elderly, busy, run }: ScreenProps) {
  const { bill, split, settlementId } = session;
  const [showItems, setShowItems] = useState(false);
  // The core's default is the one-tap path; the patient's pick lasts while this split is on screen.
  const [picked, setPicked] = useState<CashMethod | null>(null);
  const method = picked && session.selfPay?.methods.includes(picked) ? picked : (session.selfPay?.method ?? 'cashier');
  // Paying by a code that must be scanned: the scan itself pays, so the button waits for it.
  const waitsForScan = method === 'pay-code' && session.selfPay?.payCodeNeedsScan === true && (split?.cashFen ?? 0) > 0;
  const itemsVisible = !elderly || showItems;

  const payNow = split && (
    <div className="pay-now" data-testid="pay-now">
      <span className="label">{split.cashFen === 0 ? t('payNowNone') : t('payNow')}</span>
      <span className="amount" data-testid="pay-now-amount">{formatFen(split.cashFen)}</span>
      {split.cashFen < split.totalFen && <span className="note">{t('payNowRest')}</span>}
    </div>
  );

  const actions = (
    <div className="actions">
      <button type="button" className="secondary" data-testid="cancel" disabled={busy} onClick={() => run({ type: 'session.reset' })}>
        {t('cancel')}
      </button>
      <button
        type="button"
        className="primary"
        data-testid="confirm-pay"
        disabled={busy || settlementId === null || split === null || waitsForScan}
        onClick={() => settlementId !== null && run({ type: 'session.confirm', settlementId, method })}
      >
        {t('confirmPay')}
      </button>
    </div>
  );

  return (
    <section className="screen confirm" data-testid="screen-confirm">
      <h1>{t('confirmTitle')}</h1>
      <PatientLine session={session} t={t} />
      {payNow}
      {session.error && (
        <p className="notice" role="alert" data-testid="confirm-error" data-code={session.error.code}>
          {errorText(lang, session.error)}
        </p>
      )}
      <SelfPayChoices session={session} t={t} busy={busy} run={run} method={method} onMethod={setPicked} />
      {elderly && actions}
      {elderly && bill && (
        <button type="button" className="details-toggle" data-testid="toggle-items" aria-expanded={showItems} onClick={() => setShowItems((v) => !v)}>
          {showItems ? t('hideItems') : t('showItems')} · {fill(t('itemCount'), { count: bill.items.length })}
        </button>
      )}
      {bill && itemsVisible && (
        <table className="bill">
          <thead>
            <tr>
              <th scope="col">{t('item')}</th>
              <th scope="col">{t('quantity')}</th>
              <th scope="col" className="num">{t('amount')}</th>
            </tr>
          </thead>
          <tbody>
            {bill.items.map((item, i) => (
              <tr key={i} data-testid="bill-item">
                <td>{item.name}</td>
                <td>{item.quantity}</td>
                <td className="num">{formatFen(item.amountFen)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={2}>{t('billTotal')}</th>
              <td className="num" data-testid="bill-total">{formatFen(bill.totalFen)}</td>
            </tr>
          </tfoot>
        </table>
      )}
      {split && <h2>{t('splitTitle')}</h2>}
      {split && (
        <dl className="split">
          {splitLines(split, elderly).map((field) => (
            <div key={field} className={field === 'cashFen' ? 'row cash' : 'row'}>
              <dt>{t(field)}</dt>
              <dd data-testid={`split-${field}`}>{formatFen(split[field] ?? 0)}</dd>
            </div>
          ))}
          <div className="row total">
            <dt>{t('totalFen')}</dt>
            <dd data-testid="split-totalFen">{formatFen(split.totalFen)}</dd>
          </div>
        </dl>
      )}
      {!elderly && actions}
    </section>
  );
}
