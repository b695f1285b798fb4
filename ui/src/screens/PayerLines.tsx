// 一单式 payer rows (统筹基金, 大病保险, 医疗救助, 个人账户, 现金 …) by the names the confirm screen uses:
// one component for the receipt and 查询, so a fund named on one is named the same on the other.
import type { Split } from '../../../terminal/api/schema';
import type { TextKey } from '../i18n';
import { formatFen } from '../money';
import type { PayerField } from '../split-lines';

export function PayerLines(props: { split: Split; fields: readonly PayerField[]; t: (key: TextKey) => string; testId: string }) {
  const { split, t } = props;
  return (
    <>
      {props.fields.map((field) => (
        <div className="row sub" key={field} data-testid={props.testId} data-field={field}>
          <dt>{t(field)}</dt>
          <dd>{formatFen(split[field] ?? 0)}</dd>
        </div>
      ))}
    </>
  );
}
