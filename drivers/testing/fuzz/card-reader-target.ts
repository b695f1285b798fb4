// The social security card reader's answer decoder as a fuzz target, for the tests and the bench.
import fc from 'fast-check';
import { checkProperties, HANG_MS, timed, type FuzzResult, type FuzzTarget } from './codec-fuzz';
import { createReaderAnswerDecoder, encodeCardBaseInfo, encodeReaderAnswer, parseCardBaseInfo, type CardReaderError, type ReaderAnswer } from '../../card-reader/codec';
import { SYNTHETIC_SS_CARD } from '../../card-reader/sim-reader';

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

// parseCardBaseInfo alone: random bytes (GBK or not) and bit-flipped real answers give a card or a
// typed error, never a throw; a card with random fields reads back as written.
const hanzi = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c));
const alnum = (min: number, max: number) => fc.string({ unit: fc.constantFrom(...'0123456789ABCDEFGHJKLMNPQRSTUVWXYZ'), minLength: min, maxLength: max });
const ssCard = fc.record({
  areaCode: fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 6, maxLength: 6 }),
  idNumber: fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 17, maxLength: 17 }).chain((h) => fc.constantFrom(`${h}0`, `${h}X`)),
  cardNumber: alnum(6, 32),
  cardSerial: alnum(8, 64),
  name: fc.string({ unit: hanzi, minLength: 1, maxLength: 10 }),
  specVersion: fc.constantFrom('2.00', '3.00'),
  issueDate: fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 8, maxLength: 8 }),
  validUntil: fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: 8, maxLength: 8 }),
});

function parseTyped(data: Uint8Array): ReturnType<typeof parseCardBaseInfo> {
  const result = timed('parseCardBaseInfo', HANG_MS, () => parseCardBaseInfo(data));
  if ('type' in result && !(result.type === 'error' && result.code === 'bad-base-info')) throw new Error(`untyped result ${JSON.stringify(result).slice(0, 200)}`);
  return result;
}

export function fuzzCardBaseInfo(numRuns: number, seed?: number): FuzzResult {
  return checkProperties(
    'ss-card-base-info',
    [
      fc.property(fc.uint8Array({ maxLength: 600 }), (data) => {
        parseTyped(data);
      }),
      fc.property(ssCard, fc.nat(), fc.integer({ min: 0, max: 7 }), (card, at, bit) => {
        const data = encodeCardBaseInfo(card);
        data[at % data.length]! ^= 1 << bit;
        parseTyped(data);
        parseTyped(data.subarray(0, at % data.length));
      }),
      fc.property(ssCard, (card) => {
        const got = parseTyped(encodeCardBaseInfo(card));
        if ('type' in got) throw new Error(`a valid card refused: ${got.detail}`);
        if (JSON.stringify(got) !== JSON.stringify(card)) throw new Error('a card did not read back as written');
      }),
    ] as Array<fc.IProperty<unknown>>,
    numRuns,
    seed,
  );
}
