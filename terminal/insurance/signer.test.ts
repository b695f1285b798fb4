import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { createTifSigner, tifSignature } from './signer';

describe('x-tif signer', () => {
  it('signs SHA-256 of timestamp + token + nonce + timestamp', () => {
    const signer = createTifSigner({ paasId: 'paas1', token: 'tok', now: () => new Date(1_700_000_000_000), nonce: () => 'n0nce' });
    const h = signer.sign('{}');
    assert.equal(h['x-tif-paasid'], 'paas1');
    assert.equal(h['x-tif-timestamp'], '1700000000');
    assert.equal(h['x-tif-nonce'], 'n0nce');
    const expected = createHash('sha256').update('1700000000' + 'tok' + 'n0nce' + '1700000000').digest('hex');
    assert.equal(h['x-tif-signature'], expected);
    assert.notEqual(tifSignature('1700000000', 'other', 'n0nce'), expected);
  });
});
