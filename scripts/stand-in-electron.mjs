// A stand-in for Electron's unpacked distribution, for packaging where Electron's binary cannot be
// downloaded (`-c.electronDist=<folder>`, `npm run dist -- --electron-dist <folder>`). Its
// "binary" is a shell script carrying the fuse wire of a real one (sentinel, version 1, nine fuses
// at Electron's defaults), so electron-builder's fuse step runs on it and a test can read the result.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const FUSE_SENTINEL = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX';
/** FuseV1Options order (@electron/fuses). */
export const FUSES = ['RunAsNode', 'EnableCookieEncryption', 'EnableNodeOptionsEnvironmentVariable', 'EnableNodeCliInspectArguments', 'EnableEmbeddedAsarIntegrityValidation', 'OnlyLoadAppFromAsar', 'LoadBrowserProcessSpecificV8Snapshot', 'GrantFileProtocolExtraPrivileges', 'EnableWasmTrapHandlers'];

export function makeStandInElectron(dir, version) {
  mkdirSync(join(dir, 'resources'), { recursive: true });
  const script = Buffer.from('#!/bin/sh\necho "stand-in Electron: packaging test only" >&2\nexit 1\n# ');
  writeFileSync(join(dir, 'electron'), Buffer.concat([script, Buffer.from(FUSE_SENTINEL), Buffer.from([1, FUSES.length]), Buffer.from('101100011'), Buffer.from('\n')]), { mode: 0o755 });
  writeFileSync(join(dir, 'version'), version);
  writeFileSync(join(dir, 'LICENSE'), 'stand-in\n');
  writeFileSync(join(dir, 'LICENSES.chromium.html'), 'stand-in\n');
  return dir;
}

/** The fuses of a binary as { name: true | false }. */
export function readFuses(binaryPath) {
  const bytes = readFileSync(binaryPath);
  const at = bytes.indexOf(FUSE_SENTINEL) + FUSE_SENTINEL.length;
  const length = bytes[at + 1];
  return Object.fromEntries(FUSES.slice(0, length).map((name, i) => [name, bytes[at + 2 + i] === 0x31]));
}
