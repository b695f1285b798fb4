// The settled receipt: what each payer paid, to the fen.
import { formatFen } from '../money';
import type { ScreenProps } from './props';
import { PatientLine } from './PatientLine';

export function Receipt({ session, t, busy, run }: ScreenProps) {
  const receipt = session.receipt;
  return (
    <section className="screen receipt" data-testid="screen-receipt">
      <h1 className="success">{t('receiptTitle')}</h1>
      <PatientLine session={session} t={t} />
      {receipt && (
        <dl className="split">
          <div className="row">
            <dt>{t('receiptTotal')}</dt>
            <dd data-testid="receipt-total">{formatFen(receipt.split.totalFen)}</dd>
          </div>
          <div className="row">
            <dt>{t('receiptFund')}</dt>
            <dd data-testid="receipt-fund">{formatFen(receipt.split.fundFen)}</dd>
          </div>
          <div className="row">
            <dt>{t('receiptAccount')}</dt>
            <dd data-testid="receipt-account">{formatFen(receipt.split.personalAccountFen)}</dd>
          </div>
          {receipt.split.familyAccountFen !== 0 && (
            <div className="row">
              <dt>{t('receiptFamily')}</dt>
              <dd data-testid="receipt-family">{formatFen(receipt.split.familyAccountFen)}</dd>
            </div>
          )}
          <div className="row cash">
            <dt>{t('receiptCash')}</dt>
            <dd data-testid="receipt-cash">{formatFen(receipt.split.cashFen)}</dd>
          </div>
          {receipt.balanceAfterFen !== null && (
            <div className="row">
              <dt>{t('balanceAfter')}</dt>
              <dd data-testid="receipt-balance">{formatFen(receipt.balanceAfterFen)}</dd>
            </div>
          )}
          <div className="row small">
            <dt>{t('settlementNo')}</dt>
            <dd>{receipt.platformSettlementId ?? receipt.settlementId}</dd>
          </div>
          <div className="row small">
            <dt>{t('settledAt')}</dt>
            <dd>{receipt.settledAt}</dd>
          </div>
        </dl>
      )}
      <div className="actions">
        <button type="button" className="primary" data-testid="back-to-start" disabled={busy} onClick={() => run({ type: 'session.reset' })}>
          {t('done')}
        </button>
      </div>
    </section>
  );
}
