// Asks for the insurance code and listens for a keyboard-wedge scanner burst. On a directed visit
// (a doctor's in-room request, a nurse at the bed) it first says who asked and how much, and can
// show the pay link as a QR for the patient's own phone instead.
import { useEffect, useState } from 'react';
import type { DeviceHealth, TerminalStatus } from '../../../terminal/api/schema';
import type { TextKey } from '../i18n';
import { createWedgeCapture } from '../wedge';
import type { ScreenProps } from './props';
import { DirectedSummary } from './DirectedSummary';
import { CredentialList, credentialLines, usable } from './CredentialList';
import { errorText } from '../error-text';
import { useCameraFrames } from '../use-camera-frames';
import { later } from '../later';

// The QR encoder is only for a doctor's pay link: its own chunk.
const PayLinkQr = later(() => import('../PayLinkQr').then((m) => m.PayLinkQr));

const scannerText: Record<DeviceHealth['state'] | 'missing', TextKey> = {
  ready: 'scannerReady',
  connecting: 'scannerConnecting',
  error: 'scannerError',
  closed: 'scannerClosed',
  missing: 'scannerMissing',
};

function scannerState(status: TerminalStatus | null): DeviceHealth['state'] | 'missing' {
  const scanner = status?.devices.find((d) => d.kind === 'qr-scanner');
  return scanner?.state ?? 'missing';
}

export function Identify({ session, status, t, lang, elderly, busy, run, submit }: ScreenProps) {
  const [showLink, setShowLink] = useState(false);
  // A camera device in the config: the window's camera reads the code too (the core decodes the
  // frames only on this step, and only for a camera with source push).
  // Only a camera that reads codes from this window's stream: a fixture or face-only camera must not light up here.
  const cameraQr = status?.windowCameraQr === true;
  const camera = useCameraFrames(session.step === 'identify' && cameraQr, run);
  useEffect(() => {
    const capture = createWedgeCapture((text) => submit({ type: 'credential.text', text }));
    const onKey = (event: KeyboardEvent): void => {
      if (capture.key(event.key, event.timeStamp)) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [submit]);

  const scanner = scannerState(status);
  const directed = session.directed;
  const hasCardReader = status?.devices.some((d) => d.kind === 'id-card') === true;
  const hasAnyCardReader = status?.devices.some((d) => d.kind === 'id-card' || d.kind === 'card-reader') === true;
  const scannerLine = (
    <p className={`device device-${scanner}`} data-testid="scanner-status" data-state={scanner}>
      {t(scannerText[scanner])}
    </p>
  );
  // A card read that failed: what happened and what to do, first on the screen; the next read counts.
  const notice = session.notice ? (
    <div className="card-notice" role="alert" data-testid="card-notice" data-code={session.notice.code}>
      <h2>{t('cardProblemTitle')}</h2>
      <p>{errorText(lang, session.notice)}</p>
    </div>
  ) : null;
  const preview = cameraQr ? <video ref={camera.video} className="scan-preview" data-testid="scan-camera" data-state={camera.state} muted playsInline aria-hidden="true" /> : null;
  const cancel = (
    <button type="button" className="secondary" data-testid="cancel" disabled={busy} onClick={() => run({ type: 'session.reset' })}>
      {t('cancel')}
    </button>
  );

  if (directed) {
    return (
      <section className="screen identify directed" data-testid="screen-identify" data-directed={directed.origin}>
        <h1>{t(directed.origin === 'bedside' ? 'directedBedsideTitle' : 'directedInRoomTitle')}</h1>
        {notice}
        <DirectedSummary directed={directed} t={t} withAmount />
        <h2 className="prompt">{t('directedPrompt')}</h2>
        {hasCardReader && <p className="hint">{t('directedPromptCard')}</p>}
        {scannerLine}
        {preview}
        <p className="hint">{t('directedHint')}</p>
        {directed.payLink !== null && showLink && (
          <div className="pay-link" data-testid="pay-link">
            <PayLinkQr link={directed.payLink} label={t('payLinkAlt')} />
            <p className="hint">{t('payLinkHint')}</p>
          </div>
        )}
        <div className="actions">
          {cancel}
          {directed.payLink !== null && (
            <button type="button" className="secondary" data-testid="pay-link-toggle" aria-expanded={showLink} onClick={() => setShowLink((v) => !v)}>
              {t(showLink ? 'payLinkHide' : 'payLinkShow')}
            </button>
          )}
        </div>
      </section>
    );
  }

  // Lead with what works: a scanner that is missing or broken does not ask for a code first.
  const ways = credentialLines(status, false);
  const scannerUsable = usable(scanner);
  const cardUsable = ways.some((w) => (w.key === 'ss-card' || w.key === 'id-card') && usable(w.state));
  const anyUsable = ways.some((w) => usable(w.state));
  const lead: 'code' | 'card' | 'any' | 'none' = scannerUsable ? 'code' : cardUsable ? 'card' : anyUsable ? 'any' : 'none';
  const title: TextKey = session.history
    ? 'historyIdentifyTitle'
    : lead === 'code'
      ? hasAnyCardReader
        ? 'identifyPromptAny'
        : 'identifyPrompt'
      : lead === 'card'
        ? 'identifyPromptCard'
        : lead === 'any'
          ? 'identifyPromptAny'
          : 'identifyPromptNone';
  const hint: TextKey | null = session.history ? 'historyIdentifyHint' : elderly && lead === 'code' ? null : lead === 'code' ? 'identifyHint' : lead === 'none' ? 'identifyNoWayHint' : 'identifyScannerDownHint';
  return (
    <section className="screen identify" data-testid="screen-identify" data-history={String(Boolean(session.history))} data-lead={lead}>
      <h1>{t(title)}</h1>
      {notice}
      {!elderly && lead === 'code' && <div className="scan-target" aria-hidden="true" />}
      {preview}
      {hint && <p className="hint" data-testid="identify-hint">{t(hint)}</p>}
      <CredentialList status={status} t={t} elderly={elderly} />
      <div className="actions">{cancel}</div>
    </section>
  );
}
