// `npm start` without the Electron binary must fail with a message that names the web host.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

function electronInstalled(): boolean {
  try {
    const path = require('electron') as unknown;
    return typeof path === 'string' && existsSync(path);
  } catch {
    return false;
  }
}

it('npm start names npm run start:web when Electron is missing', { skip: electronInstalled() && 'Electron binary present' }, () => {
  const r = spawnSync(process.execPath, ['scripts/start-electron.mjs'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /npm run start:web/);
  assert.match(r.stderr, /Electron binary is not installed/);
});
