// The kiosk: a status bar and one screen chosen purely by SessionView.step, plus what is the
// kiosk's own business: the visit's language, elderly mode, voice prompts, the offline banner and
// the idle timeout that sends an absent patient's session back to the attract screen.
import { Suspense, useCallback, useEffect, useMemo, useState, type ComponentType } from 'react';
import type { Command, SessionStep } from '../../terminal/api/schema';
import { otherLang, translate, type TextKey } from './i18n';
import { errorText } from './error-text';
import { elderlyIdleFactor, timingsFromQuery } from './kiosk-settings';
import { StatusBar } from './StatusBar';
import { OfflineBanner } from './OfflineBanner';
import { IdleWarning } from './IdleWarning';
import type { TerminalClient } from './terminal-client';
import { useTerminal } from './use-terminal';
import { useIdleTimeout } from './use-idle-timeout';
import { useVisitPreferences } from './use-visit-preferences';
import { useVoice } from './use-voice';
import { promptForSession } from './voice-prompts';
import type { ScreenProps } from './screens/props';
import { Attract } from './screens/Attract';
import { useRehearsalPeople } from './rehearsal/use-rehearsal';
import { rehearsalText } from './rehearsal/rehearsal-text';
import { later, preloadLater } from './later';

// Only the attract screen is in the first script; the rest are chunks fetched once it shows (later.tsx).
const Identify = later(() => import('./screens/Identify').then((m) => m.Identify));
const Progress = later(() => import('./screens/Progress').then((m) => m.Progress));
const Confirm = later(() => import('./screens/Confirm').then((m) => m.Confirm));
const Receipt = later(() => import('./screens/Receipt').then((m) => m.Receipt));
const Pending = later(() => import('./screens/Pending').then((m) => m.Pending));
const ErrorScreen = later(() => import('./screens/ErrorScreen').then((m) => m.ErrorScreen));
const History = later(() => import('./screens/History').then((m) => m.History));
const Face = later(() => import('./screens/Face').then((m) => m.Face));
const AdminMode = later(() => import('./admin/AdminMode').then((m) => m.AdminMode));
const BedsideMode = later(() => import('./bedside/BedsideMode').then((m) => m.BedsideMode));
const RehearsalPanel = later(() => import('./rehearsal/RehearsalPanel').then((m) => m.RehearsalPanel));

const screens: Record<SessionStep, ComponentType<ScreenProps>> = {
  idle: Attract,
  identify: Identify,
  identifying: Progress,
  'loading-bill': Progress,
  presettling: Progress,
  confirm: Confirm,
  settling: Progress,
  receipt: Receipt,
  pending: Pending,
  error: ErrorScreen,
  history: History,
  face: Face,
};

export function App({ client }: { client: TerminalClient }) {
  const terminal = useTerminal(client);
  const { session, status, run } = terminal;
  const prefs = useVisitPreferences(session);
  const { lang } = prefs;
  const t = useCallback((key: TextKey) => translate(lang, key), [lang]);
  const act = useCallback((command: Command) => void run(command), [run]);
  const { submit } = terminal;
  const actWhenFree = useCallback((command: Command) => void submit(command), [submit]);
  // Read once: the query string only tunes timings (tests shorten them), within bounds.
  const timings = useMemo(() => timingsFromQuery(window.location.search), []);

  const step = session?.step ?? null;
  // A doctor's request waiting for its patient holds no patient data yet, and the patient may still
  // be on the way from the desk: its own expiry (inRoom.requestTtlSeconds, in the core) ends it, not
  // the idle timeout, which would cancel the doctor's request after a minute.
  const waitingForPatient = step === 'identify' && session?.directed?.origin === 'in-room';
  // Elder mode gives more time before the "are you still there?" warning.
  const visitTimings = useMemo(() => (prefs.elderly ? { ...timings, idleMs: timings.idleMs * elderlyIdleFactor } : timings), [prefs.elderly, timings]);
  const idle = useIdleTimeout(waitingForPatient ? null : step, session?.revision ?? 0, visitTimings, () => void run({ type: 'session.reset' }));
  const warning = idle.phase.kind === 'warning';
  const prompt = warning ? 'idle-warning' : session ? promptForSession(session) : null;
  // At the split the voice also says what the patient pays now (the screen's 本次需支付).
  const amountFen = !warning && session?.step === 'confirm' ? (session.split?.cashFen ?? null) : null;
  const audio = useVoice(prefs.voice, lang, prompt, amountFen);

  // Staff mode is the kiosk's own state, not a patient session: entering it clears any patient
  // from the core (and so from the screen); leaving it forgets the PIN (AdminMode unmounts).
  // Bedside mode is staff mode too (same PIN): a nurse picks the bed, then the patient's visit runs.
  const [staff, setStaff] = useState<'admin' | 'bedside' | null>(null);
  const enterStaff = useCallback(
    (mode: 'admin' | 'bedside') => {
      setStaff(mode);
      void run({ type: 'session.reset' });
    },
    [run],
  );
  const leaveStaff = useCallback(() => setStaff(null), []);

  // Rehearsal (embedded simulators only): on the staff screen, and beside the patient's screens when
  // the web host's page is opened with ?rehearsal or staff chose to keep it there.
  const rehearsalPeople = useRehearsalPeople(client, terminal.connected);
  const [rehearsalShown, setRehearsalShown] = useState(() => new URLSearchParams(window.location.search).has('rehearsal'));
  const rehearsal = rehearsalPeople ? <RehearsalPanel people={rehearsalPeople} execute={(c) => client.execute(c)} step={step} lang={lang} /> : null;

  const Screen = session ? screens[session.step] : null;
  // The attract screen is up: fetch the other screens' chunks before anyone taps.
  useEffect(() => {
    if (step === 'idle') preloadLater();
  }, [step]);
  const offline = terminal.connected && status?.platformOnline === false;
  // A screen that explains the outage itself (the offline bill to confirm, the slip just taken, a
  // pending payment) has no banner above it saying something else.
  const explainsOutage = step === 'pending' || (step === 'confirm' && session?.offlineCapture === true);
  return (
    <div className={prefs.elderly ? 'kiosk elderly' : 'kiosk'} lang={lang === 'zh' ? 'zh-CN' : 'en'} data-testid="kiosk" data-elderly={String(prefs.elderly)}>
      <StatusBar
        status={status}
        connected={terminal.connected}
        t={t}
        onToggleLang={() => prefs.setLang(otherLang(lang))}
        elderly={prefs.elderly}
        onToggleElderly={() => prefs.setElderly(!prefs.elderly)}
        voice={prefs.voice}
        onToggleVoice={() => prefs.setVoice(!prefs.voice)}
        onStaff={!staff && step === 'idle' ? () => enterStaff('admin') : undefined}
        onBedside={!staff && step === 'idle' ? () => enterStaff('bedside') : undefined}
      />
      {offline && !staff && !explainsOutage && <OfflineBanner t={t} capture={status?.offlineCapture === true} />}
      <main>
        {terminal.commandError && (
          <p className="command-error" role="alert" data-testid="command-error" data-code={terminal.commandError.code}>
            {errorText(lang, terminal.commandError)}
          </p>
        )}
        <Suspense
          fallback={
            <section className="screen progress" data-testid="screen-loading">
              <div className="spinner" aria-hidden="true" />
            </section>
          }
        >
          {staff === 'bedside' ? (
            <BedsideMode run={run} t={t} lang={lang} busy={terminal.busy || !terminal.connected} onExit={leaveStaff} />
          ) : staff === 'admin' ? (
            <AdminMode run={run} status={status} connected={terminal.connected} t={t} lang={lang} busy={terminal.busy || !terminal.connected} onExit={leaveStaff}>
              {rehearsal && (
                <>
                  {rehearsal}
                  <button type="button" className="secondary rehearsal-toggle" data-testid="rehearsal-toggle" aria-pressed={rehearsalShown} onClick={() => setRehearsalShown(!rehearsalShown)}>
                    {rehearsalText(lang, rehearsalShown ? 'close' : 'open')}
                  </button>
                </>
              )}
            </AdminMode>
          ) : Screen && session ? (
            <Screen session={session} status={status} t={t} lang={lang} elderly={prefs.elderly} busy={terminal.busy || !terminal.connected} run={act} submit={actWhenFree} setElderly={prefs.setElderly} />
          ) : (
            <section className="screen progress" data-testid="screen-connecting">
              <div className="spinner" aria-hidden="true" />
              <h1>{t('connecting')}</h1>
            </section>
          )}
        </Suspense>
      </main>
      {!staff && rehearsalShown && <Suspense fallback={null}>{rehearsal}</Suspense>}
      {idle.phase.kind === 'warning' && <IdleWarning secondsLeft={idle.phase.secondsLeft} t={t} onStay={idle.stay} />}
      <audio ref={audio} data-testid="voice" preload="auto" hidden />
    </div>
  );
}
