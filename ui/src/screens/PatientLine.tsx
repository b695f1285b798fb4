// The masked patient name and insurance type, so the patient sees it is their own bill; on a
// directed visit also who asked for it (and the bed), so the doctor's or nurse's request is visible.
import type { SessionView } from '../../../terminal/api/schema';
import { fill, type TextKey } from '../i18n';

/** The insurance types the platform names by code, in the patient's language; others as the core labels them. */
const insutypeText: Record<string, TextKey> = { '310': 'insutype310', '390': 'insutype390', '320': 'insutype320', '510': 'insutype510', '410': 'insutype410' };

export function insuranceName(patient: { insutype?: string | undefined; insuranceLabel: string }, t: (key: TextKey) => string): string {
  const key = patient.insutype === undefined ? undefined : insutypeText[patient.insutype];
  return key ? t(key) : patient.insuranceLabel;
}

export function PatientLine({ session, t }: { session: SessionView; t: (key: TextKey) => string }) {
  const { patient, directed } = session;
  if (!patient) return null;
  return (
    <>
      <p className="patient" data-testid="patient">
        {t('patient')}: {patient.maskedName} · <span data-testid="patient-insurance">{insuranceName(patient, t)}</span>
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
