// Runs every *.test.ts under the source folders with node's test runner (node 20's --test does not
// expand globs, so the files are listed here). `--no-e2e` skips browser tests (*.e2e.test.ts).
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const sourceFolders = ['terminal', 'drivers', 'ui', 'scripts', 'test', 'bench'];
const skipDirs = new Set(['node_modules', 'dist', 'test-output']);
const args = process.argv.slice(2);
const withE2e = !args.includes('--no-e2e');
const only = args.filter((a) => !a.startsWith('--'));

function collect(dir, out) {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) {
      if (!skipDirs.has(name)) collect(full, out);
    } else if (name.endsWith('.test.ts')) {
      out.push(relative(root, full));
    }
  }
  return out;
}

let files = sourceFolders.flatMap((f) => {
  try {
    return collect(join(root, f), []);
  } catch {
    return [];
  }
});
if (!withE2e) files = files.filter((f) => !f.endsWith('.e2e.test.ts'));
if (only.length > 0) files = files.filter((f) => only.some((o) => f.includes(o)));
files.sort();
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', '--test-concurrency=2', '--test-timeout=300000', ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
