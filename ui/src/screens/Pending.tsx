// The offline slip: the bill is recorded and will settle when the platform is back.
import { formatFen } from '../money';
import type { ScreenProps } from './props';
import { PatientLine } from './PatientLine';

export function Pending({ session, t, busy, run }: ScreenProps) {
  const total = session.split?.totalFen ?? session.bill?.totalFen ?? null;
  return (
    <section className="screen pending" data-testid="screen-pending">
      <h1>{t('pendingTitle')}</h1>
      <PatientLine session={session} t={t} />
      <p className="body">{t('pendingBody')}</p>
      <dl className="split">
        {session.settlementId !== null && (
          <div className="row">
            <dt>{t('settlementNo')}</dt>
            <dd data-testid="pending-settlement">{session.settlementId}</dd>
          </div>
        )}
        {total !== null && (
          <div className="row">
            <dt>{t('billTotal')}</dt>
            <dd data-testid="pending-total">{formatFen(total)}</dd>
          </div>
        )}
      </dl>
      <div className="actions">
        <button type="button" className="primary" data-testid="back-to-start" disabled={busy} onClick={() => run({ type: 'session.reset' })}>
          {t('done')}
        </button>
      </div>
    </section>
  );
}
