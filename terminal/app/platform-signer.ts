// Turns the configured gateway scheme into the client's signer. An SM2 key is read from its own
// file (owner-readable only, outside the config) so the config can be shown to IT without secrets.
import { readFileSync } from 'node:fs';
import type { SignerConfig } from '../config/config';
import { createCsbSigner, createSm2EnvelopeSigner, createTifSigner, type EnvelopeSigner } from '../insurance/signer';

export function signerFromConfig(config: SignerConfig): EnvelopeSigner | undefined {
  switch (config.type) {
    case 'none':
      return undefined;
    case 'x-tif':
      return createTifSigner({ paasId: config.paasid, token: config.token });
    case 'csb':
      return createCsbSigner({ apiName: config.apiName, apiVersion: config.apiVersion, accessKey: config.accessKey, secretKey: config.secretKey });
    case 'sm2': {
      let pem: string;
      try {
        pem = readFileSync(config.privateKeyFile, 'utf8');
      } catch (err) {
        throw new Error(`platform.signer.privateKeyFile: cannot read ${config.privateKeyFile}: ${(err as Error).message}`, { cause: err });
      }
      // Read as PEM by the SM2 module itself: createPrivateKey fails on an SM2 key under Electron's BoringSSL.
      return createSm2EnvelopeSigner({ privateKey: pem, userId: config.userId });
    }
  }
}
