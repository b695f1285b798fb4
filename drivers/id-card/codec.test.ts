// The SAM codec alone: known command bytes, base-info text and photo, typed errors, and fuzzing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createSamResponseDecoder, encodeBaseInfo, encodeSamCommand, encodeSamResponse, idNumberValid, parseBaseInfo } from './codec';
import { SYNTHETIC_CARD, syntheticBaseInfoAnswer, syntheticPhoto } from './sim-reader';
import { fuzzCodec } from '../fuzz/codec-fuzz';
import { samFuzzTarget } from './fuzz-target';

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

  it('fuzz: random bytes, mutated and garbage-led frames (a few thousand cases)', () => {
    const result = fuzzCodec(samFuzzTarget, 3000);
    assert.equal(result.failures, 0, result.counterexample ?? '');
    assert.ok(result.cases >= 3000);
  });
});
