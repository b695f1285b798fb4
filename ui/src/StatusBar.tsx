// Always on screen: platform online/offline, the terminal's id, and the patient's switches:
// language, elderly mode (large text) and voice prompts; on the attract screen, the staff button.
import type { TerminalStatus } from '../../terminal/api/schema';
import type { TextKey } from './i18n';

export function StatusBar(props: {
  status: TerminalStatus | null;
  connected: boolean;
  t: (key: TextKey) => string;
  onToggleLang: () => void;
  elderly: boolean;
  onToggleElderly: () => void;
  voice: boolean;
  onToggleVoice: () => void;
  /** Offered on the attract screen only: the way into staff mode (PIN first). */
  onStaff?: (() => void) | undefined;
  /** Also on the attract screen only: a nurse's bedside discharge (the same PIN first). */
  onBedside?: (() => void) | undefined;
}) {
  const { status, connected, t } = props;
  const online = connected && status?.platformOnline === true;
  return (
    <header className="status-bar">
      <span className="title">{t('appTitle')}</span>
      <span className={online ? 'platform online' : 'platform offline'} data-testid="platform-status" data-online={String(online)}>
        <span className="dot" aria-hidden="true" />
        {connected ? t(online ? 'platformOnline' : 'platformOffline') : t('connecting')}
      </span>
      {status && <span className="terminal-id">{status.terminalId}</span>}
      <div className="switches">
        {props.onBedside && (
          <button type="button" className="switch staff" data-testid="bedside-button" onClick={props.onBedside}>
            {t('bedside')}
          </button>
        )}
        {props.onStaff && (
          <button type="button" className="switch staff" data-testid="staff-button" onClick={props.onStaff}>
            {t('staff')}
          </button>
        )}
        <button type="button" className="switch" data-testid="elderly-toggle" aria-pressed={props.elderly} onClick={props.onToggleElderly}>
          {t('elderlyMode')}
        </button>
        <button type="button" className="switch" data-testid="voice-toggle" aria-pressed={props.voice} onClick={props.onToggleVoice}>
          {t('voice')}
        </button>
        <button type="button" className="switch lang" data-testid="lang-toggle" onClick={props.onToggleLang}>
          {t('langToggle')}
        </button>
      </div>
    </header>
  );
}
