// The settled receipt: what each payer paid, to the fen, and when, in the kiosk's local time.
// In elderly mode lines that paid nothing are left out.
import { formatFen } from '../money';
import { formatLocalTime } from '../local-time';
import type { ScreenProps } from './props';
import { PatientLine } from './PatientLine';
import { FaceOffer } from './FaceOffer';

export function Receipt({ session, t, lang, elderly, busy, run }: ScreenProps) {
  const receipt = session.receipt;
  const shown = (fen: number) => !elderly || fen !== 0;
  return (
    <section className="screen receipt" data-testid="screen-receipt">
      <h1 className="success">{t('receiptTitle')}</h1>
      <PatientLine session={session} t={t} />
      {receipt && (
        <dl className="split">
          <div className="row cash">
            <dt>{t('receiptCash')}</dt>
            <dd data-testid="receipt-cash">{formatFen(receipt.split.cashFen)}</dd>
          </div>
          {receipt.selfPay && receipt.selfPay.paidByCodeFen !== 0 && (
            <div className="row">
              <dt>{t('receiptPaidByCode')}</dt>
              <dd data-testid="receipt-paid-by-code">{formatFen(receipt.selfPay.paidByCodeFen)}</dd>
            </div>
          )}
          {receipt.selfPay && receipt.selfPay.owedFen !== 0 && (
            <div className="row owed">
              <dt>{t('receiptOwed')}</dt>
              <dd data-testid="receipt-owed">{formatFen(receipt.selfPay.owedFen)}</dd>
            </div>
          )}
          {receipt.selfPay && receipt.selfPay.atCashierFen !== 0 && (
            <div className="row">
              <dt>{t('receiptAtCashier')}</dt>
              <dd data-testid="receipt-at-cashier">{formatFen(receipt.selfPay.atCashierFen)}</dd>
            </div>
          )}
          {shown(receipt.split.fundFen) && (
            <div className="row">
              <dt>{t('receiptFund')}</dt>
              <dd data-testid="receipt-fund">{formatFen(receipt.split.fundFen)}</dd>
            </div>
          )}
          {receipt.split.maternityFundFen ? (
            <div className="row">
              <dt>{t('maternityFundFen')}</dt>
              <dd data-testid="receipt-maternity-fund">{formatFen(receipt.split.maternityFundFen)}</dd>
            </div>
          ) : null}
          {receipt.split.workInjuryFundFen ? (
            <div className="row">
              <dt>{t('workInjuryFundFen')}</dt>
              <dd data-testid="receipt-work-injury-fund">{formatFen(receipt.split.workInjuryFundFen)}</dd>
            </div>
          ) : null}
          {shown(receipt.split.personalAccountFen) && (
            <div className="row">
              <dt>{t('receiptAccount')}</dt>
              <dd data-testid="receipt-account">{formatFen(receipt.split.personalAccountFen)}</dd>
            </div>
          )}
          {receipt.split.familyAccountFen !== 0 && (
            <div className="row">
              <dt>{t('receiptFamily')}</dt>
              <dd data-testid="receipt-family">{formatFen(receipt.split.familyAccountFen)}</dd>
            </div>
          )}
          <div className="row">
            <dt>{t('receiptTotal')}</dt>
            <dd data-testid="receipt-total">{formatFen(receipt.split.totalFen)}</dd>
          </div>
          {receipt.balanceAfterFen !== null && (
            <div className="row">
              <dt>{t('balanceAfter')}</dt>
              <dd data-testid="receipt-balance">{formatFen(receipt.balanceAfterFen)}</dd>
            </div>
          )}
          {receipt.crossRegion && (
            <div className="row small">
              <dt>{t('crossRegion')}</dt>
              <dd data-testid="receipt-cross-region">{receipt.crossRegion.insuredAreaName}</dd>
            </div>
          )}
          {receipt.split.policyNote && <p className="policy-note" data-testid="receipt-policy-note">{receipt.split.policyNote}</p>}
          <div className="row small">
            <dt>{t('settlementNo')}</dt>
            <dd data-testid="receipt-number">{receipt.platformSettlementId ?? receipt.settlementId}</dd>
          </div>
          <div className="row small">
            <dt>{t('settledAt')}</dt>
            <dd data-testid="receipt-time">{formatLocalTime(receipt.settledAt, lang)}</dd>
          </div>
        </dl>
      )}
      <FaceOffer session={session} t={t} lang={lang} elderly={elderly} busy={busy} run={run} status={null} />
      <div className="actions">
        <button type="button" className="primary" data-testid="back-to-start" disabled={busy} onClick={() => run({ type: 'session.reset' })}>
          {t('done')}
        </button>
      </div>
    </section>
  );
}
