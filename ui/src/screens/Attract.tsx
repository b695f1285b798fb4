// The idle screen: the patient picks what they came to pay. Elder mode is offered here as a large
// choice of its own (before identification, not a small switch in the top bar). After a cancel it
// says nothing was charged and offers the same service again in one tap.
import type { ServiceKind } from '../../../terminal/api/schema';
import { fill, type TextKey } from '../i18n';
import type { ScreenProps } from './props';

const services: ReadonlyArray<{ kind: ServiceKind; label: TextKey }> = [
  { kind: 'outpatient', label: 'serviceOutpatient' },
  { kind: 'registration', label: 'serviceRegistration' },
  { kind: 'discharge', label: 'serviceDischarge' },
];

const serviceLabel: Record<ServiceKind, TextKey> = { outpatient: 'serviceOutpatient', registration: 'serviceRegistration', discharge: 'serviceDischarge' };

export function Attract({ session, t, elderly, busy, run, setElderly }: ScreenProps) {
  const ended = session.ended ?? null;
  const again = ended?.service ?? null;
  return (
    <section className="screen attract" data-testid="screen-idle">
      {ended && (
        <div className="ended" role="status" data-testid="ended-notice" data-reason={ended.reason}>
          <p className="notice strong">{t(ended.reason === 'cancelled' ? 'endedCancelled' : 'endedRequestCancelled')}</p>
          {again && (
            <button type="button" className="secondary" data-testid="start-again" disabled={busy} onClick={() => run({ type: 'session.begin', service: again })}>
              {fill(t('startAgain'), { service: t(serviceLabel[again]) })}
            </button>
          )}
        </div>
      )}
      <h1>{t('chooseService')}</h1>
      <div className="services">
        {services.map((s) => (
          <button
            key={s.kind}
            type="button"
            className="service"
            data-testid={`service-${s.kind}`}
            disabled={busy}
            onClick={() => run({ type: 'session.begin', service: s.kind })}
          >
            {t(s.label)}
          </button>
        ))}
        <button type="button" className="service other" data-testid="service-history" disabled={busy} onClick={() => run({ type: 'history.begin' })}>
          {t('serviceHistory')}
        </button>
      </div>
      {setElderly && (
        <button type="button" className="service elder-choice" data-testid="elder-choice" aria-pressed={elderly} onClick={() => setElderly(!elderly)}>
          {t('elderlyChoice')}
        </button>
      )}
    </section>
  );
}
