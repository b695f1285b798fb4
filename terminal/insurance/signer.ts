// Gateway authentication headers that provinces put in front of the platform, chosen by config.
// The envelope's own cainfo/signtype (SM2) is separate and not done yet.
import { createHash, randomBytes } from 'node:crypto';

export interface EnvelopeSigner {
  /** Headers to send with this exact request body. */
  sign(body: string): Record<string, string>;
}

export const noSigner: EnvelopeSigner = { sign: () => ({}) };

/**
 * The x-tif variant: x-tif-signature = hex SHA-256 of timestamp + token + nonce + timestamp.
 * The body is not covered by this scheme; it authenticates the caller, not the message.
 */
export function createTifSigner(opts: {
  paasId: string;
  token: string;
  now?: () => Date;
  nonce?: () => string;
}): EnvelopeSigner {
  const now = opts.now ?? (() => new Date());
  const nonce = opts.nonce ?? (() => randomBytes(16).toString('hex'));
  return {
    sign() {
      const timestamp = String(Math.floor(now().getTime() / 1000));
      const n = nonce();
      const signature = tifSignature(timestamp, opts.token, n);
      return {
        'x-tif-paasid': opts.paasId,
        'x-tif-timestamp': timestamp,
        'x-tif-nonce': n,
        'x-tif-signature': signature,
      };
    },
  };
}

export function tifSignature(timestamp: string, token: string, nonce: string): string {
  return createHash('sha256').update(timestamp + token + nonce + timestamp).digest('hex');
}
