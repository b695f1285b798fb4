// The simulated ID card reader's side: how the SAM frames the host's commands and what it answers
// when the recording expects nothing (no card on the reader). Used by the conversation players in
// tests, `npm run sim:devices` and the in-process replay; synthetic cards for fixtures live here too.
import { createFrameParser } from '../framing/length-framed';
import type { RequestFramer } from '../transport/conversation';
import { SAM_FRAME, SamCommand, SamStatus, encodeBaseInfo, encodeSamResponse } from './codec';

export function samRequestFramer(): RequestFramer {
  const frames = createFrameParser(SAM_FRAME);
  return { push: (chunk) => frames.push(chunk).flatMap((e) => (e.type === 'frame' ? [e.body] : [])) };
}

/** An empty reader: the SAM is fine, there is no card. */
export function samIdleAnswer(request: Uint8Array): Uint8Array {
  const is = (c: readonly [number, number]) => request[0] === c[0] && request[1] === c[1];
  if (is(SamCommand.samStatus) || is(SamCommand.resetSam)) return encodeSamResponse(SamStatus.success);
  if (is(SamCommand.findCard)) return encodeSamResponse(SamStatus.noCard);
  if (is(SamCommand.selectCard)) return encodeSamResponse(SamStatus.selectFailed);
  if (is(SamCommand.readBaseInfo)) return encodeSamResponse(SamStatus.readFailed);
  return encodeSamResponse(SamStatus.unknownCommand);
}

/** A made-up person (check digit valid, no such card exists) for fixtures and tests. */
export const SYNTHETIC_CARD = {
  name: '测试甲',
  sexCode: '1',
  nationCode: '01',
  birthDate: '1980-01-01',
  address: '广东省深圳市南山区模拟路1号',
  idNumber: '440305198001010013',
  issuer: '深圳市公安局南山分局',
  validFrom: '2015-01-01',
  validUntil: '2035-01-01',
} as const;

/** A recognisable photo block: WLT is licensed, so fixtures carry a patterned 1024 bytes. */
export function syntheticPhoto(): Uint8Array {
  return Uint8Array.from({ length: 1024 }, (_, i) => (i * 7 + 0x57) & 0xff);
}

export function syntheticBaseInfoAnswer(): Uint8Array {
  return encodeSamResponse(SamStatus.success, encodeBaseInfo({ ...SYNTHETIC_CARD, photo: syntheticPhoto() }));
}
