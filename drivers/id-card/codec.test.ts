// The SAM codec alone: known command bytes, base-info text and photo, typed errors, and fuzzing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSamResponseDecoder, encodeBaseInfo, encodeSamCommand, encodeSamResponse, idNumberFacts, idNumberValid, parseBaseInfo } from './codec';
import { SYNTHETIC_CARD, syntheticBaseInfoAnswer, syntheticPhoto } from './sim-reader';
import { fuzzCodec } from '../testing/fuzz/codec-fuzz';
import { samFuzzTarget } from '../testing/fuzz/id-card-target';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');

describe('SAM codec', () => {
  it('encodes the commands byte for byte as readers expect them', () => {
    assert.equal(hex(encodeSamCommand('findCard')), 'aaaaaa96690003200122');
    assert.equal(hex(encodeSamCommand('selectCard')), 'aaaaaa96690003200221');
    assert.equal(hex(encodeSamCommand('readBaseInfo')), 'aaaaaa96690003300132');
  });

  it('decodes a base-info answer cut anywhere', () => {
    const answer = syntheticBaseInfoAnswer();
    for (const cut of [1, 5, 6, 7, 10, 300, answer.length - 1]) {
      const decoder = createSamResponseDecoder();
      assert.deepEqual(decoder.push(answer.subarray(0, cut)), []);
      const [event, ...rest] = decoder.push(answer.subarray(cut));
      assert.equal(rest.length, 0);
      assert.ok(event?.type === 'response');
      assert.equal(event.status, 0x90);
      const info = parseBaseInfo(event.payload);
      assert.ok(!('type' in info));
      assert.equal(info.name, SYNTHETIC_CARD.name);
      assert.equal(info.address, SYNTHETIC_CARD.address);
      assert.equal(info.idNumber, SYNTHETIC_CARD.idNumber);
      assert.equal(info.birthDate, '1980-01-01');
      assert.equal(info.nation, '汉');
      assert.deepEqual(info.photo, syntheticPhoto());
    }
  });

  it('parses a base-info frame byte for byte as published SAM dumps show it (lengths big-endian)', () => {
    // Built by hand, not by encodeBaseInfo, so an encoder and decoder wrong in the same way cannot pass.
    const field = (text: string, bytes: number) => Buffer.from(text.padEnd(bytes / 2, ' '), 'utf16le');
    const text = Buffer.concat([
      field('测试甲', 30), field('1', 2), field('01', 4), field('19800101', 16), field('广东省深圳市南山区模拟路1号', 70),
      field('440305198001010013', 36), field('深圳市公安局南山分局', 30), field('20150101', 16), field('20350101', 16), field('', 36),
    ]);
    assert.equal(text.length, 256);
    const photo = Buffer.alloc(1024, 0x5a);
    const head = Buffer.from('aaaaaa9669' + '0508' + '000090' + '0100' + '0400', 'hex');
    const withoutSum = Buffer.concat([head, text, photo]);
    let sum = 0;
    for (const b of withoutSum.subarray(5)) sum ^= b;
    const frame = Buffer.concat([withoutSum, Buffer.of(sum)]);
    assert.equal(frame.length, 5 + 2 + 0x0508);
    assert.equal(hex(frame.subarray(0, 14)), 'aaaaaa96690508000090010004' + '00');

    const [event, ...rest] = createSamResponseDecoder().push(frame);
    assert.equal(rest.length, 0);
    assert.ok(event?.type === 'response', JSON.stringify(event));
    assert.equal(event.status, 0x90);
    const info = parseBaseInfo(event.payload);
    assert.ok(!('type' in info), 'type' in info ? info.detail : '');
    assert.equal(info.name, '测试甲');
    assert.equal(info.idNumber, '440305198001010013');
    assert.equal(info.validUntil, '2035-01-01');
    assert.equal(info.photo.length, 1024);
    assert.ok(info.photo.every((b) => b === 0x5a));
    // And the encoder writes the same four length bytes.
    assert.equal(hex(encodeBaseInfo(SYNTHETIC_CARD).subarray(0, 4)), '01000400');
  });

  it('turns bad answers into typed errors, resynchronising on the next frame', () => {
    const good = encodeSamResponse(0x9f);
    const bad = Uint8Array.from(good);
    bad[bad.length - 1] = bad[bad.length - 1]! ^ 0xff;
    const long = encodeSamResponse(0x90, new Uint8Array(20));
    const events = createSamResponseDecoder().push(Uint8Array.from([0x01, 0x02, ...bad, ...long.subarray(0, 10), ...good]));
    assert.deepEqual(events.map((e) => (e.type === 'error' ? e.code : e.status)), ['noise', 'bad-checksum', 'truncated-frame', 0x9f]);
  });

  it('refuses base info with a wrong check digit, naming no value', () => {
    const payload = encodeBaseInfo({ ...SYNTHETIC_CARD, idNumber: '440305198001010014' });
    const result = parseBaseInfo(payload);
    assert.ok('type' in result);
    assert.equal(result.code, 'bad-base-info');
    assert.ok(!result.detail.includes('4403'));
    assert.equal(idNumberValid('11010519491231002X'), true);
    assert.equal(idNumberValid('110105194912310021'), false);
  });

  it('a worn card: every pair of same-bit flips in the ID number field that the XOR and check digit let through is refused when the number disagrees with the birth date or sex fields', () => {
    // The ID number is 18 UCS-2 characters (36 bytes) after name (30), sex (2), nation (4), birth date (16), address (70).
    const answer = syntheticBaseInfoAnswer();
    const decoded = createSamResponseDecoder().push(answer)[0];
    assert.ok(decoded?.type === 'response');
    const payloadAt = answer.length - 1 - decoded.payload.length; // the payload ends just before the XOR byte
    const fieldAt = payloadAt + 4 + 30 + 2 + 4 + 16 + 70;
    assert.equal(Buffer.from(answer.subarray(fieldAt, fieldAt + 36)).toString('utf16le'), SYNTHETIC_CARD.idNumber);
    let flips = 0;
    let framePassed = 0;
    let checkDigitPassed = 0;
    let otherPersonNow = 0;
    for (let i = 0; i < 36; i++) {
      for (let j = i + 1; j < 36; j++) {
        for (let bit = 0; bit < 8; bit++) {
          flips++;
          const worn = Uint8Array.from(answer);
          worn[fieldAt + i]! ^= 1 << bit;
          worn[fieldAt + j]! ^= 1 << bit;
          const event = createSamResponseDecoder().push(worn)[0];
          if (event?.type !== 'response') continue;
          framePassed++;
          const idText = Buffer.from(event.payload.subarray(4 + 30 + 2 + 4 + 16 + 70, 4 + 30 + 2 + 4 + 16 + 70 + 36)).toString('utf16le');
          if (idNumberValid(idText) && idText !== SYNTHETIC_CARD.idNumber) checkDigitPassed++;
          const info = parseBaseInfo(event.payload);
          if (!('type' in info) && info.idNumber !== SYNTHETIC_CARD.idNumber) {
            otherPersonNow++;
            // What is left agrees with its own birth date and sex: only the name check against the platform (identity) can catch it.
            assert.equal(idNumberFacts(info.idNumber)?.birthDate, info.birthDate);
          }
        }
      }
    }
    assert.equal(flips, 5_040);
    assert.equal(framePassed, 5_040, 'same-bit pairs keep the XOR checksum');
    assert.ok(checkDigitPassed > 0, 'the check digit alone lets some through');
    assert.ok(otherPersonNow < checkDigitPassed, `birth date and sex refuse some of them: ${otherPersonNow} of ${checkDigitPassed} left`);
    console.log(`worn card: ${checkDigitPassed} of ${flips} flips pass the check digit as another number; ${otherPersonNow} pass the birth date and sex checks too`);
  });

  it('reads the birth date and sex a GB 11643 number carries, refusing impossible dates', () => {
    assert.deepEqual(idNumberFacts('11010519491231002X'), { birthDate: '1949-12-31', sexCode: '2' });
    assert.deepEqual(idNumberFacts('440305198001010013'), { birthDate: '1980-01-01', sexCode: '1' });
    assert.equal(idNumberFacts('440305198002300013'), null);
    assert.equal(idNumberFacts('440305180001010013'), null);
  });

  it('fuzz: random bytes, mutated and garbage-led frames (a few thousand cases)', () => {
    const result = fuzzCodec(samFuzzTarget, 3000);
    assert.equal(result.failures, 0, result.counterexample ?? '');
    assert.ok(result.cases >= 3000);
  });
});
