// The simulator's books on disk (optional `dataFile`): one JSON file, replaced atomically after every
// call that was processed, so a restart keeps balances and year-to-date totals (the deductible is
// paid once a year, not once a run) and a repeated msgid still gets its first answer.
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, writeSync } from 'node:fs';
import type { StateSnapshot } from './state';

export interface SimDataFile {
  state: StateSnapshot;
  /** msgid -> request fingerprint and the exact answer text. */
  answers: Array<[string, { fingerprint: string; text: string }]>;
  /**
   * 医保码 nonces already decoded, with their issue time (unix seconds), so a code stays single-use
   * across a restart. Absent in files written before it was kept.
   */
  usedQrNonces?: Array<[string, number]>;
}

export function loadDataFile(path: string): SimDataFile | null {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
  const data = JSON.parse(text) as SimDataFile;
  if (data.state?.version !== 1) throw new Error(`${path}: not a simulator data file of version 1`);
  return data;
}

/** Write a sibling temp file, fsync it, rename over the old one: a crash leaves the old or the new file. */
export function saveDataFile(path: string, data: SimDataFile): void {
  const tmp = `${path}.tmp`;
  const fd = openSync(tmp, 'w', 0o600);
  try {
    writeSync(fd, JSON.stringify(data));
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(tmp, path);
}
