// The self-paid part's switches as this terminal's config resolves them: the composition root reads
// the config so the settlement never has to know its shape.
import type { TerminalConfig } from '../config/config';
import type { SelfPayOptions } from '../settlement/self-pay';

/** A switch left out follows the platform: on with the embedded simulator, off against a real one. */
export function selfPayOptions(config: Pick<TerminalConfig, 'settlement' | 'platform'>): SelfPayOptions {
  const sp = config.settlement.selfPay;
  const demo = config.platform.mode === 'embedded-sim';
  return {
    personalAccount: config.settlement.usePersonalAccount && (sp.personalAccount ?? demo),
    familyAccount: sp.familyAccount ?? demo,
    credit: { enabled: sp.credit.enabled ?? demo, limitPerPatientFen: sp.credit.limitPerPatientFen, limitPerTerminalFen: sp.credit.limitPerTerminalFen },
    payCode: sp.payCode ?? demo,
  };
}
