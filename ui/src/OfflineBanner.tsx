// Shown while the insurance platform does not answer: in words for the patient, what still works
// (confirmed payments complete later, never twice) and what to do for a new one.
import type { TextKey } from './i18n';

export function OfflineBanner({ t }: { t: (key: TextKey) => string }) {
  return (
    <p className="offline-banner" role="status" data-testid="offline-banner">
      {t('offlineBanner')}
    </p>
  );
}
