// The kiosk: a status bar and one screen chosen purely by SessionView.step.
import { useCallback, useState, type ComponentType } from 'react';
import type { SessionStep } from '../../terminal/api/schema';
import { otherLang, translate, type Lang, type TextKey } from './i18n';
import { StatusBar } from './StatusBar';
import type { TerminalClient } from './terminal-client';
import { useTerminal } from './use-terminal';
import type { ScreenProps } from './screens/props';
import { Attract } from './screens/Attract';
import { Identify } from './screens/Identify';
import { Progress } from './screens/Progress';
import { Confirm } from './screens/Confirm';
import { Receipt } from './screens/Receipt';
import { Pending } from './screens/Pending';
import { ErrorScreen } from './screens/ErrorScreen';

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
};

export function App({ client }: { client: TerminalClient }) {
  const [lang, setLang] = useState<Lang>('zh');
  const terminal = useTerminal(client);
  const t = useCallback((key: TextKey) => translate(lang, key), [lang]);
  const { run } = terminal;
  const act = useCallback((command: Parameters<typeof run>[0]) => void run(command), [run]);

  const Screen = terminal.session ? screens[terminal.session.step] : null;
  return (
    <div className="kiosk" lang={lang === 'zh' ? 'zh-CN' : 'en'}>
      <StatusBar status={terminal.status} connected={terminal.connected} t={t} onToggleLang={() => setLang(otherLang)} />
      <main>
        {terminal.commandError && (
          <p className="command-error" role="alert" data-testid="command-error">
            {terminal.commandError.message}
          </p>
        )}
        {Screen && terminal.session ? (
          <Screen session={terminal.session} status={terminal.status} t={t} busy={terminal.busy || !terminal.connected} run={act} />
        ) : (
          <section className="screen progress" data-testid="screen-connecting">
            <div className="spinner" aria-hidden="true" />
            <h1>{t('connecting')}</h1>
          </section>
        )}
      </main>
    </div>
  );
}
