// Shown while the insurance platform does not answer: in words for the patient, what still works
// (confirmed payments complete later, never twice) and what to do for a new one. Its words follow
// what the terminal will do: where an ID card can still record a bill (an offline capture), it says
// so instead of sending everyone away.
import type { TextKey } from './i18n';

export function OfflineBanner({ t, capture }: { t: (key: TextKey) => string; capture: boolean }) {
  return (
    <p className="offline-banner" role="status" data-testid="offline-banner" data-capture={String(capture)}>
      {t(capture ? 'offlineBannerCapture' : 'offlineBanner')}
    </p>
  );
}
