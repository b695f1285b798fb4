// The mobile-payment client (6201-6401) as the config describes it: the centre's app credentials,
// this terminal's SM2 key to sign with, and the centre's key to check answers with. A terminal with
// no key file signs with one made at start, which only the simulator accepts: a real centre needs
// the key it registered.
import { readFileSync } from 'node:fs';
import type { TerminalConfig } from '../config/config';
import { createMobilePayClient, type MobilePayClient } from '../insurance/mobile-pay';
import { generateSm2Keys, sm2KeysOf } from '../insurance/sm2';
import type { PlatformSimulator } from '../sim/platform/server';

export function mobilePayFromConfig(config: TerminalConfig, baseUrl: string, sim: PlatformSimulator | null): MobilePayClient {
  const mp = config.platform.mobilePay;
  // Keys are read and made by the SM2 module, never by Node's crypto: Electron's BoringSSL has no SM2.
  const signKeys = mp.privateKeyFile ? sm2KeysOf(readFileSync(mp.privateKeyFile)) : generateSm2Keys();
  const centreKey = mp.centrePublicKeyFile ? readFileSync(mp.centrePublicKeyFile) : (sim?.mobilePayPublicKey ?? null);
  return createMobilePayClient({
    baseUrl,
    timeoutMs: config.platform.timeoutMs,
    appId: mp.appId,
    appSecret: mp.appSecret,
    signKeys,
    peerPublic: centreKey ? sm2KeysOf(centreKey).pub : undefined,
    orgCodg: config.terminal.institutionCode,
  });
}
