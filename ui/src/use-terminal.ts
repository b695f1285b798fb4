// The kiosk's view of the terminal as React state: the latest session and status, whether the
// transport is up, and one `run` that sends a command while blocking double taps.
import { useCallback, useEffect, useRef, useState } from 'react';
import type { Command, CommandResult, SessionView, TerminalStatus, UserError } from '../../terminal/api/schema';
import type { TerminalClient } from './terminal-client';

export interface TerminalState {
  connected: boolean;
  session: SessionView | null;
  status: TerminalStatus | null;
  busy: boolean;
  /** A command the terminal refused; cleared by the next command. */
  commandError: UserError | null;
  /** The terminal's answer, or null when a command was already in flight (a double tap). */
  run(command: Command): Promise<CommandResult | null>;
  /** The same, but waits for a command in flight to finish instead of dropping this one. */
  submit(command: Command): Promise<CommandResult | null>;
}

export function useTerminal(client: TerminalClient): TerminalState {
  const [connected, setConnected] = useState(false);
  const [session, setSession] = useState<SessionView | null>(null);
  const [status, setStatus] = useState<TerminalStatus | null>(null);
  const [busy, setBusy] = useState(false);
  // Results and events can cross on IPC: never step back to an older view of the session.
  const showSession = useCallback((next: SessionView) => setSession((prev) => (prev && prev.revision > next.revision ? prev : next)), []);
  const [commandError, setCommandError] = useState<UserError | null>(null);
  // A ref, not state: two taps in one frame must not both get through.
  const inFlight = useRef(false);
  // Settles when the command in flight has its answer: device input waits on it (see `submit`).
  const settled = useRef<Promise<unknown>>(Promise.resolve());

  const run = useCallback(
    async (command: Command): Promise<CommandResult | null> => {
      if (inFlight.current) return null;
      inFlight.current = true;
      setBusy(true);
      setCommandError(null);
      try {
        const pending = client.execute(command);
        settled.current = pending.catch(() => undefined);
        const result = await pending;
        if (result.ok) {
          showSession(result.session);
          setStatus(result.status);
        } else {
          setCommandError(result.error);
        }
        return result;
      } finally {
        inFlight.current = false;
        setBusy(false);
      }
    },
    [client, showSession],
  );

  // A scan is the patient's act, not a second tap: the screen it was made on can show (by event)
  // before the command that opened it has its answer, and dropping the scan then would leave the
  // patient waiting at a screen that ignored them. So device input waits its turn instead.
  const submit = useCallback(
    async (command: Command): Promise<CommandResult | null> => {
      while (inFlight.current) await settled.current;
      return run(command);
    },
    [run],
  );

  useEffect(() => {
    const offEvent = client.onEvent((event) => {
      if (event.type === 'session') showSession(event.session);
      else if (event.type === 'status') setStatus(event.status);
    });
    const offConnection = client.onConnection((up) => {
      setConnected(up);
      // After any (re)connect the terminal's own view is the truth, whatever we showed before.
      if (up)
        void client.execute({ type: 'status.get' }).then((result) => {
          if (result.ok) {
            showSession(result.session);
            setStatus(result.status);
          }
        });
    });
    return () => {
      offEvent();
      offConnection();
    };
  }, [client, showSession]);

  return { connected, session, status, busy, commandError, run, submit };
}
