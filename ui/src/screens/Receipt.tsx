// The settled receipt in one vocabulary: what the insurance funds paid, what the accounts paid,
// the patient's own share and how it was paid or where it is still owed, to the fen, and when, in
// the kiosk's local time. Success words only when nothing is owed; otherwise the title says what is
// still to pay and where. Lines that paid nothing are left out.
import type { ReactNode } from 'react';
import type { ReceiptSelfPay } from '../../../terminal/api/schema';
import { formatFen } from '../money';
import { fill, type TextKey } from '../i18n';
import { formatLocalTime } from '../local-time';
import type { ScreenProps } from './props';
import { PatientLine } from './PatientLine';
import { FaceOffer } from './FaceOffer';
import { splitLines } from '../split-lines';
import { PayerLines } from './PayerLines';

/** The funds' lines of a split (not the accounts or the cash, which have their own rows here). */
const fundLines = (split: Parameters<typeof splitLines>[0]) => splitLines(split).filter((f) => f !== 'personalAccountFen' && f !== 'familyAccountFen' && f !== 'cashFen');

/** What the patient still owes after this receipt: at the cashier, or on credit. */
export function owedOf(selfPay: ReceiptSelfPay | undefined): number {
  return selfPay ? selfPay.atCashierFen + selfPay.owedFen : 0;
}

/** A text with its {amount} placeholder replaced by an element (so tests and styles can find the amount). */
function withAmount(text: string, amount: ReactNode): ReactNode {
  const [before, after] = text.split('{amount}');
  return (
    <>
      {before}
      {amount}
      {after}
    </>
  );
}

const wayText: Record<ReceiptSelfPay['method'], TextKey> = { 'pay-code': 'cashWayPayCode', cashier: 'cashWayCashier', credit: 'cashWayCredit' };

/** What to do after paying, by what was paid: the next place to go, and where the invoice is. */
const nextStepText: Record<string, TextKey> = { outpatient: 'receiptNextOutpatient', registration: 'receiptNextRegistration', discharge: 'receiptNextDischarge' };

/** Whether this receipt's slip came out, from the printer's own answer (status.lastPrint); none without a printer. */
function slipState(status: ScreenProps['status'], settlementId: string | undefined): 'printing' | 'printed' | 'failed' | 'none' {
  if (!status?.devices.some((d) => d.kind === 'printer')) return 'none';
  const last = status.lastPrint;
  return last && last.settlementId === settlementId ? last.state : 'printing';
}

const slipText: Record<ReturnType<typeof slipState>, TextKey> = {
  printing: 'receiptSlipPrinting',
  printed: 'receiptSlipPrinted',
  failed: 'receiptSlipFailed',
  none: 'receiptSlipNone',
};

export function Receipt({ session, status, t, lang, elderly, busy, run }: ScreenProps) {
  const receipt = session.receipt;
  const split = receipt?.split;
  const selfPay = receipt?.selfPay;
  const owed = owedOf(selfPay);
  const accountFen = split ? split.personalAccountFen : 0;
  return (
    <section className="screen receipt" data-testid="screen-receipt" data-owed={String(owed)}>
      {owed === 0 ? (
        <h1 className="success">{t('receiptTitle')}</h1>
      ) : (
        <h1 className="owed" data-testid="receipt-title-owed">
          {withAmount(t('receiptTitleOwed'), <span data-testid="receipt-owed">{formatFen(owed)}</span>)}
        </h1>
      )}
      {owed !== 0 && selfPay && (
        <p className="notice strong" role="status" data-testid="receipt-owed-where">
          {fill(t(selfPay.method === 'credit' ? 'receiptOwedWhereCredit' : 'receiptOwedWhereCashier'), { amount: formatFen(owed) })}
        </p>
      )}
      <PatientLine session={session} t={t} />
      {receipt && split && (
        <dl className="split">
          {/* A ¥0.00 fund row says nothing the line below the list (fund-zero-why) does not say better. */}
          {split.fundFen !== 0 && (
            <div className="row">
              <dt>{t('receiptFund')}</dt>
              <dd data-testid="receipt-fund">{formatFen(split.fundFen)}</dd>
            </div>
          )}
          {/* 一单式: each fund that paid, by the name the confirm screen used (the 大病 line must not vanish after confirm). */}
          <PayerLines split={split} fields={fundLines(split)} t={t} testId="receipt-fund-line" />
          {accountFen !== 0 && (
            <div className="row">
              <dt>{t('receiptAccount')}</dt>
              <dd data-testid="receipt-account">{formatFen(accountFen)}</dd>
            </div>
          )}
          {split.familyAccountFen !== 0 && (
            <div className="row">
              <dt>{t('receiptFamily')}</dt>
              <dd data-testid="receipt-family">{formatFen(split.familyAccountFen)}</dd>
            </div>
          )}
          {/* One line for the patient's own share, saying how it was paid or where it is owed: never two amounts for one payment. */}
          <div className={owed !== 0 ? 'row cash owed' : 'row cash'}>
            <dt>
              {t('receiptSelfPart')}
              {split.cashFen !== 0 && selfPay && <span className="way" data-testid="receipt-cash-way" data-way={selfPay.method}>（{t(wayText[selfPay.method])}）</span>}
            </dt>
            <dd data-testid="receipt-cash">{formatFen(split.cashFen)}</dd>
          </div>
          <div className="row">
            <dt>{t('receiptTotal')}</dt>
            <dd data-testid="receipt-total">{formatFen(split.totalFen)}</dd>
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
      {split && split.fundFen === 0 && split.totalFen > 0 && (
        <p className="hint" data-testid="fund-zero-why">
          {t('fundZeroWhy')}
        </p>
      )}
      {session.service && nextStepText[session.service] && (
        <p className="next-step" data-testid="receipt-next-step" data-service={session.service}>
          {t(nextStepText[session.service] as TextKey)}
        </p>
      )}
      {receipt && (
        <p className={`slip-state ${slipState(status, receipt.settlementId)}`} role="status" data-testid="receipt-slip" data-state={slipState(status, receipt.settlementId)}>
          {t(slipText[slipState(status, receipt.settlementId)])}
        </p>
      )}
      <FaceOffer session={session} t={t} lang={lang} elderly={elderly} busy={busy} run={run} submit={run} status={null} />
      <div className="actions">
        <button type="button" className="primary" data-testid="back-to-start" disabled={busy} onClick={() => run({ type: 'session.reset' })}>
          {t('done')}
        </button>
      </div>
    </section>
  );
}
