// A second process on the same data folder is refused with the folder and the holder's pid; the lock
// goes with its holder, also when the holder is killed with SIGKILL.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DataFolderLocked, lockDataFolder } from './data-lock';

const holderScript = (folder: string) => `
  import { lockDataFolder } from ${JSON.stringify(join(import.meta.dirname, 'data-lock.ts'))};
  lockDataFolder(${JSON.stringify(folder)});
  process.stdout.write('locked\\n');
  setInterval(() => {}, 1000);
`;

test('a second lock on the folder is refused in the same process, and taken once released', () => {
  const folder = mkdtempSync(join(tmpdir(), 'lock-'));
  const first = lockDataFolder(folder);
  assert.throws(() => lockDataFolder(folder), (err: unknown) => err instanceof DataFolderLocked && err.message.includes(folder) && err.message.includes(`pid ${process.pid}`));
  first.release();
  lockDataFolder(folder).release();
});

test('another process holding the folder is named by pid; after it is killed with SIGKILL the folder is free', async () => {
  const folder = mkdtempSync(join(tmpdir(), 'lock-'));
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', holderScript(folder)], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((ready, fail) => {
    child.stdout.on('data', (d: Buffer) => d.toString().includes('locked') && ready());
    child.once('exit', (code) => fail(new Error(`holder exited ${code}`)));
  });
  try {
    assert.throws(() => lockDataFolder(folder), (err: unknown) => err instanceof DataFolderLocked && err.holderPid === child.pid);
  } finally {
    child.kill('SIGKILL');
    await new Promise((r) => child.once('exit', r));
  }
  const lock = lockDataFolder(folder);
  lock.release();
});
