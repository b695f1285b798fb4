// What a patient chose for their own visit: language, elderly mode, voice. Elderly mode follows
// the age on the patient's record unless they chose otherwise; every choice goes back to the
// defaults when the visit ends, so the next patient starts from Chinese, automatic elderly mode
// and voice on.
import { useEffect, useRef, useState } from 'react';
import type { SessionView } from '../../terminal/api/schema';
import type { Lang } from './i18n';
import { elderlyAge } from './kiosk-settings';

export interface VisitPreferences {
  lang: Lang;
  setLang(lang: Lang): void;
  elderly: boolean;
  setElderly(on: boolean): void;
  voice: boolean;
  setVoice(on: boolean): void;
}

export function isElderlyPatient(session: SessionView | null): boolean {
  const age = session?.patient?.age;
  return age !== undefined && age >= elderlyAge;
}

export function useVisitPreferences(session: SessionView | null): VisitPreferences {
  const [lang, setLang] = useState<Lang>('zh');
  const [elderlyChoice, setElderly] = useState<boolean | null>(null);
  const [voice, setVoice] = useState(true);
  const step = session?.step ?? null;
  const previous = useRef(step);
  useEffect(() => {
    if (step === 'idle' && previous.current !== null && previous.current !== 'idle') {
      setLang('zh');
      setElderly(null);
      setVoice(true);
    }
    previous.current = step;
  }, [step]);
  return { lang, setLang, elderly: elderlyChoice ?? isElderlyPatient(session), setElderly, voice, setVoice };
}
