// The second-generation ID card reader's SAM protocol (GA 467): frames AA AA AA 96 69 | length (2,
// big-endian, counts the body and the XOR checksum) | body | XOR over length and body. The host sends
// command + parameter; the SAM answers SW1 SW2 SW3 (SW3 0x90 success, 0x9F card found) + payload.
// Base info is 256 bytes of UCS-2 LE text and a 1024-byte photo kept as received (WLT, licensed
// decoder). Pure: bytes in, typed responses and errors out, never a throw on device input.
import { createFrameParser, encodeFrame, xorChecksum, type FrameSpec } from '../framing/length-framed';

export const SAM_FRAME: FrameSpec = {
  name: 'id-card-sam',
  preamble: Uint8Array.of(0xaa, 0xaa, 0xaa, 0x96, 0x69),
  lengthCounts: 'body+checksum',
  checksum: xorChecksum,
  // A command is at least CMD PARA; a response at least SW1 SW2 SW3.
  minBodyLength: 2,
  // Base info with fingerprint (30 10) is 4 + 256 + 1024 + 1024 and the longest answer there is.
  maxBodyLength: 3 + 6 + 256 + 1024 + 1024,
};

export const SamCommand = {
  findCard: [0x20, 0x01],
  selectCard: [0x20, 0x02],
  readBaseInfo: [0x30, 0x01],
  resetSam: [0x10, 0xff],
  samStatus: [0x11, 0xff],
} as const satisfies Record<string, readonly [number, number]>;
export type SamCommandName = keyof typeof SamCommand;

export const SamStatus = {
  success: 0x90,
  cardFound: 0x9f,
  noCard: 0x80,
  selectFailed: 0x81,
  readFailed: 0x41,
  badChecksum: 0x10,
  unknownCommand: 0x21,
} as const;

export function encodeSamCommand(name: SamCommandName): Uint8Array {
  return encodeFrame(SAM_FRAME, Uint8Array.from(SamCommand[name]));
}

/** The SAM side, for simulators and fixture generators. */
export function encodeSamResponse(status: number, payload: Uint8Array = new Uint8Array(0)): Uint8Array {
  const body = new Uint8Array(3 + payload.length);
  body[2] = status;
  body.set(payload, 3);
  return encodeFrame(SAM_FRAME, body);
}

export interface SamResponse {
  type: 'response';
  /** SW3: what the SAM says happened. */
  status: number;
  payload: Uint8Array;
}

export interface IdCardError {
  type: 'error';
  code: 'bad-checksum' | 'bad-length' | 'bad-trailer' | 'noise' | 'truncated-frame' | 'short-response' | 'bad-base-info';
  detail: string;
}

export interface SamDecoder {
  push(chunk: Uint8Array): Array<SamResponse | IdCardError>;
  reset(): void;
  pendingBytes(): number;
}

export function createSamResponseDecoder(): SamDecoder {
  const frames = createFrameParser(SAM_FRAME);
  return {
    push(chunk) {
      const out: Array<SamResponse | IdCardError> = [];
      for (const event of frames.push(chunk)) {
        if (event.type === 'error') out.push(event);
        else if (event.body.length < 3) out.push({ type: 'error', code: 'short-response', detail: `response of ${event.body.length} bytes has no status` });
        else out.push({ type: 'response', status: event.body[2]!, payload: event.body.subarray(3) });
      }
      return out;
    },
    reset: frames.reset,
    pendingBytes: frames.pendingBytes,
  };
}

/** The host side as the SAM parses it: for the simulated reader on the other end of a pty. */
export function createSamCommandDecoder(): { push(chunk: Uint8Array): Array<{ type: 'command'; cmd: number; para: number } | IdCardError> } {
  const frames = createFrameParser(SAM_FRAME);
  return {
    push(chunk) {
      return frames.push(chunk).map((event) =>
        event.type === 'error' ? event : { type: 'command' as const, cmd: event.body[0]!, para: event.body[1]! },
      );
    },
  };
}

export interface IdCardInfo {
  name: string;
  /** GB/T 2261.1: 1 male, 2 female, 0 unknown, 9 unstated. */
  sexCode: string;
  /** GB 3304 two-digit code, and its name where known. */
  nationCode: string;
  nation: string | null;
  /** YYYY-MM-DD */
  birthDate: string;
  address: string;
  idNumber: string;
  issuer: string;
  validFrom: string;
  /** YYYY-MM-DD, or 长期 for a card without end. */
  validUntil: string;
  /** WLT-compressed photo, as received: decoding needs the licensed library. */
  photo: Uint8Array;
}

const TEXT_FIELDS = [
  ['name', 30],
  ['sexCode', 2],
  ['nationCode', 4],
  ['birthDate', 16],
  ['address', 70],
  ['idNumber', 36],
  ['issuer', 30],
  ['validFrom', 16],
  ['validUntil', 16],
] as const;
const TEXT_SIZE = 256;
const PHOTO_SIZE = 1024;

const NATIONS =
  '汉,蒙古,回,藏,维吾尔,苗,彝,壮,布依,朝鲜,满,侗,瑶,白,土家,哈尼,哈萨克,傣,黎,傈僳,佤,畲,高山,拉祜,水,东乡,纳西,景颇,柯尔克孜,土,达斡尔,仫佬,羌,布朗,撒拉,毛南,仡佬,锡伯,阿昌,普米,塔吉克,怒,乌孜别克,俄罗斯,鄂温克,德昂,保安,裕固,京,塔塔尔,独龙,鄂伦春,赫哲,门巴,珞巴,基诺'.split(',');

const ucs2 = new TextDecoder('utf-16le');

function isoDate(yyyymmdd: string): string | null {
  const m = /^(\d{4})(\d{2})(\d{2})$/.exec(yyyymmdd);
  return m ? `${m[1]}-${m[2]}-${m[3]}` : null;
}

/** GB 11643 check digit (ISO 7064 MOD 11-2). */
export function idNumberValid(id: string): boolean {
  if (!/^\d{17}[\dX]$/.test(id)) return false;
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += Number(id[i]) * (2 ** (17 - i) % 11);
  return '10X98765432'[sum % 11] === id[17];
}

/** What a GB 11643 number itself says: the birth date (a real calendar date) and the sex (odd digit 17: 1 male, even: 2 female). */
export function idNumberFacts(id: string): { birthDate: string; sexCode: '1' | '2' } | null {
  const m = /^\d{6}(\d{4})(\d{2})(\d{2})\d{2}(\d)[\dX]$/.exec(id);
  if (!m) return null;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const date = new Date(Date.UTC(y, mo - 1, d));
  if (y < 1900 || date.getUTCFullYear() !== y || date.getUTCMonth() !== mo - 1 || date.getUTCDate() !== d) return null;
  return { birthDate: `${m[1]}-${m[2]}-${m[3]}`, sexCode: Number(m[4]) % 2 === 1 ? '1' : '2' };
}

/**
 * Payload of a 30 01 answer: text length (2, big-endian), photo length (2, big-endian), text, photo.
 * Big-endian like the frame length: published SAM dumps read `90 01 00 04 00` (256, 1024).
 */
export function parseBaseInfo(payload: Uint8Array): IdCardInfo | IdCardError {
  const bad = (detail: string): IdCardError => ({ type: 'error', code: 'bad-base-info', detail });
  if (payload.length < 4) return bad(`payload of ${payload.length} bytes`);
  const textLength = (payload[0]! << 8) | payload[1]!;
  const photoLength = (payload[2]! << 8) | payload[3]!;
  if (textLength !== TEXT_SIZE || photoLength > PHOTO_SIZE || payload.length < 4 + textLength + photoLength) {
    return bad(`lengths ${textLength}/${photoLength} do not fit a payload of ${payload.length} bytes`);
  }
  const text: Record<string, string> = {};
  let at = 4;
  for (const [field, size] of TEXT_FIELDS) {
    // Cards pad with spaces; some readers with NULs.
    text[field] = ucs2.decode(payload.subarray(at, at + size)).replace(/[\s\0]+$/u, '');
    at += size;
  }
  const birthDate = isoDate(text['birthDate']!);
  const validFrom = isoDate(text['validFrom']!);
  const validUntil = text['validUntil'] === '长期' ? '长期' : isoDate(text['validUntil']!);
  if (!birthDate || !validFrom || !validUntil) return bad('dates are not YYYYMMDD');
  // Details name the field, never its value: errors end up in health and logs.
  if (!idNumberValid(text['idNumber']!)) return bad('ID number fails its check digit');
  if (!/^\d{2}$/.test(text['nationCode']!) || !/^\d$/.test(text['sexCode']!)) return bad('sex or nation code malformed');
  // Two flips of the same bit in two bytes keep the frame's XOR and can keep the check digit too: a
  // worn card then reads as another valid number. The number also carries the birth date and the sex,
  // which the card states in fields of their own; a number that disagrees with them is refused.
  const inNumber = idNumberFacts(text['idNumber']!);
  if (!inNumber) return bad('ID number carries no real birth date');
  if (inNumber.birthDate !== birthDate) return bad('ID number disagrees with the birth date field');
  // GB 2261 also has 0 (unknown) and 9 (unstated), which say nothing the number could disagree with.
  if ((text['sexCode'] === '1' || text['sexCode'] === '2') && inNumber.sexCode !== text['sexCode']) return bad('ID number disagrees with the sex field');
  const nationIndex = Number(text['nationCode']) - 1;
  return {
    name: text['name']!,
    sexCode: text['sexCode']!,
    nationCode: text['nationCode']!,
    nation: NATIONS[nationIndex] ?? null,
    birthDate,
    address: text['address']!,
    idNumber: text['idNumber']!,
    issuer: text['issuer']!,
    validFrom,
    validUntil,
    photo: payload.slice(4 + TEXT_SIZE, 4 + TEXT_SIZE + photoLength),
  };
}

/** The card side, for simulators and fixtures: dates as YYYYMMDD, padded with spaces as cards are. */
export function encodeBaseInfo(info: Omit<IdCardInfo, 'nation' | 'photo' | 'birthDate' | 'validFrom' | 'validUntil'> & {
  birthDate: string;
  validFrom: string;
  validUntil: string;
  photo?: Uint8Array;
}): Uint8Array {
  const photo = info.photo ?? new Uint8Array(PHOTO_SIZE);
  const out = new Uint8Array(4 + TEXT_SIZE + photo.length);
  out[0] = TEXT_SIZE >> 8;
  out[1] = TEXT_SIZE & 0xff;
  out[2] = (photo.length >> 8) & 0xff;
  out[3] = photo.length & 0xff;
  let at = 4;
  const { photo: _photo, ...fields } = info;
  const values: Record<string, string> = { ...fields, birthDate: info.birthDate.replaceAll('-', ''), validFrom: info.validFrom.replaceAll('-', ''), validUntil: info.validUntil.replaceAll('-', '') };
  for (const [field, size] of TEXT_FIELDS) {
    const text = (values[field] ?? '').padEnd(size / 2, ' ').slice(0, size / 2);
    out.set(Buffer.from(text, 'utf16le'), at);
    at += size;
  }
  out.fill(0x20, at, 4 + TEXT_SIZE);
  // Reserved 36 bytes: spaces in UCS-2 are 20 00.
  for (let i = at; i < 4 + TEXT_SIZE; i += 2) out[i + 1] = 0;
  out.set(photo, 4 + TEXT_SIZE);
  return out;
}
