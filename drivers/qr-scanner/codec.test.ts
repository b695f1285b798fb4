// The scanner codec on its own: framing, classification and garbage, including a property test.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { classifyScan, classifierWith, createQrScannerCodec, type CodecError, type ScanEvent } from './codec';

const enc = (s: string) => new TextEncoder().encode(s);
const EC = 'NHSAEC1.EC00000000000000000000000000E101.1700000000.7f3a9c2e5b1d4e80.d07e8ea7380ad71895234da7887191a1';

function feed(codec: ReturnType<typeof createQrScannerCodec>, ...chunks: Array<string | number[]>) {
  return chunks.flatMap((c) => codec.push(typeof c === 'string' ? enc(c) : Uint8Array.from(c)));
}

describe('classifyScan', () => {
  it('tells 医保码, pay codes and hospital barcodes apart', () => {
    assert.equal(classifyScan(EC), 'ec-qr');
    assert.equal(classifyScan('134567890123456789'), 'pay-code'); // WeChat, 18 digits
    assert.equal(classifyScan('287654321098765432'), 'pay-code'); // Alipay
    assert.equal(classifyScan('2876543210987654321234'), 'pay-code'); // Alipay, 22 digits
    assert.equal(classifyScan('ZY2024081500123'), 'hospital-barcode');
    assert.equal(classifyScan('123456'), 'hospital-barcode');
    assert.equal(classifyScan('164567890123456789'), 'hospital-barcode'); // 16 is no WeChat prefix
    assert.equal(classifyScan('12345'), 'unknown');
    assert.equal(classifyScan('https://example.org/x'), 'unknown');
  });

  it('takes site patterns in front of the defaults, and global regexes do not flip', () => {
    const classify = classifierWith({ ecQr: [/^HSA\d{10}$/g] });
    assert.equal(classify('HSA0123456789'), 'ec-qr');
    assert.equal(classify('HSA0123456789'), 'ec-qr');
    assert.equal(classify(EC), 'ec-qr');
    assert.equal(classifyScan('HSA0123456789'), 'hospital-barcode');
  });
});

describe('createQrScannerCodec', () => {
  it('reads a CRLF frame split anywhere, including between CR and LF', () => {
    const codec = createQrScannerCodec({ suffix: 'CRLF' });
    const events = feed(codec, EC.slice(0, 5), EC.slice(5, 30), EC.slice(30) + '\r', '\n');
    assert.deepEqual(events, [{ type: 'scan', text: EC, kind: 'ec-qr' }]);
    assert.equal(codec.pendingBytes(), 0);
  });

  it('reads several frames in one chunk and keeps a partial one', () => {
    const codec = createQrScannerCodec({ suffix: 'CR' });
    const events = feed(codec, '134567890123456789\rZY2024081500123\rABC');
    assert.deepEqual(
      events.map((e) => (e.type === 'scan' ? e.kind : e.code)),
      ['pay-code', 'hospital-barcode'],
    );
    assert.equal(codec.pendingBytes(), 3);
    codec.reset();
    assert.equal(codec.pendingBytes(), 0);
    assert.deepEqual(feed(codec, 'DEF123\r'), [{ type: 'scan', text: 'DEF123', kind: 'hospital-barcode' }]);
  });

  it('LF suffix; a CR-suffix scanner that also sends LF still frames cleanly', () => {
    assert.deepEqual(feed(createQrScannerCodec({ suffix: 'LF' }), 'ABC123\n'), [
      { type: 'scan', text: 'ABC123', kind: 'hospital-barcode' },
    ]);
    const cr = createQrScannerCodec({ suffix: 'CR' });
    const events = feed(cr, 'ABC123\r\nDEF456\r\n');
    assert.deepEqual(
      events.map((e) => (e.type === 'scan' ? e.text : e.code)),
      ['ABC123', 'DEF456'],
    );
  });

  it('ignores empty lines and reads UTF-8 text split inside a character', () => {
    const codec = createQrScannerCodec({ suffix: 'CRLF' });
    const bytes = enc('医保ABC\r\n');
    const events = [...feed(codec, '\r\n\r\n'), ...codec.push(bytes.slice(0, 2)), ...codec.push(bytes.slice(2))];
    assert.deepEqual(events, [{ type: 'scan', text: '医保ABC', kind: 'unknown' }]);
  });

  it('reports non-UTF-8 and control bytes without the bytes themselves', () => {
    const codec = createQrScannerCodec({ suffix: 'CRLF' });
    const events = feed(codec, [0xff, 0xfe, 0x41, 0x0d, 0x0a], [0x41, 0x00, 0x42, 0x0d, 0x0a], 'OK1234\r\n');
    assert.equal(events.length, 3);
    const [a, b, c] = events;
    assert.equal((a as CodecError).code, 'invalid-text');
    assert.equal((b as CodecError).code, 'invalid-text');
    assert.match((a as CodecError).detail, /3 bytes/);
    assert.deepEqual(c, { type: 'scan', text: 'OK1234', kind: 'hospital-barcode' });
  });

  it('discards an over-long frame up to the next suffix, then reads on', () => {
    const codec = createQrScannerCodec({ suffix: 'CRLF', maxLength: 16 });
    const events = feed(codec, 'X'.repeat(10), 'Y'.repeat(30), '\r\nABCDEFGHIJKLMNOP\r\n');
    assert.equal(events.length, 2);
    assert.deepEqual(events[0], { type: 'error', code: 'frame-too-long', detail: 'frame of 41 bytes exceeds 16' });
    assert.deepEqual(events[1], { type: 'scan', text: 'ABCDEFGHIJKLMNOP', kind: 'hospital-barcode' });
    assert.equal(feed(createQrScannerCodec({ suffix: 'LF', maxLength: 4 }), 'ABCDE\n')[0]?.type, 'error');
  });

  it('uses the given classifier', () => {
    const codec = createQrScannerCodec({ suffix: 'CR', classify: () => 'ec-qr' });
    assert.equal((feed(codec, 'x\r')[0] as ScanEvent).kind, 'ec-qr');
  });
});

describe('createQrScannerCodec under random input', () => {
  const suffixes = ['CR', 'LF', 'CRLF'] as const;
  const suffixBytes = { CR: [0x0d], LF: [0x0a], CRLF: [0x0d, 0x0a] };
  const validText = fc.stringMatching(/^[0-9A-Za-z:]{6,40}$/);
  const chunked = (bytes: number[], cuts: number[]) => {
    const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
    const out: Uint8Array[] = [];
    let from = 0;
    for (const p of [...points, bytes.length]) {
      out.push(Uint8Array.from(bytes.slice(from, p)));
      from = p;
    }
    return out;
  };

  it('never throws on random bytes, mutated frames or any chunking', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...suffixes),
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 300 }),
        fc.array(fc.nat(), { maxLength: 8 }),
        fc.integer({ min: 1, max: 64 }),
        (suffix, bytes, cuts, maxLength) => {
          const codec = createQrScannerCodec({ suffix, maxLength });
          for (const chunk of chunked(bytes, cuts)) {
            for (const event of codec.push(chunk)) {
              if (event.type === 'scan') assert.ok(event.text.length > 0);
              else assert.ok(!/[^\x20-\x7e]/.test(event.detail));
            }
          }
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('mutated valid frames never throw', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...suffixes),
        validText,
        fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { maxLength: 5 }),
        (suffix, text, mutations) => {
          const bytes = [...enc(text), ...suffixBytes[suffix]];
          for (const [at, value] of mutations) bytes[at % bytes.length] = value;
          createQrScannerCodec({ suffix }).push(Uint8Array.from(bytes));
        },
      ),
      { numRuns: 500 },
    );
  });

  it('reads a valid frame that follows garbage ended by a suffix', () => {
    fc.assert(
      fc.property(
        fc.constantFrom(...suffixes),
        fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 200 }),
        validText,
        fc.array(fc.nat(), { maxLength: 6 }),
        (suffix, garbage, text, cuts) => {
          const codec = createQrScannerCodec({ suffix, maxLength: 64 });
          const bytes = [...garbage, ...suffixBytes[suffix], ...enc(text), ...suffixBytes[suffix]];
          const events = chunked(bytes, cuts).flatMap((c) => codec.push(c));
          assert.deepEqual(events.at(-1), { type: 'scan', text, kind: classifyScan(text) });
          assert.equal(codec.pendingBytes(), 0);
        },
      ),
      { numRuns: 500 },
    );
  });
});
