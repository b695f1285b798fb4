// Who asked for this payment and for how much, on a directed visit (a doctor's in-room request or
// a nurse at the bed), so the patient knows why the device is waiting for them.
import type { DirectedPayment } from '../../../terminal/api/schema';
import { fill, type TextKey } from '../i18n';
import { formatFen } from '../money';

export function DirectedSummary({ directed, t, withAmount }: { directed: DirectedPayment; t: (key: TextKey) => string; withAmount: boolean }) {
  const bedside = directed.origin === 'bedside';
  return (
    <dl className="split directed" data-testid="directed" data-origin={directed.origin} data-bill-id={directed.billId}>
      {directed.bed !== null && (
        <div className="row">
          <dt>{t('directedBed')}</dt>
          <dd data-testid="directed-bed">{fill(t('directedBedValue'), { bed: directed.bed })}</dd>
        </div>
      )}
      <div className="row">
        <dt>{t(bedside ? 'directedWard' : 'directedDept')}</dt>
        <dd data-testid="directed-dept">{directed.deptName}</dd>
      </div>
      <div className="row">
        <dt>{t(bedside ? 'directedAttending' : 'directedRequester')}</dt>
        <dd data-testid="directed-requester">{directed.requester}</dd>
      </div>
      {withAmount && (
        <div className="row cash">
          <dt>{t('billTotal')}</dt>
          <dd data-testid="directed-amount">{formatFen(directed.totalFen)}</dd>
        </div>
      )}
    </dl>
  );
}
