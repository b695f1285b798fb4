// What staff do when the face check sent a patient to them: look at the ID card and the person,
// then confirm with the staff PIN and a reason picked from a list (no typing at a kiosk, and nothing
// typed that could carry an ID number into the audit trail). The core checks the PIN and records it.
import { useState } from 'react';
import { PinPad } from '../admin/PinPad';
import type { TextKey } from '../i18n';
import type { ScreenProps } from './props';

const reasons: readonly TextKey[] = ['faceStaffReasonIdCard', 'faceStaffReasonOtherId'];

export function FaceStaffCheck({ t, busy, run }: Pick<ScreenProps, 't' | 'busy' | 'run'>) {
  const [stage, setStage] = useState<'closed' | 'pin' | 'reason'>('closed');
  const [digits, setDigits] = useState('');
  const close = () => {
    setDigits('');
    setStage('closed');
  };
  if (stage === 'closed') {
    return (
      <button type="button" className="secondary" data-testid="face-staff-check" disabled={busy} onClick={() => setStage('pin')}>
        {t('faceStaffCheck')}
      </button>
    );
  }
  if (stage === 'pin') return <PinPad digits={digits} onDigits={setDigits} onSubmit={() => setStage('reason')} onExit={close} busy={busy} t={t} />;
  return (
    <section className="face-staff-reasons" data-testid="face-staff-reasons" aria-labelledby="face-staff-title">
      <h2 id="face-staff-title">{t('faceStaffReasonTitle')}</h2>
      {reasons.map((key) => (
        <button
          key={key}
          type="button"
          className="primary"
          data-testid={`face-staff-${key}`}
          disabled={busy}
          onClick={() => {
            run({ type: 'face.staffConfirm', pin: digits, reason: t(key) });
            close();
          }}
        >
          {t(key)}
        </button>
      ))}
      <button type="button" className="secondary" onClick={close}>
        {t('cancel')}
      </button>
    </section>
  );
}
