// Builds the stand-in vendor library (fake-vendor.c) with gcc into a temporary folder, and sets
// the file its calls read their behaviour from (ok, nocard, hang, crash, garbage, ...).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export type FakeVendorMode = 'ok' | 'ok2' | 'nocard' | 'hang' | 'crash' | 'garbage' | 'unterminated' | 'refused' | 'ec-file';

export interface FakeVendorLibrary {
  library: string;
  setMode(mode: FakeVendorMode): void;
  /** What an e-voucher call answers in mode ec-file: the bytes as the library would write them (GBK on Windows). */
  setEcAnswer(bytes: Uint8Array): void;
  remove(): void;
}

/** Builds the library; FAKE_VENDOR_MODE_FILE goes into this process's environment (the worker inherits it). */
export function buildFakeVendorLibrary(): FakeVendorLibrary {
  const dir = mkdtempSync(join(tmpdir(), 'fake-vendor-'));
  const source = fileURLToPath(new URL('./fake-vendor.c', import.meta.url));
  const library = join(dir, 'libvendor.so');
  execFileSync('gcc', ['-shared', '-fPIC', '-O0', '-o', library, source], { stdio: 'pipe' });
  const modeFile = join(dir, 'mode');
  writeFileSync(modeFile, 'ok');
  process.env['FAKE_VENDOR_MODE_FILE'] = modeFile;
  const ecFile = join(dir, 'ec-answer');
  process.env['FAKE_VENDOR_EC_FILE'] = ecFile;
  return {
    library,
    setMode: (mode) => writeFileSync(modeFile, mode),
    setEcAnswer: (bytes) => writeFileSync(ecFile, bytes),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
