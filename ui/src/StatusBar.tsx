// Always on screen: platform online/offline, the terminal's id, and the patient's switches:
// language, elderly mode (large text) and voice prompts. Staff entry is out of patients' reach: on
// the attract screen a long press (1.5 s) on the title opens the nurse's and the admin's doors;
// nothing on the screen advertises it.
import { useEffect, useRef, useState } from 'react';
import type { TerminalStatus } from '../../terminal/api/schema';
import type { TextKey } from './i18n';

/** How long staff hold the title to open their doors, and how long the doors stay open. */
export const staffPressMs = 1_500;
const staffMenuMs = 15_000;
/** What the bar says while the journal holds payments back. */
const journalStatusText: Record<Exclude<NonNullable<TerminalStatus['journal']>['state'], 'ok'>, TextKey> = {
  'journal-write-failed': 'journalStopped',
  'journal-checking': 'journalChecking',
  'journal-damaged': 'journalDamaged',
};

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
  const staffDoor = Boolean(props.onStaff || props.onBedside);
  const [menu, setMenu] = useState(false);
  const press = useRef<ReturnType<typeof setTimeout> | null>(null);
  const release = () => {
    if (press.current) clearTimeout(press.current);
    press.current = null;
  };
  // The doors close by themselves, and whenever the attract screen is left.
  useEffect(() => {
    if (!menu) return;
    const closing = setTimeout(() => setMenu(false), staffMenuMs);
    return () => clearTimeout(closing);
  }, [menu]);
  const open = menu && staffDoor;
  return (
    <header className="status-bar">
      <span
        className="title"
        data-testid="staff-corner"
        onPointerDown={() => {
          if (!staffDoor) return;
          release();
          press.current = setTimeout(() => setMenu(true), staffPressMs);
        }}
        onPointerUp={release}
        onPointerLeave={release}
        onPointerCancel={release}
        onContextMenu={(e) => e.preventDefault()}
      >
        {t('appTitle')}
      </span>
      <span className={online ? 'platform online' : 'platform offline'} data-testid="platform-status" data-online={String(online)}>
        <span className="dot" aria-hidden="true" />
        {connected ? t(online ? 'platformOnline' : 'platformOffline') : t('connecting')}
      </span>
      {status?.journal && status.journal.state !== 'ok' && (
        // The kiosk refuses every new payment meanwhile (the core's begin is refused with the same words).
        <span className={status.journal.state === 'journal-checking' ? 'journal-checking' : 'journal-stopped'} role="alert" data-testid="journal-status" data-state={status.journal.state}>
          {t(journalStatusText[status.journal.state])}
        </span>
      )}
      {status && <span className="terminal-id">{status.terminalId}</span>}
      <div className="switches">
        {open && props.onBedside && (
          <button type="button" className="switch staff" data-testid="bedside-button" onClick={() => (setMenu(false), props.onBedside?.())}>
            {t('bedside')}
          </button>
        )}
        {open && props.onStaff && (
          <button type="button" className="switch staff" data-testid="staff-button" onClick={() => (setMenu(false), props.onStaff?.())}>
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
