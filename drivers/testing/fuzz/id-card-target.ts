// The SAM response decoder as a fuzz target: valid answers are random statuses and payloads,
// including whole base-info answers, so the benchmark and the tests fuzz the same thing.
import fc from 'fast-check';
import { checkProperties, HANG_MS, timed, type FuzzResult, type FuzzTarget } from './codec-fuzz';
import { createSamResponseDecoder, encodeBaseInfo, encodeSamResponse, parseBaseInfo, type IdCardError, type SamResponse } from '../../id-card/codec';
import { syntheticBaseInfoAnswer } from '../../id-card/sim-reader';

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

// parseBaseInfo alone (the frame decoder above only passes payloads through): random payloads and
// bit-flipped real ones give a card or a typed error, never a throw; a card with random text fields
// reads back as written.
const BASE_INFO_ERRORS = new Set(['bad-base-info']);
const hanzi = fc.integer({ min: 0x4e00, max: 0x9fa5 }).map((c) => String.fromCharCode(c));
const digits = (n: number) => fc.string({ unit: fc.constantFrom(...'0123456789'), minLength: n, maxLength: n });
const date = fc.date({ min: new Date('1900-01-01'), max: new Date('2099-12-31'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10));
/** GB 11643: region, the birth date, a sequence whose last digit is odd for men and even for women, and the check digit. */
const withCheckDigit = (head: string) => {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(head[i]) * (2 ** (17 - i) % 11);
  return head + '10X98765432'[sum % 11]!;
};
const card = fc
  .record({
    name: fc.string({ unit: hanzi, minLength: 1, maxLength: 15 }),
    sexCode: fc.constantFrom('0', '1', '2', '9'),
    nationCode: fc.integer({ min: 1, max: 99 }).map((n) => String(n).padStart(2, '0')),
    birthDate: date,
    address: fc.string({ unit: fc.oneof(hanzi, fc.constantFrom(...'0123456789号')), minLength: 1, maxLength: 35 }),
    region: digits(6),
    sequence: digits(2),
    sexDigit: fc.integer({ min: 0, max: 4 }),
    issuer: fc.string({ unit: hanzi, minLength: 1, maxLength: 15 }),
    validFrom: date,
    validUntil: fc.oneof(date, fc.constant('长期')),
    photo: fc.uint8Array({ maxLength: 1024 }),
  })
  .map(({ region, sequence, sexDigit, ...c }) => {
    // A real card's number agrees with its own sex field: odd for 1 (male), even for 2 (female); either for 0 and 9.
    const digit = c.sexCode === '1' ? 2 * sexDigit + 1 : c.sexCode === '2' ? 2 * sexDigit : sexDigit;
    return { ...c, idNumber: withCheckDigit(`${region}${c.birthDate.replaceAll('-', '')}${sequence}${digit}`) };
  });

function parseTyped(payload: Uint8Array): ReturnType<typeof parseBaseInfo> {
  const result = timed('parseBaseInfo', HANG_MS, () => parseBaseInfo(payload));
  if ('type' in result && !(result.type === 'error' && BASE_INFO_ERRORS.has(result.code))) throw new Error(`untyped result ${JSON.stringify(result).slice(0, 200)}`);
  return result;
}

export function fuzzBaseInfo(numRuns: number, seed?: number): FuzzResult {
  return checkProperties(
    'id-card-base-info',
    [
      fc.property(fc.uint8Array({ maxLength: 1400 }), (payload) => {
        parseTyped(payload);
      }),
      fc.property(card, fc.nat(), fc.integer({ min: 0, max: 7 }), (c, at, bit) => {
        const payload = encodeBaseInfo(c);
        payload[at % payload.length]! ^= 1 << bit;
        parseTyped(payload);
        parseTyped(payload.subarray(0, at % payload.length));
      }),
      fc.property(card, (c) => {
        const info = parseTyped(encodeBaseInfo(c));
        if ('type' in info) throw new Error(`a valid card refused: ${info.detail}`);
        if (info.name !== c.name || info.idNumber !== c.idNumber || info.address !== c.address || info.validUntil !== c.validUntil || info.photo.length !== c.photo.length) {
          throw new Error('a card did not read back as written');
        }
      }),
    ] as Array<fc.IProperty<unknown>>,
    numRuns,
    seed,
  );
}
