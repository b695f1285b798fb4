// The social security card reader's answer decoder as a fuzz target, for the tests and the bench.
import fc from 'fast-check';
import type { FuzzTarget } from '../fuzz/codec-fuzz';
import { createReaderAnswerDecoder, encodeCardBaseInfo, encodeReaderAnswer, type CardReaderError, type ReaderAnswer } from './codec';
import { SYNTHETIC_SS_CARD } from './sim-reader';

const ERRORS = new Set(['bad-checksum', 'bad-length', 'bad-trailer', 'noise', 'truncated-frame', 'short-answer', 'bad-base-info']);
const sameBytes = (a: Uint8Array, b: Uint8Array) => a.length === b.length && a.every((x, i) => x === b[i]);

export const cardReaderFuzzTarget: FuzzTarget<ReaderAnswer | CardReaderError> = {
  name: 'ss-card-reader',
  create: () => createReaderAnswerDecoder(),
  frames: fc.oneof(
    fc
      .record({ command: fc.integer({ min: 0, max: 255 }), status: fc.integer({ min: 0, max: 255 }), data: fc.uint8Array({ maxLength: 64 }) })
      .map(({ command, status, data }) => ({ bytes: encodeReaderAnswer(command, status, data), expect: { command, status, data } })),
    fc.constant({ bytes: encodeReaderAnswer(0x32, 0, encodeCardBaseInfo(SYNTHETIC_SS_CARD)), expect: { command: 0x32, status: 0, data: encodeCardBaseInfo(SYNTHETIC_SS_CARD) } }),
  ),
  typed: (e) => e.type === 'answer' || (e.type === 'error' && ERRORS.has(e.code)),
  matches: (e, expect) => {
    const x = expect as { command: number; status: number; data: Uint8Array };
    return e.type === 'answer' && e.command === x.command && e.status === x.status && sameBytes(e.data, x.data);
  },
};
