// A visit that cannot go on: what happened and what to do next, in the patient's language, and
// one way back.
import { errorText } from '../error-text';
import type { ScreenProps } from './props';
import { FaceStaffCheck } from './FaceStaffCheck';

export function ErrorScreen({ session, t, lang, busy, run }: ScreenProps) {
  return (
    <section className="screen error" data-testid="screen-error" role="alert">
      <h1>{t('errorTitle')}</h1>
      <p className="body strong" data-testid="error-message" data-code={session.error?.code ?? ''}>
        {session.error ? errorText(lang, session.error) : ''}
      </p>
      {session.error?.code === 'face-needs-staff' && <FaceStaffCheck t={t} busy={busy} run={run} />}
      <div className="actions">
        <button type="button" className="primary" data-testid="back-to-start" disabled={busy} onClick={() => run({ type: 'session.reset' })}>
          {t('backToStart')}
        </button>
      </div>
    </section>
  );
}
