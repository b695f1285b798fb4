// The masked patient name and insurance type, so the patient sees it is their own bill; on a
// directed visit also who asked for it (and the bed), so the doctor's or nurse's request is visible.
import type { SessionView } from '../../../terminal/api/schema';
import { fill, type TextKey } from '../i18n';

export function PatientLine({ session, t }: { session: SessionView; t: (key: TextKey) => string }) {
  const { patient, directed } = session;
  if (!patient) return null;
  return (
    <>
      <p className="patient" data-testid="patient">
        {t('patient')}: {patient.maskedName} · {patient.insuranceLabel}
        {patient.crossRegion && (
          <span className="cross-region" data-testid="patient-cross-region">
            {' · '}{t('crossRegion')}{patient.insuredAreaName ? ` (${patient.insuredAreaName})` : ''}
          </span>
        )}
      </p>
      {directed && (
        <p className="patient directed-line" data-testid="directed-line">
          {directed.bed !== null && `${fill(t('directedBedValue'), { bed: directed.bed })} · `}
          {directed.deptName} · {t(directed.origin === 'bedside' ? 'directedAttending' : 'directedRequester')} {directed.requester}
        </p>
      )}
    </>
  );
}
