// The staff PIN pad: large digits, the PIN masked as dots, a physical keyboard works too. The PIN
// is only passed up on "sign in"; the core checks it, the screen never knows the right one.
import { useEffect } from 'react';
import { fill, type Lang, type TextKey } from '../i18n';
import { countText } from '../plural';
import { pinLength } from './admin-text';

const keys = ['1', '2', '3', '4', '5', '6', '7', '8', '9'] as const;

export function PinPad(props: {
  digits: string;
  onDigits: (digits: string) => void;
  onSubmit: () => void;
  onExit: () => void;
  busy: boolean;
  t: (key: TextKey) => string;
  /** For counted words ("1 digit entered"); Chinese when not given. */
  lang?: Lang;
  /** Which role's PIN this pad takes (each role has its own PIN and its own tries). */
  role?: 'admin' | 'nurse';
  /** After a wrong PIN: tries left before this role's pad locks; or minutes until it opens again. */
  refusal?: { triesLeft?: number | undefined; lockedMinutes?: number | undefined } | null;
}) {
  const { digits, onDigits, onSubmit, onExit, busy, t, refusal } = props;
  const lang = props.lang ?? 'zh';
  const canSubmit = !busy && digits.length >= pinLength.min;
  const press = (d: string) => {
    if (digits.length < pinLength.max) onDigits(digits + d);
  };

  useEffect(() => {
    const onKey = (event: KeyboardEvent): void => {
      if (/^\d$/.test(event.key)) press(event.key);
      else if (event.key === 'Backspace') onDigits(digits.slice(0, -1));
      else if (event.key === 'Enter' && canSubmit) onSubmit();
      else if (event.key === 'Escape') onExit();
      else return;
      event.preventDefault();
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  });

  return (
    <section className="screen admin-pin" data-testid="screen-admin-pin" aria-labelledby="admin-pin-title">
      <h1 id="admin-pin-title">{t('adminPinTitle')}</h1>
      <p className="hint">{t(props.role === 'nurse' ? 'nursePinHint' : 'adminPinHint')}</p>
      {refusal && (refusal.triesLeft !== undefined || refusal.lockedMinutes !== undefined) && (
        <p className="notice" role="alert" data-testid="pin-refusal" data-tries-left={refusal.triesLeft ?? 0}>
          {refusal.lockedMinutes !== undefined ? fill(t('pinLocked'), { minutes: refusal.lockedMinutes }) : fill(t('pinTriesLeft'), { count: refusal.triesLeft ?? 0 })}
        </p>
      )}
      <p className="pin-display" data-testid="pin-display" data-length={digits.length} aria-live="polite">
        <span aria-hidden="true">{digits.length > 0 ? '●'.repeat(digits.length) : '—'}</span>
        <span className="sr-only">{countText(lang, t, { one: 'adminPinEnteredOne', other: 'adminPinEntered' }, digits.length)}</span>
      </p>
      <div className="pin-keys">
        {keys.map((d) => (
          <button key={d} type="button" className="pin-key" data-testid={`pin-key-${d}`} disabled={busy} onClick={() => press(d)}>
            {d}
          </button>
        ))}
        <button type="button" className="pin-key small" data-testid="pin-clear" disabled={busy || digits.length === 0} onClick={() => onDigits('')}>
          {t('adminPinClear')}
        </button>
        <button type="button" className="pin-key" data-testid="pin-key-0" disabled={busy} onClick={() => press('0')}>
          0
        </button>
        <button type="button" className="pin-key small" data-testid="pin-delete" disabled={busy || digits.length === 0} onClick={() => onDigits(digits.slice(0, -1))}>
          {t('adminPinDelete')}
        </button>
      </div>
      <div className="actions">
        <button type="button" className="secondary" data-testid="admin-exit" onClick={onExit}>
          {t('adminExit')}
        </button>
        <button type="button" className="primary" data-testid="pin-submit" disabled={!canSubmit} onClick={onSubmit}>
          {t('adminPinSubmit')}
        </button>
      </div>
    </section>
  );
}
