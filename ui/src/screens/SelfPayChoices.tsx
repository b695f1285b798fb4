// The confirm step's choices for the self-paid part: the personal account on or off, a relative's
// account (家庭共济), and how the rest is paid (cashier, payment code, credit). The default the core
// sends is the one-tap path, so a patient who touches nothing here just presses confirm. Changing the
// account or the relative makes the core pre-settle again; the method is sent with the confirm.
import type { CashMethod, SessionView } from '../../../terminal/api/schema';
import { fill, type TextKey } from '../i18n';
import type { ScreenProps } from './props';

const methodText: Record<CashMethod, TextKey> = { cashier: 'methodCashier', 'pay-code': 'methodPayCode', credit: 'methodCredit' };

export function SelfPayChoices({ session, t, busy, run, method, onMethod }: Pick<ScreenProps, 't' | 'busy' | 'run'> & { session: SessionView; method: CashMethod; onMethod: (m: CashMethod) => void }) {
  const sp = session.selfPay;
  const id = session.settlementId;
  if (!sp || id === null) return null;
  const change = (usePersonalAccount: boolean, familyPayer: number | null) => run({ type: 'session.selfPay', settlementId: id, usePersonalAccount, familyPayer });
  const cash = session.split?.cashFen ?? 0;
  const hasChoice = sp.personalAccount.allowed || sp.familyPayers.length > 0 || sp.methods.length > 1;
  if (!hasChoice && sp.notice === null) return null;
  return (
    <section className="self-pay" aria-labelledby="self-pay-title" data-testid="self-pay">
      <h2 id="self-pay-title">{t('selfPayTitle')}</h2>
      {sp.notice && (
        <p className="notice" role="alert" data-testid="self-pay-notice" data-notice={sp.notice}>
          {t(sp.notice === 'pay-code-declined' ? 'noticePayCodeDeclined' : 'noticeFamilyRefused')}
        </p>
      )}
      {sp.personalAccount.allowed && (
        <button type="button" className="choice" role="switch" aria-checked={sp.personalAccount.on} data-testid="self-pay-account" disabled={busy} onClick={() => change(!sp.personalAccount.on, sp.familyPayer)}>
          {t(sp.personalAccount.on ? 'selfPayAccountOn' : 'selfPayAccountOff')}
        </button>
      )}
      {sp.familyPayers.length > 0 && (
        <div role="radiogroup" aria-label={t('selfPayFamilyGroup')} className="choices">
          <button type="button" role="radio" className="choice" aria-checked={sp.familyPayer === null} data-testid="family-none" disabled={busy} onClick={() => change(sp.personalAccount.on, null)}>
            {t('selfPayFamilyNone')}
          </button>
          {sp.familyPayers.map((p) => (
            <button key={p.index} type="button" role="radio" className="choice" aria-checked={sp.familyPayer === p.index} data-testid={`family-${p.index}`} disabled={busy} onClick={() => change(sp.personalAccount.on, p.index)}>
              {fill(t('selfPayFamilyBy'), { name: p.maskedName })}
            </button>
          ))}
        </div>
      )}
      {cash > 0 && sp.methods.length > 1 && (
        <div role="radiogroup" aria-label={t('selfPayMethodGroup')} className="choices">
          {sp.methods.map((m) => (
            <button key={m} type="button" role="radio" className="choice" aria-checked={method === m} data-testid={`method-${m}`} disabled={busy} onClick={() => onMethod(m)}>
              {t(methodText[m])}
            </button>
          ))}
        </div>
      )}
      {cash > 0 && method === 'pay-code' && (
        <p className="hint" data-testid="pay-code-hint">{t(sp.payCodeNeedsScan ? 'payCodeScanPrompt' : 'payCodeEcNote')}</p>
      )}
      {cash > 0 && method === 'credit' && <p className="hint">{t('creditNote')}</p>}
    </section>
  );
}
