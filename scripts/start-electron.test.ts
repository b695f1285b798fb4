// `npm start` without the Electron binary must fail with a message that names the web host.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
// @ts-expect-error: a plain .mjs script without types
import { electronBinary } from './electron-binary.mjs';

const electronInstalled = () => electronBinary() !== null;

it('npm start names npm run start:web when Electron is missing', { skip: electronInstalled() && 'Electron binary present' }, () => {
  const r = spawnSync(process.execPath, ['scripts/start-electron.mjs'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(r.status, 1);
  assert.match(r.stderr, /npm run start:web/);
  assert.match(r.stderr, /Electron binary is not installed/);
  // Only our message: no download attempt, no @electron/get stack trace before it.
  assert.match(r.stderr, /^The Electron binary is not installed/);
  assert.doesNotMatch(r.stdout + r.stderr, /Downloading Electron|at .+\(.+:\d+:\d+\)|RequestError|ENOTFOUND/);
});
