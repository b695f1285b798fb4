// The offline slip: the payment is recorded, completes by itself when the network is back, is
// never charged twice; the patient keeps the slip with its reference for the service desk, and is
// told what is still owed and where: what insurance does not cover, at the cashier.
import { formatFen } from '../money';
import { fill } from '../i18n';
import type { ScreenProps } from './props';
import { PatientLine } from './PatientLine';

export function Pending({ session, t, busy, run }: ScreenProps) {
  const total = session.split?.totalFen ?? session.bill?.totalFen ?? null;
  return (
    <section className="screen pending" data-testid="screen-pending">
      <div className="slip" role="status">
        <h1>{t('pendingTitle')}</h1>
        <PatientLine session={session} t={t} />
        <p className="body strong" data-testid="pending-body">{t('pendingBody')}</p>
        {total !== null && (
          <p className="notice strong owed" data-testid="pending-owed">
            {fill(t('pendingOwed'), { amount: formatFen(total) })}
          </p>
        )}
        <dl className="split">
          {(session.pending !== null || session.settlementId !== null) && (
            <div className="row reference">
              <dt>{t('pendingRef')}</dt>
              {/* The short slip number when the core gave one (an offline capture); else the full reference. */}
              <dd data-testid="pending-settlement">{session.pending?.slipNo ?? session.settlementId}</dd>
            </div>
          )}
          {total !== null && (
            <div className="row">
              <dt>{t('billTotal')}</dt>
              <dd data-testid="pending-total">{formatFen(total)}</dd>
            </div>
          )}
        </dl>
      </div>
      <div className="actions">
        <button type="button" className="primary" data-testid="back-to-start" disabled={busy} onClick={() => run({ type: 'session.reset' })}>
          {t('done')}
        </button>
      </div>
    </section>
  );
}
