// What the core's integration tests share: waiting for the session the terminal will show next,
// and an ID card laid on a reader that sits on a pty.
import type { SessionView, TerminalEvent } from '../api/schema';
import { join } from 'node:path';
import type { RunningTerminal } from '../app/start-terminal';
import { readRecording } from '../../drivers/transport/replay';
import { serveConversationOnPort } from '../../drivers/transport/conversation';
import { samIdleAnswer, samRequestFramer } from '../../drivers/id-card/sim-reader';

/** The next session view that is one of `steps` (or passes the test), or an error after `timeoutMs`. */
export function nextStep(terminal: RunningTerminal, steps: SessionView['step'][] | ((s: SessionView) => boolean), timeoutMs = 30_000): Promise<SessionView> {
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

/** An ID card laid on the reader for a moment: the recorded SAM conversation served on the pty's
 * device end for 1.5 s, the terminal's driver polling the other end. */
export async function presentIdCard(devicePath: string, fixturesDir: string, fixture = 'read-card.jsonl'): Promise<void> {
  const chunks = await readRecording(join(fixturesDir, 'devices', 'id-card', fixture));
  const controller = new AbortController();
  const serving = serveConversationOnPort(devicePath, { chunks, framer: samRequestFramer, idle: samIdleAnswer, baudRate: 115200, signal: controller.signal });
  await new Promise((r) => setTimeout(r, 1_500));
  controller.abort();
  await serving;
}
