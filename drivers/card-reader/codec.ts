// The social security card reader's serial protocol. Framing (pluggable, see READER_FRAME): STX 02 |
// length (2, big-endian, counts the body) | body | BCC (XOR of length and body) | ETX 03, the shape
// of the common contact-card readers. Host body: command + data; reader body: command echo, status,
// data. Base info is the text the MOHRSS interface iReadCardBas returns, GBK, fields split by '|':
// 发卡地区行政区划代码|社会保障号码|卡号|卡识别码|姓名|卡复位信息|规范版本|发卡日期|卡有效期|终端机编号|终端设备号|
// Pure: bytes in, typed answers and errors out, never a throw on device input.
import iconv from 'iconv-lite';
import { createFrameParser, encodeFrame, xorChecksum, type FrameSpec } from '../framing/length-framed';

export const READER_FRAME: FrameSpec = {
  name: 'ss-card-reader',
  preamble: Uint8Array.of(0x02),
  lengthCounts: 'body',
  trailer: Uint8Array.of(0x03),
  checksum: xorChecksum,
  minBodyLength: 1,
  maxBodyLength: 1024,
};

export const ReaderCommand = {
  readerInfo: 0x30,
  cardStatus: 0x31,
  readBaseInfo: 0x32,
  /** Asks the reader's PIN pad for a PIN; data: timeout in seconds. */
  readPin: 0x33,
} as const;
export type ReaderCommandName = keyof typeof ReaderCommand;

export const ReaderStatus = {
  ok: 0x00,
  noCard: 0x01,
  cardError: 0x02,
  pinCancelled: 0x03,
  pinTimeout: 0x04,
  unknownCommand: 0x7f,
} as const;

export interface ReaderAnswer {
  type: 'answer';
  command: number;
  status: number;
  data: Uint8Array;
}

export interface CardReaderError {
  type: 'error';
  code: 'bad-checksum' | 'bad-length' | 'bad-trailer' | 'noise' | 'truncated-frame' | 'short-answer' | 'bad-base-info';
  detail: string;
}

export function encodeReaderCommand(name: ReaderCommandName, data: Uint8Array = new Uint8Array(0), frame = READER_FRAME): Uint8Array {
  return encodeFrame(frame, Uint8Array.from([ReaderCommand[name], ...data]));
}

/** The reader side, for simulators and fixtures. */
export function encodeReaderAnswer(command: number, status: number, data: Uint8Array = new Uint8Array(0), frame = READER_FRAME): Uint8Array {
  return encodeFrame(frame, Uint8Array.from([command, status, ...data]));
}

export interface ReaderDecoder {
  push(chunk: Uint8Array): Array<ReaderAnswer | CardReaderError>;
  reset(): void;
  pendingBytes(): number;
}

export function createReaderAnswerDecoder(frame = READER_FRAME): ReaderDecoder {
  const frames = createFrameParser(frame);
  return {
    push(chunk) {
      const out: Array<ReaderAnswer | CardReaderError> = [];
      for (const event of frames.push(chunk)) {
        if (event.type === 'error') out.push(event);
        else if (event.body.length < 2) out.push({ type: 'error', code: 'short-answer', detail: `answer of ${event.body.length} bytes has no status` });
        else out.push({ type: 'answer', command: event.body[0]!, status: event.body[1]!, data: event.body.subarray(2) });
      }
      return out;
    },
    reset: frames.reset,
    pendingBytes: frames.pendingBytes,
  };
}

export interface SocialSecurityCard {
  /** 发卡地区行政区划代码, 6 digits. */
  areaCode: string;
  /** 社会保障号码: the holder's ID number. */
  idNumber: string;
  cardNumber: string;
  /** 卡识别码: the card's serial. */
  cardSerial: string;
  name: string;
  specVersion: string;
  issueDate: string;
  validUntil: string;
}

const FIELDS = ['areaCode', 'idNumber', 'cardNumber', 'cardSerial', 'name', 'resetInfo', 'specVersion', 'issueDate', 'validUntil'] as const;

export function parseCardBaseInfo(data: Uint8Array): SocialSecurityCard | CardReaderError {
  const bad = (detail: string): CardReaderError => ({ type: 'error', code: 'bad-base-info', detail });
  const text = iconv.decode(Buffer.from(data.buffer, data.byteOffset, data.byteLength), 'gbk');
  const parts = text.split('|');
  if (parts.length < FIELDS.length) return bad(`${parts.length - 1} fields, expected at least ${FIELDS.length}`);
  const v = Object.fromEntries(FIELDS.map((f, i) => [f, parts[i]!.trim()])) as Record<(typeof FIELDS)[number], string>;
  // Details name the field, never its value: errors go to health and logs.
  if (!/^\d{6}$/.test(v.areaCode)) return bad('area code is not 6 digits');
  if (!/^\d{17}[\dX]$/.test(v.idNumber)) return bad('social security number malformed');
  if (!/^[0-9A-Z]{6,32}$/.test(v.cardNumber)) return bad('card number malformed');
  if (!/^[0-9A-Za-z]{8,64}$/.test(v.cardSerial)) return bad('card serial malformed');
  if (v.name === '' || text.includes('\ufffd')) return bad('name missing or not GBK');
  return {
    areaCode: v.areaCode,
    idNumber: v.idNumber,
    cardNumber: v.cardNumber,
    cardSerial: v.cardSerial,
    name: v.name,
    specVersion: v.specVersion,
    issueDate: v.issueDate,
    validUntil: v.validUntil,
  };
}

/** The card side, for simulators and fixtures: the iReadCardBas text in GBK. */
export function encodeCardBaseInfo(card: SocialSecurityCard, terminal = { terminalNo: 'KIOSK0001', deviceNo: 'DEV0001' }): Uint8Array {
  const text = [card.areaCode, card.idNumber, card.cardNumber, card.cardSerial, card.name, '3B6A0000', card.specVersion, card.issueDate, card.validUntil, terminal.terminalNo, terminal.deviceNo, ''].join('|');
  return Uint8Array.from(iconv.encode(text, 'gbk'));
}
