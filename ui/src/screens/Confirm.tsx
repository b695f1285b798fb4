// The bill and its split (一单式); the patient confirms once, with one large button.
import type { Split } from '../../../terminal/api/schema';
import { formatFen } from '../money';
import type { ScreenProps } from './props';
import { PatientLine } from './PatientLine';

/** The payer rows in the order the national 一单式 shows them; fund sub-rows only when used. */
type PayerField = Exclude<keyof Split, 'fundFen' | 'totalFen'>;

const splitRows: ReadonlyArray<{ field: PayerField; always: boolean }> = [
  { field: 'basicFundFen', always: true },
  { field: 'criticalIllnessFen', always: true },
  { field: 'medicalAidFen', always: true },
  { field: 'otherFundFen', always: false },
  { field: 'personalAccountFen', always: true },
  { field: 'familyAccountFen', always: true },
  { field: 'cashFen', always: true },
];

export function Confirm({ session, t, busy, run }: ScreenProps) {
  const { bill, split, settlementId } = session;
  return (
    <section className="screen confirm" data-testid="screen-confirm">
      <h1>{t('confirmTitle')}</h1>
      <PatientLine session={session} t={t} />
      {bill && (
        <table className="bill">
          <thead>
            <tr>
              <th>{t('item')}</th>
              <th>{t('quantity')}</th>
              <th className="num">{t('amount')}</th>
            </tr>
          </thead>
          <tbody>
            {bill.items.map((item, i) => (
              <tr key={i} data-testid="bill-item">
                <td>{item.name}</td>
                <td>{item.quantity}</td>
                <td className="num">{formatFen(item.amountFen)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th colSpan={2}>{t('billTotal')}</th>
              <td className="num" data-testid="bill-total">{formatFen(bill.totalFen)}</td>
            </tr>
          </tfoot>
        </table>
      )}
      {split && <h2>{t('splitTitle')}</h2>}
      {split && (
        <dl className="split">
          {splitRows
            .filter((row) => row.always || split[row.field] !== 0)
            .map(({ field }) => (
              <div key={field} className={field === 'cashFen' ? 'row cash' : 'row'}>
                <dt>{t(field)}</dt>
                <dd data-testid={`split-${field}`}>{formatFen(split[field])}</dd>
              </div>
            ))}
          <div className="row total">
            <dt>{t('totalFen')}</dt>
            <dd data-testid="split-totalFen">{formatFen(split.totalFen)}</dd>
          </div>
        </dl>
      )}
      <div className="actions">
        <button type="button" className="secondary" data-testid="cancel" disabled={busy} onClick={() => run({ type: 'session.reset' })}>
          {t('cancel')}
        </button>
        <button
          type="button"
          className="primary"
          data-testid="confirm-pay"
          disabled={busy || settlementId === null || split === null}
          onClick={() => settlementId !== null && run({ type: 'session.confirm', settlementId })}
        >
          {t('confirmPay')}
        </button>
      </div>
    </section>
  );
}
