// A visit that cannot go on: what happened and what to do next, in the patient's language, and
// one way back. At the bedside the nurse gets the same bed again in one tap (the wrong patient's
// code was shown, a card did not read): going home would cost the door, the PIN and the ward list.
import { errorText } from '../error-text';
import { fill } from '../i18n';
import type { ScreenProps } from './props';
import { FaceStaffCheck } from './FaceStaffCheck';

export function ErrorScreen({ session, t, lang, busy, run }: ScreenProps) {
  // Retried only where nothing was settled: the core refuses it otherwise, so it is not offered.
  const bedside = session.directed?.origin === 'bedside' && !session.settlementId ? session.directed : null;
  return (
    <section className="screen error" data-testid="screen-error" role="alert">
      <h1>{t('errorTitle')}</h1>
      <p className="body strong" data-testid="error-message" data-code={session.error?.code ?? ''}>
        {session.error ? errorText(lang, session.error) : ''}
      </p>
      {session.error?.code === 'face-needs-staff' && <FaceStaffCheck t={t} busy={busy} run={run} />}
      {bedside && (
        <p className="body" data-testid="bedside-retry-note">
          {fill(t('bedsideRetryNote'), { bed: bedside.bed ?? '' })}
        </p>
      )}
      <div className="actions">
        {bedside && (
          <button type="button" className="primary" data-testid="bedside-retry" disabled={busy} onClick={() => run({ type: 'session.retry' })}>
            {t('bedsideRetry')}
          </button>
        )}
        <button type="button" className={bedside ? 'secondary' : 'primary'} data-testid="back-to-start" disabled={busy} onClick={() => run({ type: 'session.reset' })}>
          {t('backToStart')}
        </button>
      </div>
    </section>
  );
}
