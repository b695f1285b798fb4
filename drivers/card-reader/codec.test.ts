// The social security card reader codec alone: framing, the iReadCardBas text, typed errors, fuzzing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReaderAnswerDecoder, encodeCardBaseInfo, encodeReaderAnswer, encodeReaderCommand, parseCardBaseInfo } from './codec';
import { SYNTHETIC_SS_CARD } from './sim-reader';
import { fuzzCodec } from '../testing/fuzz/codec-fuzz';
import { cardReaderFuzzTarget } from '../testing/fuzz/card-reader-target';

describe('social security card reader codec', () => {
  it('frames a command as STX len body BCC ETX', () => {
    assert.equal(Buffer.from(encodeReaderCommand('cardStatus')).toString('hex'), '0200013130' + '03');
  });

  it('reads the public fields from GBK text, in pieces', () => {
    const answer = encodeReaderAnswer(0x32, 0, encodeCardBaseInfo(SYNTHETIC_SS_CARD));
    const decoder = createReaderAnswerDecoder();
    const events = [...decoder.push(answer.subarray(0, 9)), ...decoder.push(answer.subarray(9))];
    assert.equal(events.length, 1);
    const [answerEvent] = events;
    assert.ok(answerEvent?.type === 'answer');
    assert.deepEqual(parseCardBaseInfo(answerEvent.data), SYNTHETIC_SS_CARD);
  });

  it('refuses malformed base info without echoing it', () => {
    const text = new TextEncoder().encode('440300|4403051980|');
    const result = parseCardBaseInfo(text);
    assert.ok('type' in result && result.code === 'bad-base-info');
    assert.ok(!result.detail.includes('4403'));
  });

  it('fuzz: random bytes, mutated and garbage-led frames (a few thousand cases)', () => {
    const result = fuzzCodec(cardReaderFuzzTarget, 3000);
    assert.equal(result.failures, 0, result.counterexample ?? '');
  });
});
