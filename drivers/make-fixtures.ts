// Writes the synthetic device fixtures under fixtures/devices/ (ID card reader, social security card
// reader, HID scanner): request/answer recordings whose bytes come from the codecs' own encoders, so
// a fixture and its codec cannot drift apart silently. Run after changing a codec or a fixture case:
//   npx tsx drivers/make-fixtures.ts
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { encodeSamCommand, encodeSamResponse, SamStatus } from './id-card/codec';
import { syntheticBaseInfoAnswer } from './id-card/sim-reader';

const root = new URL('../fixtures/devices/', import.meta.url).pathname;

type Line = { t_ms: number; dir: 'in' | 'out'; hex: string };
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

await idCard();
