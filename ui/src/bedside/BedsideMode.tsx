// Bedside discharge for a nurse: the staff PIN (checked by the core on every command), then the
// inpatients awaiting discharge bed by bed, masked names only. Choosing one starts a directed
// discharge visit and leaves staff mode: from there the patient identifies and pays as at a kiosk.
// The PIN lives only in this component's state, so leaving forgets it.
import { useCallback, useState } from 'react';
import type { BedsideInpatient, Command, CommandResult } from '../../../terminal/api/schema';
import { fill, type Lang, type TextKey } from '../i18n';
import { formatFen } from '../money';
import { PinPad } from '../admin/PinPad';
import { adminIdleMs } from '../admin/AdminMode';
import { useStaffIdleExit } from '../admin/use-staff-idle-exit';

export function BedsideMode(props: {
  run: (command: Command) => Promise<CommandResult | null>;
  t: (key: TextKey) => string;
  lang: Lang;
  busy: boolean;
  onExit: () => void;
}) {
  const { run, t, onExit } = props;
  const [digits, setDigits] = useState('');
  const [refusal, setRefusal] = useState<{ triesLeft?: number | undefined; lockedMinutes?: number | undefined } | null>(null);
  const [pin, setPin] = useState<string | null>(null);
  const [inpatients, setInpatients] = useState<BedsideInpatient[] | null>(null);

  const list = useCallback(
    async (withPin: string) => {
      const result = await run({ type: 'bedside.list', pin: withPin });
      if (result?.ok && result.bedside) {
        setPin(withPin);
        setInpatients(result.bedside.inpatients);
      } else if (result && !result.ok && (result.error.code === 'admin-pin' || result.error.code === 'admin-locked')) {
        setPin(null);
        setInpatients(null);
        setRefusal({ triesLeft: result.triesLeft, lockedMinutes: result.lockedMinutes });
      }
      setDigits('');
    },
    [run],
  );

  const choose = useCallback(
    async (billId: string) => {
      if (pin === null) return;
      const result = await run({ type: 'bedside.begin', pin, billId });
      // The patient's visit is on now: staff mode ends, and with it the PIN.
      if (result?.ok) onExit();
      else void list(pin);
    },
    [pin, run, onExit, list],
  );

  useStaffIdleExit(adminIdleMs, onExit);

  if (pin === null || inpatients === null)
    return <PinPad digits={digits} onDigits={setDigits} onSubmit={() => void list(digits)} onExit={onExit} busy={props.busy} role="nurse" refusal={refusal} t={t} lang={props.lang} />;

  return (
    <section className="screen bedside" data-testid="screen-bedside" aria-labelledby="bedside-title">
      <h1 id="bedside-title">{t('bedsideTitle')}</h1>
      <p className="hint">{t('bedsideHint')}</p>
      {inpatients.length === 0 ? (
        <p className="body" data-testid="bedside-empty">{t('bedsideEmpty')}</p>
      ) : (
        <ul className="bedside-list">
          {inpatients.map((p) => (
            <li key={p.billId}>
              <button type="button" className="bedside-patient" data-testid="bedside-patient" data-bill-id={p.billId} disabled={props.busy} onClick={() => void choose(p.billId)}>
                <span className="bed">{fill(t('directedBedValue'), { bed: p.bed })}</span>
                <span className="name">{p.maskedName}</span>
                <span className="ward">
                  {p.wardName} · {p.drName} · {fill(t('bedsideAdmitted'), { date: p.admittedAt.slice(0, 10) })}
                </span>
                <span className="amount">{formatFen(p.totalFen)}</span>
              </button>
            </li>
          ))}
        </ul>
      )}
      <div className="actions">
        <button type="button" className="secondary" data-testid="bedside-exit" onClick={onExit}>
          {t('bedsideExit')}
        </button>
        <button type="button" className="primary" data-testid="bedside-refresh" disabled={props.busy} onClick={() => void list(pin)}>
          {t('adminRefresh')}
        </button>
      </div>
    </section>
  );
}
