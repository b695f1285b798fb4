// The masked patient name and insurance type, so the patient sees it is their own bill.
import type { SessionView } from '../../../terminal/api/schema';
import type { TextKey } from '../i18n';

export function PatientLine({ session, t }: { session: SessionView; t: (key: TextKey) => string }) {
  const patient = session.patient;
  if (!patient) return null;
  return (
    <p className="patient" data-testid="patient">
      {t('patient')}: {patient.maskedName} · {patient.insuranceLabel}
    </p>
  );
}
