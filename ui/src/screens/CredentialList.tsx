// The ways a patient can identify on this kiosk, one line each: what to do with it and the live
// state of its device (scanner ready, card reader ready or a card in it, camera), from the
// terminal's device health. What works comes first (a broken or missing scanner goes below the card
// readers that work), and elderly mode keeps the first two.
import type { DeviceHealth, TerminalStatus } from '../../../terminal/api/schema';
import { fill, type TextKey } from '../i18n';

type LineState = DeviceHealth['state'] | 'missing' | 'card-in';

interface Line {
  key: 'qr' | 'ss-card' | 'id-card' | 'face';
  prompt: TextKey;
  device: TextKey;
  state: LineState;
}

const scannerText: Record<DeviceHealth['state'] | 'missing', TextKey> = {
  ready: 'scannerReady',
  connecting: 'scannerConnecting',
  error: 'scannerError',
  closed: 'scannerClosed',
  missing: 'scannerMissing',
};

const stateText: Record<Exclude<LineState, 'missing'>, TextKey> = {
  ready: 'stateReady',
  connecting: 'stateConnecting',
  error: 'stateError',
  closed: 'stateClosed',
  'card-in': 'stateCardIn',
};

/** A device a patient can use now, or soon (still connecting); not one in error, closed or absent. */
export function usable(state: LineState): boolean {
  return state === 'ready' || state === 'card-in' || state === 'connecting';
}

const rank = (state: LineState) => (state === 'ready' || state === 'card-in' ? 0 : state === 'connecting' ? 1 : 2);

function stateOf(device: DeviceHealth): LineState {
  return device.state === 'ready' && device.cardPresent === true ? 'card-in' : device.state;
}

export function credentialLines(status: TerminalStatus | null, elderly: boolean): Line[] {
  const devices = status?.devices ?? [];
  const first = (kind: DeviceHealth['kind']) => devices.find((d) => d.kind === kind);
  const scanner = first('qr-scanner');
  const lines: Line[] = [{ key: 'qr', prompt: 'promptQr', device: 'deviceScanner', state: scanner ? scanner.state : 'missing' }];
  const ssCard = first('card-reader');
  if (ssCard) lines.push({ key: 'ss-card', prompt: 'promptSsCard', device: 'deviceCardReader', state: stateOf(ssCard) });
  const idCard = first('id-card');
  if (idCard) lines.push({ key: 'id-card', prompt: 'promptIdCard', device: 'deviceIdCard', state: stateOf(idCard) });
  const camera = first('camera');
  if (camera) lines.push({ key: 'face', prompt: 'promptFace', device: 'deviceCamera', state: camera.state });
  // Stable: among equally working ways the usual order (code, social security card, ID card, face) stays.
  const ordered = lines.map((line, i) => ({ line, i })).sort((a, b) => rank(a.line.state) - rank(b.line.state) || a.i - b.i).map((x) => x.line);
  return elderly ? ordered.slice(0, 2) : ordered;
}

export function CredentialList({ status, t, elderly }: { status: TerminalStatus | null; t: (key: TextKey) => string; elderly: boolean }) {
  const lines = credentialLines(status, elderly);
  return (
    <ul className="credentials" data-testid="credentials" aria-label={t('identifyChoose')}>
      {lines.map((line) => (
        <li key={line.key} className="credential" data-testid={`credential-${line.key}`}>
          <span className="credential-prompt">{t(line.prompt)}</span>
          {line.key === 'qr' ? (
            <span className={`device device-${line.state}`} data-testid="scanner-status" data-state={line.state}>
              {t(scannerText[line.state === 'card-in' ? 'ready' : line.state])}
            </span>
          ) : (
            <span className={`device device-${line.state}`} data-testid={`device-state-${line.key}`} data-state={line.state}>
              {fill(t('deviceStateFormat'), { device: t(line.device), state: t(stateText[line.state === 'missing' ? 'closed' : line.state]) })}
            </span>
          )}
        </li>
      ))}
    </ul>
  );
}
