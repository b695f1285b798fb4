// The face step: one large instruction at a time (look, come closer, turn your head), the camera's
// picture so the patient sees where to stand, and nothing else to tap but cancel.
import type { FacePrompt } from '../../../terminal/api/schema';
import type { TextKey } from '../i18n';
import { useCameraFrames } from '../use-camera-frames';
import type { ScreenProps } from './props';

const promptText: Record<FacePrompt, TextKey> = {
  'look-at-camera': 'faceLookAtCamera',
  'come-closer': 'faceComeCloser',
  'more-light': 'faceMoreLight',
  'face-the-camera': 'faceFaceTheCamera',
  'one-person-only': 'faceOnePersonOnly',
  'hold-still': 'faceHoldStill',
  // The challenge names the way the nose moves in the camera's image; a person facing the camera
  // who turns to their own right moves it to the image's left.
  'turn-left': 'faceTurnRight',
  'turn-right': 'faceTurnLeft',
  blink: 'faceBlink',
};

export function Face({ session, t, busy, run }: ScreenProps) {
  const camera = useCameraFrames(session.step === 'face', run);
  const face = session.face;
  const prompt = face?.prompt ?? 'look-at-camera';
  return (
    <section className="screen face" data-testid="screen-face" data-prompt={prompt}>
      <h1>{t(face?.mode === 'enrol' ? 'faceEnrolTitle' : 'faceVerifyTitle')}</h1>
      <p className="face-prompt" data-testid="face-prompt" aria-live="assertive">
        {t(promptText[prompt])}
      </p>
      <video ref={camera.video} className="face-preview" muted playsInline aria-hidden="true" />
      {camera.state === 'unavailable' && (
        <p className="notice" data-testid="face-camera-unavailable">
          {t('faceCameraUnavailable')}
        </p>
      )}
      <div className="actions">
        <button type="button" data-testid="back-to-start" disabled={busy} onClick={() => run({ type: 'session.reset' })}>
          {t('cancel')}
        </button>
      </div>
    </section>
  );
}
