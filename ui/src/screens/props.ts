// What every screen receives: the session it shows, a translator and the one way to act, plus the
// visit's language and whether elderly mode (larger, fewer, next step first) is on.
import type { Command, SessionView, TerminalStatus } from '../../../terminal/api/schema';
import type { Lang, TextKey } from '../i18n';

export interface ScreenProps {
  session: SessionView;
  status: TerminalStatus | null;
  t: (key: TextKey) => string;
  lang: Lang;
  elderly: boolean;
  busy: boolean;
  run: (command: Command) => void;
  /** For device input (a scan): waits for a command in flight instead of being dropped as a double tap. */
  submit: (command: Command) => void;
  /** On the attract screen: elderly mode chosen at the door (large text, voice, more time). */
  setElderly?: (on: boolean) => void;
}
