// Always on screen: platform online/offline, the terminal's id, and the language toggle.
import type { TerminalStatus } from '../../terminal/api/schema';
import type { TextKey } from './i18n';

export function StatusBar(props: {
  status: TerminalStatus | null;
  connected: boolean;
  t: (key: TextKey) => string;
  onToggleLang: () => void;
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
      <button type="button" className="lang" data-testid="lang-toggle" onClick={props.onToggleLang}>
        {t('langToggle')}
      </button>
    </header>
  );
}
