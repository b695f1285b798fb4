// Asks for the insurance code and listens for a keyboard-wedge scanner burst.
import { useEffect } from 'react';
import type { DeviceHealth, TerminalStatus } from '../../../terminal/api/schema';
import type { TextKey } from '../i18n';
import { createWedgeCapture } from '../wedge';
import type { ScreenProps } from './props';

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

export function Identify({ status, t, busy, run }: ScreenProps) {
  useEffect(() => {
    const capture = createWedgeCapture((text) => run({ type: 'credential.text', text }));
    const onKey = (event: KeyboardEvent): void => {
      if (capture.key(event.key, event.timeStamp)) event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [run]);

  const scanner = scannerState(status);
  return (
    <section className="screen identify" data-testid="screen-identify">
      <h1>{t('identifyPrompt')}</h1>
      <div className="scan-target" aria-hidden="true" />
      <p className="hint">{t('identifyHint')}</p>
      <p className={`device device-${scanner}`} data-testid="scanner-status" data-state={scanner}>
        {t(scannerText[scanner])}
      </p>
      <div className="actions">
        <button type="button" className="secondary" data-testid="cancel" disabled={busy} onClick={() => run({ type: 'session.reset' })}>
          {t('cancel')}
        </button>
      </div>
    </section>
  );
}
