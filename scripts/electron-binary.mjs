// Where Electron's binary is, found without require('electron'): that module downloads the binary
// when it is missing (through @electron/get, printing its stack trace when the host is unreachable)
// before anyone can say plainly what to do. Returns null when there is none.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const electronDir = new URL('../node_modules/electron/', import.meta.url).pathname;

export function electronBinary() {
  const pathFile = join(electronDir, 'path.txt');
  const relative = existsSync(pathFile) ? readFileSync(pathFile, 'utf8').trim() : null;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) {
    const p = join(process.env.ELECTRON_OVERRIDE_DIST_PATH, relative || 'electron');
    return existsSync(p) ? p : null;
  }
  if (!relative) return null;
  const p = join(electronDir, 'dist', relative);
  return existsSync(p) ? p : null;
}
