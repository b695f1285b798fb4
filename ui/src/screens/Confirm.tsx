// The bill and its split (一单式). What the patient pays now (cash) comes first and largest, then
// the items and who pays the rest; one confirm. In elderly mode the confirm button comes right
// after the amount, zero lines are hidden and the items fold away behind one button.
import { useState } from 'react';
import { formatFen } from '../money';
import { fill } from '../i18n';
import { countText } from '../plural';
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
  // Offline the bill is all there is: its items show, and the patient confirms it is taken.
  const offline = session.offlineCapture === true;
  const itemsVisible = !elderly || showItems || offline;
  // A large charge to the 医保码's linked account: the first tap shows the amount, the second charges it.
  const [askingAmount, setAskingAmount] = useState(false);
  const cash = split?.cashFen ?? 0;
  const above = session.selfPay?.confirmAmountAboveFen ?? null;
  const needsAmount = method === 'pay-code' && !waitsForScan && above !== null && cash > above;
  const othersPay = split !== null && split.cashFen < split.totalFen && split.fundFen + split.personalAccountFen + split.familyAccountFen > 0;

  const payNow = split && (
    <div className="pay-now" data-testid="pay-now">
      <span className="label">{split.cashFen === 0 ? t('payNowNone') : t('payNow')}</span>
      <span className="amount" data-testid="pay-now-amount">{formatFen(split.cashFen)}</span>
      {othersPay && <span className="note">{t('payNowRest')}</span>}
    </div>
  );
  const offlineNote = offline && bill && (
    <p className="notice strong" role="status" data-testid="offline-confirm-note">
      {fill(t('offlineConfirmNote'), { amount: formatFen(bill.totalFen) })}
    </p>
  );
  const amountCheck = askingAmount && needsAmount && (
    <div className="amount-check" role="alertdialog" aria-labelledby="amount-check-title" data-testid="amount-check">
      <h2 id="amount-check-title">{t('amountConfirmTitle')}</h2>
      <p>{t('amountConfirmBody')}</p>
      <p className="amount" data-testid="amount-check-amount">{formatFen(cash)}</p>
      <div className="actions">
        <button type="button" className="secondary" data-testid="amount-check-back" disabled={busy} onClick={() => setAskingAmount(false)}>
          {t('amountConfirmBack')}
        </button>
        <button
          type="button"
          className="primary"
          data-testid="amount-check-confirm"
          disabled={busy || settlementId === null}
          onClick={() => settlementId !== null && run({ type: 'session.confirm', settlementId, method, confirmedFen: cash })}
        >
          {fill(t('amountConfirmButton'), { amount: formatFen(cash) })}
        </button>
      </div>
    </div>
  );

  const actions = (
    <div className="actions">
      <button type="button" className="secondary" data-testid="cancel" disabled={busy} onClick={() => run({ type: 'session.reset', reason: 'cancel' })}>
        {t('cancel')}
      </button>
      <button
        type="button"
        className="primary"
        data-testid="confirm-pay"
        disabled={busy || (offline ? !bill?.billId : settlementId === null || split === null || waitsForScan)}
        onClick={() => {
          if (offline) {
            if (bill?.billId) run({ type: 'session.confirmOffline', billId: bill.billId });
          } else if (needsAmount) setAskingAmount(true);
          else if (settlementId !== null) run({ type: 'session.confirm', settlementId, method });
        }}
      >
        {t(offline ? 'offlineConfirmButton' : 'confirmPay')}
      </button>
    </div>
  );

  return (
    <section className="screen confirm" data-testid="screen-confirm">
      <h1>{t('confirmTitle')}</h1>
      <PatientLine session={session} t={t} />
      {payNow}
      {offlineNote}
      {split && split.fundFen === 0 && split.totalFen > 0 && (
        <p className="hint" data-testid="fund-zero-why">
          {t('fundZeroWhy')}
        </p>
      )}
      {session.error && (
        <p className="notice" role="alert" data-testid="confirm-error" data-code={session.error.code}>
          {errorText(lang, session.error)}
        </p>
      )}
      <SelfPayChoices session={session} t={t} busy={busy} run={run} method={method} onMethod={setPicked} />
      {amountCheck}
      {elderly && !askingAmount && actions}
      {elderly && bill && (
        <button type="button" className="details-toggle" data-testid="toggle-items" aria-expanded={showItems} onClick={() => setShowItems((v) => !v)}>
          {showItems ? t('hideItems') : t('showItems')} · {countText(lang, t, { one: 'itemCountOne', other: 'itemCount' }, bill.items.length)}
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
      {split?.policyNote && <p className="policy-note" data-testid="split-policy-note">{split.policyNote}</p>}
      {split && (
        <dl className="split">
          {splitLines(split).map((field) => (
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
      {!elderly && !askingAmount && actions}
    </section>
  );
}
