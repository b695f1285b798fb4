// The SAM response decoder as a fuzz target: valid answers are random statuses and payloads,
// including whole base-info answers, so the benchmark and the tests fuzz the same thing.
import fc from 'fast-check';
import type { FuzzTarget } from '../fuzz/codec-fuzz';
import { createSamResponseDecoder, encodeSamResponse, type IdCardError, type SamResponse } from './codec';
import { syntheticBaseInfoAnswer } from './sim-reader';

const ERRORS = new Set(['bad-checksum', 'bad-length', 'bad-trailer', 'noise', 'truncated-frame', 'short-response', 'bad-base-info']);
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export const samFuzzTarget: FuzzTarget<SamResponse | IdCardError> = {
  name: 'id-card-sam',
  create: createSamResponseDecoder,
  frames: fc.oneof(
    fc.record({ status: fc.integer({ min: 0, max: 255 }), payload: fc.uint8Array({ maxLength: 64 }) }).map(({ status, payload }) => ({
      bytes: encodeSamResponse(status, payload),
      expect: { status, payload },
    })),
    fc.constant({ bytes: syntheticBaseInfoAnswer(), expect: { status: 0x90, payload: syntheticBaseInfoAnswer().subarray(10, -1) } }),
  ),
  typed: (e) => e.type === 'response' || (e.type === 'error' && ERRORS.has(e.code)),
  matches: (e, expect) => {
    const x = expect as { status: number; payload: Uint8Array };
    return e.type === 'response' && e.status === x.status && sameBytes(e.payload, x.payload);
  },
};
