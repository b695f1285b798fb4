// The idle screen: the patient picks what they came to pay.
import type { ServiceKind } from '../../../terminal/api/schema';
import type { TextKey } from '../i18n';
import type { ScreenProps } from './props';

const services: ReadonlyArray<{ kind: ServiceKind; label: TextKey }> = [
  { kind: 'outpatient', label: 'serviceOutpatient' },
  { kind: 'registration', label: 'serviceRegistration' },
  { kind: 'discharge', label: 'serviceDischarge' },
];

export function Attract({ t, busy, run }: ScreenProps) {
  return (
    <section className="screen attract" data-testid="screen-idle">
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
    </section>
  );
}
