// What every screen receives: the session it shows, a translator and the one way to act.
import type { Command, SessionView, TerminalStatus } from '../../../terminal/api/schema';
import type { TextKey } from '../i18n';

export interface ScreenProps {
  session: SessionView;
  status: TerminalStatus | null;
  t: (key: TextKey) => string;
  busy: boolean;
  run: (command: Command) => void;
}
