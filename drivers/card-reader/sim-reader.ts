// The simulated social security card reader's side: how it frames host commands, what it answers
// when the recording expects nothing (no card), and the synthetic card for fixtures.
import { createFrameParser } from '../framing/length-framed';
import type { RequestFramer } from '../transport/conversation';
import { READER_FRAME, ReaderCommand, ReaderStatus, encodeReaderAnswer, type SocialSecurityCard } from './codec';

export function readerRequestFramer(): RequestFramer {
  const frames = createFrameParser(READER_FRAME);
  return { push: (chunk) => frames.push(chunk).flatMap((e) => (e.type === 'frame' ? [e.body] : [])) };
}

/** An idle reader: a card the recording left in stays in; otherwise there is none. */
export function readerIdleAnswer(request: Uint8Array, recorded: Uint8Array | null): Uint8Array {
  const command = request[0] ?? 0;
  switch (command) {
    case ReaderCommand.readerInfo:
      return encodeReaderAnswer(command, ReaderStatus.ok, new TextEncoder().encode('SIM-SSCR 1.0'));
    case ReaderCommand.cardStatus:
      return recorded ?? encodeReaderAnswer(command, ReaderStatus.ok, Uint8Array.of(0));
    case ReaderCommand.readBaseInfo:
      return encodeReaderAnswer(command, ReaderStatus.noCard);
    case ReaderCommand.readPin:
      return encodeReaderAnswer(command, ReaderStatus.pinTimeout);
    default:
      return encodeReaderAnswer(command, ReaderStatus.unknownCommand);
  }
}

/** A made-up card holder (no such card exists). */
export const SYNTHETIC_SS_CARD: SocialSecurityCard = {
  areaCode: '440300',
  idNumber: '440305198001010013',
  cardNumber: 'A12345678',
  cardSerial: '440300D156000005000123456789ABCD',
  name: '测试乙',
  specVersion: '3.00',
  issueDate: '20200101',
  validUntil: '20300101',
};
