// Small files the journal cannot lose half of (the key, the high-water mark, a day's archive, a
// backup): the new content goes to a temporary file beside the target, that file is synced, renamed
// over the target, and the folder is synced so the rename itself survives a power cut. A crash at
// any point leaves the old file or the new one whole, never a torn one (a leftover temporary file
// is only ever overwritten by the next write).
import { closeSync, existsSync, fsyncSync, linkSync, openSync, renameSync, rmSync, statSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';

export interface DurableWriteOptions {
  /** File mode of a new file (0o600 for anything sealed or secret). */
  mode?: number;
  /** Refuse (EEXIST) when the target already exists, instead of replacing it: a key is never overwritten. */
  exclusive?: boolean;
}

/** Writes `data` to `file` all or nothing: temp file, fsync, rename (or link when exclusive), fsync of the folder. */
export function writeFileDurably(file: string, data: string | Uint8Array, options: DurableWriteOptions = {}): void {
  const tmp = join(dirname(file), `.${basename(file)}.tmp`);
  // A leftover from a crash would lend the new file its own mode: start from nothing.
  rmSync(tmp, { force: true });
  // A replaced file keeps its mode unless told otherwise (an archive stays owner-only).
  const mode = options.mode ?? (existsSync(file) ? statSync(file).mode & 0o777 : 0o644);
  const fd = openSync(tmp, 'wx', mode);
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let written = 0;
    while (written < bytes.length) written += writeSync(fd, bytes, written, bytes.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  if (options.exclusive) {
    // link fails with EEXIST where rename would replace: the check and the placing are one step.
    try {
      linkSync(tmp, file);
    } finally {
      rmSync(tmp, { force: true });
    }
  } else {
    renameSync(tmp, file);
  }
  syncFolder(dirname(file));
}

/** Puts a file already written at `partial` (a backup the database engine wrote) in place the same way. */
export function placeFileDurably(partial: string, file: string): void {
  const fd = openSync(partial, 'r+');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  renameSync(partial, file);
  syncFolder(dirname(file));
}

/** fsync of a folder, so a file created or renamed in it survives a power cut (a no-op where folders cannot be opened). */
export function syncFolder(folder: string): void {
  let fd: number;
  try {
    fd = openSync(folder, 'r');
  } catch {
    return;
  }
  try {
    fsyncSync(fd);
  } catch {
    // Windows cannot fsync a directory; NTFS journals the metadata itself.
  } finally {
    closeSync(fd);
  }
}
