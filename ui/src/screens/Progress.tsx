// Shown while the terminal works (identifying, loading the bill, pre-settling, settling).
import type { SessionStep } from '../../../terminal/api/schema';
import type { TextKey } from '../i18n';
import type { ScreenProps } from './props';

const progressText: Partial<Record<SessionStep, TextKey>> = {
  identifying: 'identifying',
  'loading-bill': 'loadingBill',
  presettling: 'presettling',
  settling: 'settling',
};

export function Progress({ session, t }: ScreenProps) {
  return (
    <section className="screen progress" data-testid={`screen-${session.step}`} aria-busy="true">
      <div className="spinner" aria-hidden="true" />
      <h1>{t(progressText[session.step] ?? 'pleaseWait')}</h1>
      <p>{t('pleaseWait')}</p>
    </section>
  );
}
