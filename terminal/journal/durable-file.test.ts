// The one way the journal writes a small file it cannot lose half of.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeFileDurably } from './durable-file';

it('replaces a file whole, leaves no temporary file, and keeps the mode asked for', () => {
  const dir = mkdtempSync(join(tmpdir(), 'durable-'));
  const file = join(dir, 'mark');
  // What a crash before the rename leaves behind: it must not leak into the target.
  writeFileSync(join(dir, '.mark.tmp'), 'torn half of an older wri');
  writeFileDurably(file, 'first', { mode: 0o600 });
  writeFileDurably(file, 'second');
  assert.equal(readFileSync(file, 'utf8'), 'second');
  assert.deepEqual(readdirSync(dir), ['mark']);
  assert.equal(statSync(file).mode & 0o777, 0o600, 'a replaced file keeps its owner-only mode');
});

it('an exclusive write never replaces a file that is there', () => {
  const dir = mkdtempSync(join(tmpdir(), 'durable-'));
  const file = join(dir, 'journal.key');
  writeFileDurably(file, 'key one\n', { mode: 0o600, exclusive: true });
  assert.throws(() => writeFileDurably(file, 'key two\n', { mode: 0o600, exclusive: true }), /EEXIST/);
  assert.equal(readFileSync(file, 'utf8'), 'key one\n');
  assert.equal(existsSync(join(dir, '.journal.key.tmp')), false);
  assert.equal(statSync(file).mode & 0o777, 0o600);
});
