// What the core's integration tests share: waiting for the session the terminal will show next.
import type { SessionView, TerminalEvent } from '../api/schema';
import type { RunningTerminal } from './start-terminal';

/** The next session view that is one of `steps` (or passes the test), or an error after `timeoutMs`. */
export function nextStep(terminal: RunningTerminal, steps: SessionView['step'][] | ((s: SessionView) => boolean), timeoutMs = 15_000): Promise<SessionView> {
  const wanted = typeof steps === 'function' ? steps : (s: SessionView) => steps.includes(s.step);
  const what = typeof steps === 'function' ? 'the awaited session view' : `none of ${steps.join('/')}`;
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      stop();
      fail(new Error(`${what} within ${timeoutMs} ms`));
    }, timeoutMs);
    const stop = terminal.api.subscribe((event: TerminalEvent) => {
      if (event.type === 'session' && wanted(event.session)) {
        clearTimeout(timer);
        stop();
        done(event.session);
      }
    });
  });
}
