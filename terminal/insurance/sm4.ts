// SM4 (GB/T 32907-2016) block cipher in ECB mode with PKCS#7 padding, as the mobile-payment bodies
// (6201-6401) use it. Node's OpenSSL build here has 'sm4-ecb', but Electron's BoringSSL has no SM4
// at all, and the core runs in Electron's main process on a kiosk: so the cipher is also written out
// here, used when Node lacks it, and checked against Node's where both exist (sm4.test.ts).
import { createCipheriv, createDecipheriv, getCiphers } from 'node:crypto';

const SBOX = Uint8Array.from(
  Buffer.from(
    'd690e9fecce13db716b614c228fb2c05' +
      '2b679a762abe04c3aa44132649860699' +
      '9c4250f491ef987a33540b43edcfac62' +
      'e4b31ca9c908e89580df94fa758f3fa6' +
      '4707a7fcf37317ba83593c19e6854fa8' +
      '686b81b27164da8bf8eb0f4b70569d35' +
      '1e240e5e6358d1a225227c3b01217887' +
      'd40046579fd327524c3602e7a0c4c89e' +
      'eabf8ad240c738b5a3f7f2cef96115a1' +
      'e0ae5da49b341a55ad933230f58cb1e3' +
      '1df6e22e8266ca60c02923ab0d534e6f' +
      'd5db3745defd8e2f03ff6a726d6c5b51' +
      '8d1baf92bbddbc7f11d95c411f105ad8' +
      '0ac13188a5cd7bbd2d74d012b8e5b4b0' +
      '8969974a0c96777e65b9f109c56ec684' +
      '18f07dec3adc4d2079ee5f3ed7cb3948',
    'hex',
  ),
);
const FK = [0xa3b1bac6, 0x56aa3350, 0x677d9197, 0xb27022dc];
const CK = Array.from({ length: 32 }, (_, i) => {
  let v = 0;
  for (let j = 0; j < 4; j++) v = (v << 8) | (((4 * i + j) * 7) & 0xff);
  return v >>> 0;
});

const rotl = (x: number, n: number) => ((x << n) | (x >>> (32 - n))) >>> 0;
const tau = (a: number) =>
  ((SBOX[(a >>> 24) & 0xff]! << 24) | (SBOX[(a >>> 16) & 0xff]! << 16) | (SBOX[(a >>> 8) & 0xff]! << 8) | SBOX[a & 0xff]!) >>> 0;
const lin = (b: number) => (b ^ rotl(b, 2) ^ rotl(b, 10) ^ rotl(b, 18) ^ rotl(b, 24)) >>> 0;
const linKey = (b: number) => (b ^ rotl(b, 13) ^ rotl(b, 23)) >>> 0;

function roundKeys(key: Buffer): number[] {
  const k = [0, 1, 2, 3].map((i) => (key.readUInt32BE(i * 4) ^ FK[i]!) >>> 0);
  const rk: number[] = [];
  for (let i = 0; i < 32; i++) {
    const next = (k[i]! ^ linKey(tau((k[i + 1]! ^ k[i + 2]! ^ k[i + 3]! ^ CK[i]!) >>> 0))) >>> 0;
    k.push(next);
    rk.push(next);
  }
  return rk;
}

function cryptBlock(rk: readonly number[], input: Buffer, at: number, out: Buffer): void {
  const x = [0, 1, 2, 3].map((i) => input.readUInt32BE(at + i * 4));
  for (let i = 0; i < 32; i++) x.push((x[i]! ^ lin(tau((x[i + 1]! ^ x[i + 2]! ^ x[i + 3]! ^ rk[i]!) >>> 0))) >>> 0);
  for (let i = 0; i < 4; i++) out.writeUInt32BE(x[35 - i]!, at + i * 4);
}

function checkKey(key: Buffer): void {
  if (key.length !== 16) throw new Error('SM4 key must be 16 bytes');
}

/** One raw block each way, no padding: what the standard's test vectors are stated for. */
export function sm4EncryptBlocks(key: Buffer, data: Buffer, decrypt = false): Buffer {
  checkKey(key);
  if (data.length % 16 !== 0) throw new Error('SM4 ECB data must be whole 16-byte blocks');
  const rk = roundKeys(key);
  if (decrypt) rk.reverse();
  const out = Buffer.alloc(data.length);
  for (let at = 0; at < data.length; at += 16) cryptBlock(rk, data, at, out);
  return out;
}

const nodeHasSm4 = getCiphers().includes('sm4-ecb');

function pad(data: Buffer): Buffer {
  const n = 16 - (data.length % 16);
  return Buffer.concat([data, Buffer.alloc(n, n)]);
}

function unpad(data: Buffer): Buffer {
  const n = data.length > 0 ? data[data.length - 1]! : 0;
  if (n < 1 || n > 16 || n > data.length || !data.subarray(data.length - n).every((b) => b === n)) throw new Error('SM4: bad padding (wrong key?)');
  return data.subarray(0, data.length - n);
}

/** SM4-ECB with PKCS#7 padding. `impl` forces one implementation (the tests compare them). */
export function sm4EcbEncrypt(key: Buffer, plain: Buffer, impl: 'auto' | 'node' | 'ts' = 'auto'): Buffer {
  checkKey(key);
  if ((impl === 'auto' && nodeHasSm4) || impl === 'node') {
    const c = createCipheriv('sm4-ecb', key, null);
    return Buffer.concat([c.update(plain), c.final()]);
  }
  return sm4EncryptBlocks(key, pad(plain));
}

export function sm4EcbDecrypt(key: Buffer, cipher: Buffer, impl: 'auto' | 'node' | 'ts' = 'auto'): Buffer {
  checkKey(key);
  if ((impl === 'auto' && nodeHasSm4) || impl === 'node') {
    const d = createDecipheriv('sm4-ecb', key, null);
    return Buffer.concat([d.update(cipher), d.final()]);
  }
  return unpad(sm4EncryptBlocks(key, cipher, true));
}

export const sm4Available = { node: nodeHasSm4 };
