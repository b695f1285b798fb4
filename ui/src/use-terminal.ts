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

  const run = useCallback(
    async (command: Command): Promise<CommandResult | null> => {
      if (inFlight.current) return null;
      inFlight.current = true;
      setBusy(true);
      setCommandError(null);
      try {
        const result = await client.execute(command);
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

  return { connected, session, status, busy, commandError, run };
}
