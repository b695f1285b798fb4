// "Are you still there?": covers the screen so a stray tap cannot press anything under it, counts
// down, and one tap anywhere (the big button, or anywhere else) continues the visit.
import { useEffect, useRef } from 'react';
import { fill, type TextKey } from './i18n';

export function IdleWarning({ secondsLeft, t, onStay }: { secondsLeft: number; t: (key: TextKey) => string; onStay: () => void }) {
  const button = useRef<HTMLButtonElement>(null);
  useEffect(() => button.current?.focus(), []);
  return (
    <div className="overlay" data-testid="idle-warning">
      <div className="dialog" role="alertdialog" aria-modal="true" aria-labelledby="idle-title" aria-describedby="idle-body">
        <h1 id="idle-title">{t('idleTitle')}</h1>
        <p id="idle-body" className="body strong" data-testid="idle-seconds" data-seconds={secondsLeft}>
          {fill(t('idleBody'), { seconds: secondsLeft })}
        </p>
        <button ref={button} type="button" className="primary" data-testid="idle-continue" onClick={onStay}>
          {t('idleContinue')}
        </button>
      </div>
    </div>
  );
}
