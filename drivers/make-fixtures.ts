// Writes the synthetic device fixtures under fixtures/devices/ (ID card reader, social security card
// reader, HID scanner): request/answer recordings whose bytes come from the codecs' own encoders, so
// a fixture and its codec cannot drift apart silently. Run after changing a codec or a fixture case:
//   npx tsx drivers/make-fixtures.ts
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { encodeSamCommand, encodeSamResponse, SamStatus } from './id-card/codec';
import { syntheticBaseInfoAnswer } from './id-card/sim-reader';
import { ReaderCommand, ReaderStatus, encodeCardBaseInfo, encodeReaderAnswer, encodeReaderCommand, type SocialSecurityCard } from './card-reader/codec';
import { SYNTHETIC_SS_CARD } from './card-reader/sim-reader';
import { encodeFramedWrites, encodeKeyboardReports, encodePosReports } from './transport/hid-reports';

const root = new URL('../fixtures/devices/', import.meta.url).pathname;

type Line =
  | { t_ms: number; dir: 'in' | 'out'; hex: string }
  | { t_ms: number; dir: 'in'; template: string; arg: string; suffix?: string }
  | { t_ms: number; dir: 'in'; event: 'unplug' };
const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const out = (t_ms: number, b: Uint8Array): Line => ({ t_ms, dir: 'out', hex: hex(b) });
const inn = (t_ms: number, b: Uint8Array): Line => ({ t_ms, dir: 'in', hex: hex(b) });

async function write(file: string, comment: string, lines: Line[]): Promise<void> {
  const path = join(root, file);
  await mkdir(dirname(path), { recursive: true });
  const body = lines.map((l) => JSON.stringify(l)).join('\n');
  await writeFile(path, `${comment.split('\n').map((c) => `# ${c}`).join('\n')}\n${body}\n`);
}

/** find -> found, select -> ok, read -> `answer` (split into `pieces` chunks), from t. */
function samRead(t: number, answer: Uint8Array, pieces = 1): Line[] {
  const lines = [
    out(t, encodeSamCommand('findCard')),
    inn(t + 8, encodeSamResponse(SamStatus.cardFound, Uint8Array.of(0, 0, 0, 0))),
    out(t + 20, encodeSamCommand('selectCard')),
    inn(t + 28, encodeSamResponse(SamStatus.success, new Uint8Array(8))),
    out(t + 40, encodeSamCommand('readBaseInfo')),
  ];
  const size = Math.ceil(answer.length / pieces);
  for (let i = 0; i < pieces; i++) lines.push(inn(t + 300 + i * 15, answer.subarray(i * size, (i + 1) * size)));
  return lines;
}

async function idCard(): Promise<void> {
  const good = syntheticBaseInfoAnswer();
  await write('id-card/read-card.jsonl', 'A synthetic card put on the reader and read in one go.', samRead(0, good));
  await write('id-card/split-answer.jsonl', 'The base-info answer arrives in 7 chunks, as a slow USB-serial adapter delivers it.', samRead(0, good, 7));
  await write(
    'id-card/card-pulled-mid-read.jsonl',
    'The card leaves the field mid-read: half the answer, then nothing; put back, it reads whole.',
    [...samRead(0, good.subarray(0, 600)), ...samRead(5000, good)],
  );
  const corrupt = Uint8Array.from(good);
  corrupt[700] = corrupt[700]! ^ 0x01;
  await write('id-card/bad-checksum.jsonl', 'One bit flipped in the base-info answer (checksum fails); the next read is whole.', [
    ...samRead(0, corrupt),
    ...samRead(5000, good),
  ]);
  const noise = Uint8Array.of(0x00, 0xff, 0xaa, 0xaa, 0x13, 0x37, 0x96);
  const noisy = samRead(0, good);
  noisy[1] = inn(8, Uint8Array.from([...noise, ...encodeSamResponse(SamStatus.cardFound, Uint8Array.of(0, 0, 0, 0))]));
  noisy.push(inn(320, noise));
  await write('id-card/noise-between-frames.jsonl', 'Line noise before the find answer and after the base-info answer.', noisy);
}

/** status poll answered "card in", then read base info answered with `answer` in `pieces`. */
function cardInserted(t: number, answer: Uint8Array, pieces = 1): Line[] {
  const lines = [
    out(t, encodeReaderCommand('cardStatus')),
    inn(t + 5, encodeReaderAnswer(ReaderCommand.cardStatus, ReaderStatus.ok, Uint8Array.of(1))),
    out(t + 20, encodeReaderCommand('readBaseInfo')),
  ];
  const size = Math.ceil(answer.length / pieces);
  for (let i = 0; i < pieces; i++) lines.push(inn(t + 150 + i * 10, answer.subarray(i * size, (i + 1) * size)));
  return lines;
}

const cardRemoved = (t: number): Line[] => [
  out(t, encodeReaderCommand('cardStatus')),
  inn(t + 5, encodeReaderAnswer(ReaderCommand.cardStatus, ReaderStatus.ok, Uint8Array.of(0))),
];

/** A serial conversation as a framed HID reader's reports, one report a line. */
function asHidReports(lines: Line[]): Line[] {
  return lines.flatMap((line) => {
    if (!('hex' in line)) return [line];
    const bytes = Uint8Array.from(Buffer.from(line.hex, 'hex'));
    const reports = line.dir === 'out' ? encodeFramedWrites(bytes) : encodePosReports(bytes);
    return reports.map((r, i) => (line.dir === 'out' ? out(line.t_ms + i, r) : inn(line.t_ms + i, r)));
  });
}

async function cardReader(): Promise<void> {
  const good = encodeReaderAnswer(ReaderCommand.readBaseInfo, ReaderStatus.ok, encodeCardBaseInfo(SYNTHETIC_SS_CARD));
  const insertReadRemove = [...cardInserted(0, good), ...cardRemoved(1000)];
  await write('card-reader/insert-read-remove.jsonl', 'A card inserted, read, and taken out.', insertReadRemove);
  await write(
    'card-reader-hid/insert-read-remove.jsonl',
    'The same card, reader and timing as card-reader/insert-read-remove.jsonl on a HID reader (64-byte reports, no report ID):\nout = a report as written (report ID 00, length, bytes), in = a report as read (length, bytes).',
    asHidReports(insertReadRemove),
  );
  await write('card-reader/split-answer.jsonl', 'The base-info answer in 5 chunks; the card stays in.', cardInserted(0, good, 5));
  await write('card-reader/card-pulled-mid-read.jsonl', 'The card pulled mid-read: half the answer, then the reader says no card; inserted again, read whole.', [
    ...cardInserted(0, good.subarray(0, 30)),
    ...cardRemoved(1000),
    ...cardInserted(2000, good),
  ]);
  const corrupt = Uint8Array.from(good);
  corrupt[40] = corrupt[40]! ^ 0x04;
  await write('card-reader/bad-checksum.jsonl', 'One bit flipped in the answer; the card taken out and inserted again reads whole.', [
    ...cardInserted(0, corrupt),
    ...cardRemoved(1000),
    ...cardInserted(2000, good),
  ]);
  const noise = Uint8Array.of(0x02, 0x7f, 0xff, 0x00, 0x03, 0x55);
  const noisy = cardInserted(0, good);
  noisy.splice(1, 0, inn(2, noise));
  await write('card-reader/noise-between-frames.jsonl', 'Noise (with stray STX and ETX) before the status answer.', noisy);
  // The platform simulator's `card-holder` (fixtures/platform/people.json): its card number and
  // serial, so a terminal test can identify by card (mdtrt_cert_type 03) end to end.
  const holder: SocialSecurityCard = { ...SYNTHETIC_SS_CARD, areaCode: '330100', cardNumber: 'A33010009', cardSerial: '330100D156000005000009', name: '测试甲' };
  await write(
    'card-reader/card-holder.jsonl',
    "The simulator's card-holder inserts their card; it stays in (the idle reader keeps answering card in).",
    cardInserted(0, encodeReaderAnswer(ReaderCommand.readBaseInfo, ReaderStatus.ok, encodeCardBaseInfo(holder))),
  );
  await write('card-reader/pin-entry.jsonl', 'The PIN pad asked for a PIN (30 s); the holder types 123456 (synthetic) after 400 ms.', [
    out(0, encodeReaderCommand('readPin', Uint8Array.of(30))),
    inn(400, encodeReaderAnswer(ReaderCommand.readPin, ReaderStatus.ok, new TextEncoder().encode('123456'))),
  ]);
}

/** The recorded (expired) 医保码 of the qr-scanner fixtures: capitals need Shift on a keyboard scanner. */
const EXPIRED_EC_QR = 'NHSAEC1.EC00000000000000000000000000E101.1700000000.7f3a9c2e5b1d4e80.d07e8ea7380ad71895234da7887191a1';
const VISIT_BARCODE = 'ZY2024081500123';

/** One report a line, about 1 ms apart (a full-speed USB keyboard endpoint polls each ms). */
function reportLines(t: number, reports: Uint8Array[]): Line[] {
  return reports.map((r, i) => inn(t + i, r));
}

async function hidScanner(): Promise<void> {
  // Keys pressed and released one by one for the first half, with a Shift-only report before each
  // capital as many scanners send; 2-key rollover for the second half; one report sent twice.
  const half = Math.floor(EXPIRED_EC_QR.length / 2);
  const first = encodeKeyboardReports(EXPIRED_EC_QR.slice(0, half)).slice(0, -2);
  const withShift: Uint8Array[] = [];
  for (const r of first) {
    if (r[0] === 0x02 && r[2] !== 0) withShift.push(Uint8Array.of(0x02, 0, 0, 0, 0, 0, 0, 0));
    withShift.push(r);
  }
  const second = encodeKeyboardReports(EXPIRED_EC_QR.slice(half), { rollover: true });
  const reports = [...withShift, new Uint8Array(8), ...second];
  reports.splice(10, 0, reports[9]!);
  await write(
    'qr-scanner-hid/keyboard-ec-qr.jsonl',
    'HID keyboard mode (8-byte boot reports, US layout): the recorded expired 医保码 typed with Shift for capitals,\nthen Enter. Second half in 2-key rollover; one report repeated. Synthetic, from encodeKeyboardReports.',
    reportLines(0, reports),
  );
  await write(
    'qr-scanner-hid/pos-ec-qr.jsonl',
    'HID POS data mode: the recorded expired 医保码 with a CRLF suffix in 64-byte reports (length byte, payload).',
    reportLines(0, encodePosReports(new TextEncoder().encode(`${EXPIRED_EC_QR}\r\n`))),
  );
  const cut = encodeKeyboardReports(EXPIRED_EC_QR).slice(0, 60);
  await write(
    'qr-scanner-hid/unplugged-mid-scan.jsonl',
    'HID keyboard mode: the scanner pulled 30 keys into a 医保码; plugged in again, it reads a visit barcode.',
    [...reportLines(0, cut), { t_ms: 100, dir: 'in', event: 'unplug' }, ...reportLines(400, encodeKeyboardReports(VISIT_BARCODE))],
  );
  await write('qr-scanner-hid/fresh-ec-qr-keyboard.jsonl', 'HID keyboard mode: a fresh 医保码 (template, typed as key reports at play time).', [
    { t_ms: 0, dir: 'in', template: 'ec-qr', arg: 'employee' },
  ]);
  const text = (s: string) => new TextEncoder().encode(s);
  await write(
    'qr-scanner/unplugged-mid-scan.jsonl',
    'The scanner pulled mid-frame (half a 医保码, no suffix); plugged in again, it reads a visit barcode.',
    [inn(0, text(EXPIRED_EC_QR.slice(0, 40))), { t_ms: 50, dir: 'in', event: 'unplug' }, inn(300, text(`${VISIT_BARCODE}\r\n`))],
  );
}

await idCard();
await cardReader();
await hidScanner();
