// SM4: the GB/T 32907 example to the bit in both implementations (this file's TypeScript one, used
// where the runtime's OpenSSL has no SM4, as in Electron, and Node's), and the two agreeing on padded
// data of every length a block straddles.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createCipheriv, randomBytes } from 'node:crypto';
import { sm4Available, sm4EcbDecrypt, sm4EcbEncrypt, sm4EncryptBlocks } from './sm4';

const KEY = Buffer.from('0123456789abcdeffedcba9876543210', 'hex');

describe('SM4', () => {
  it('encrypts the standard example: key = plaintext = 0123456789abcdeffedcba9876543210 -> 681edf34d206965e86b3e94f536e4246', () => {
    assert.equal(sm4EncryptBlocks(KEY, KEY).toString('hex'), '681edf34d206965e86b3e94f536e4246');
    assert.equal(sm4EncryptBlocks(KEY, Buffer.from('681edf34d206965e86b3e94f536e4246', 'hex'), true).toString('hex'), KEY.toString('hex'));
  });

  it('reaches the standard\'s second example after 1,000,000 encryptions (595298c7c6fd271f0402f804c33d3f66)', { skip: !sm4Available.node && 'no SM4 in this runtime to make it quick' }, () => {
    // The TypeScript rounds are checked to the bit above; a million of them would take seconds, so
    // the iteration runs on Node's, which the next test shows agrees with ours.
    const cipher = createCipheriv('sm4-ecb', KEY, null).setAutoPadding(false);
    let block = Buffer.from(KEY);
    for (let i = 0; i < 1_000_000; i++) block = cipher.update(block);
    assert.equal(block.toString('hex'), '595298c7c6fd271f0402f804c33d3f66');
  });

  it('agrees with Node\'s sm4-ecb (PKCS#7) on every length from 0 to 40 bytes, and decrypts its own', { skip: !sm4Available.node && 'no SM4 in this runtime' }, () => {
    for (let n = 0; n <= 40; n++) {
      const key = randomBytes(16);
      const plain = randomBytes(n);
      const ours = sm4EcbEncrypt(key, plain, 'ts');
      assert.equal(ours.toString('hex'), sm4EcbEncrypt(key, plain, 'node').toString('hex'), `length ${n}`);
      assert.equal(ours.length, (Math.floor(n / 16) + 1) * 16, 'a whole block of padding when the data fills its blocks');
      assert.deepEqual(sm4EcbDecrypt(key, ours, 'ts'), plain);
    }
  });

  it('refuses a key that is not 16 bytes, and a wrong key shows as bad padding rather than as garbage', () => {
    assert.throws(() => sm4EcbEncrypt(Buffer.alloc(15), Buffer.from('x'), 'ts'), /16 bytes/);
    const c = sm4EcbEncrypt(KEY, Buffer.from('医保移动支付'), 'ts');
    assert.throws(() => sm4EcbDecrypt(Buffer.alloc(16, 7), c, 'ts'), /padding/);
  });
});
