// Staff mode, kept as the kiosk's own UI state (it is no patient session): the PIN pad, then the
// admin screen. The PIN lives only in this component's state, so leaving (a tap on "leave", or
// two minutes without a touch) forgets it. Every command carries it; the core checks it each time.
import { useCallback, useState, type ReactNode } from 'react';
import type { AdminOverview, Command, CommandResult, TerminalStatus } from '../../../terminal/api/schema';
import type { Lang, TextKey } from '../i18n';
import { PinPad } from './PinPad';
import { AdminScreen, type StaffAction } from './AdminScreen';
import { useStaffIdleExit } from './use-staff-idle-exit';
import { outcomeOf, type MoneyAction, type MoneyOutcome } from './money-action';

type AdminCommand = Extract<Command, { pin: string }>;
type WithoutPin<T> = T extends unknown ? Omit<T, 'pin'> : never;
type AdminRequest = WithoutPin<AdminCommand>;

/** Staff mode closes itself after this long without a touch, so an unattended kiosk never stays open. */
export const adminIdleMs = 120_000;

export function AdminMode(props: {
  run: (command: Command) => Promise<CommandResult | null>;
  status: TerminalStatus | null;
  connected: boolean;
  t: (key: TextKey) => string;
  lang: Lang;
  busy: boolean;
  onExit: () => void;
  /** Shown below the admin screen once the PIN is accepted (the rehearsal panel on simulators). */
  children?: ReactNode;
}) {
  const { run, onExit } = props;
  const [digits, setDigits] = useState('');
  const [refusal, setRefusal] = useState<{ triesLeft?: number | undefined; lockedMinutes?: number | undefined } | null>(null);
  const [pin, setPin] = useState<string | null>(null);
  const [view, setView] = useState<{ overview: AdminOverview; at: string } | null>(null);
  /** What the last 立即上传 did, so a tap on an empty queue is answered too: visits queued before and after. */
  const [forwarded, setForwarded] = useState<{ before: number; after: number } | null>(null);
  const [moneyOutcome, setMoneyOutcome] = useState<MoneyOutcome | null>(null);

  const send = useCallback(
    async (request: AdminRequest, withPin: string) => {
      const result = await run({ ...request, pin: withPin } as AdminCommand);
      if (result?.ok && result.admin) {
        setPin(withPin);
        setRefusal(null);
        setView({ overview: result.admin, at: new Date().toISOString() });
        if (request.type !== 'admin.forward') setForwarded(null);
      } else if (result && !result.ok && (result.error.code === 'admin-pin' || result.error.code === 'admin-locked')) {
        // A wrong PIN, or the right one no longer accepted: back to the pad with nothing kept.
        setPin(null);
        setView(null);
        setRefusal({ triesLeft: result.triesLeft, lockedMinutes: result.lockedMinutes });
      }
      setDigits('');
      return result;
    },
    [run],
  );

  useStaffIdleExit(adminIdleMs, onExit);

  if (pin === null || view === null)
    return <PinPad digits={digits} onDigits={setDigits} onSubmit={() => void send({ type: 'admin.overview' }, digits)} onExit={onExit} busy={props.busy} role="admin" refusal={refusal} t={props.t} lang={props.lang} />;

  return (
    <>
      <AdminScreen
        overview={view.overview}
        updatedAt={view.at}
        status={props.status}
        connected={props.connected}
        t={props.t}
        lang={props.lang}
        busy={props.busy}
        onRefresh={() => void send({ type: 'admin.overview' }, pin)}
        forwarded={forwarded}
        onForward={() => {
          const before = view.overview.queue.length;
          setForwarded(null);
          void run({ type: 'admin.forward', pin }).then((result) => {
            if (result?.ok && result.admin) {
              setView({ overview: result.admin, at: new Date().toISOString() });
              setForwarded({ before, after: result.admin.queue.length });
            } else if (result && !result.ok && (result.error.code === 'admin-pin' || result.error.code === 'admin-locked')) {
              setPin(null);
              setView(null);
            }
          });
        }}
        onReconcile={() => void send({ type: 'admin.reconcile' }, pin)}
        onStaffAction={(action: StaffAction) => void send(action, pin)}
        onMoneyAction={(action: MoneyAction) => {
          setMoneyOutcome(null);
          void send(action, pin).then((result) => setMoneyOutcome(outcomeOf(action, result)));
        }}
        moneyOutcome={moneyOutcome}
        onFaults={(preset) => void send({ type: 'admin.simFaults', preset }, pin)}
        onExit={onExit}
      />
      {props.children}
    </>
  );
}
