// At the receipt: the offer to pay by face next time, said plainly with what is kept and how to
// undo it; one tap to accept, nothing to do to decline.
import type { ScreenProps } from './props';

export function FaceOffer({ session, t, busy, run }: ScreenProps) {
  const offer = session.faceOffer;
  if (!offer) return null;
  if (offer === 'enrolled') return <p className="notice success" data-testid="face-enrolled">{t('faceEnrolled')}</p>;
  if (offer === 'failed') return <p className="notice" data-testid="face-enrol-failed">{t('faceEnrolFailed')}</p>;
  return (
    <aside className="face-offer" data-testid="face-offer" aria-labelledby="face-offer-title">
      <h2 id="face-offer-title">{t('faceOfferTitle')}</h2>
      <p>{t('faceOfferText')}</p>
      <button type="button" data-testid="face-offer-accept" disabled={busy} onClick={() => run({ type: 'face.enrol' })}>
        {t('faceOfferAccept')}
      </button>
    </aside>
  );
}
