// A visit that cannot go on: the terminal's own words for the patient, and a way back.
import type { ScreenProps } from './props';

export function ErrorScreen({ session, t, busy, run }: ScreenProps) {
  return (
    <section className="screen error" data-testid="screen-error" role="alert">
      <h1>{t('errorTitle')}</h1>
      <p className="body" data-testid="error-message">{session.error?.message ?? ''}</p>
      <div className="actions">
        <button type="button" className="primary" data-testid="back-to-start" disabled={busy} onClick={() => run({ type: 'session.reset' })}>
          {t('backToStart')}
        </button>
      </div>
    </section>
  );
}
