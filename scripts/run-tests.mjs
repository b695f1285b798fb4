// Runs every *.test.ts under the source folders with node's test runner (node 20's --test does not
// expand globs, so the files are listed here). `--no-e2e` skips browser tests (*.e2e.test.ts);
// other arguments filter by path; `--list` prints the files in their starting order and exits.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const sourceFolders = ['terminal', 'drivers', 'ui', 'scripts', 'test', 'bench'];
const skipDirs = new Set(['node_modules', 'dist', 'test-output']);
const args = process.argv.slice(2);
const withE2e = !args.includes('--no-e2e');
const only = args.filter((a) => !a.startsWith('--'));
// Two files at a time on a 2-core box. Three gave the browser tests 0.91x the wall time (six of
// them 0.78x back to back), but a whole unit run at three on a loaded machine (2026-12-02, load
// ~8) timed out two card-and-kiosk scenarios' 15 s waits that pass at two and alone: the time
// saved is not worth a suite that fails by load. TEST_CONCURRENCY=n to compare.
const concurrency = Number(process.env.TEST_CONCURRENCY ?? 2);

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
// Longest first: node's runner starts files in the order given, as slots free, so a long file
// started last keeps one slot busy while the other has nothing left (alphabetically the crash
// campaign and the vopr seeds came near the end). The list is the slowest files measured (see
// README's Tests section); the browser tests follow, then everything else by name.
const longFirst = [
  'terminal/testing/crash/crash.test.ts',
  'terminal/testing/vopr/vopr.test.ts',
  'test/e2e/face.e2e.test.ts',
  'scripts/dist.test.ts',
];
const weight = (f) => {
  const i = longFirst.indexOf(f);
  if (i >= 0) return i;
  return f.endsWith('.e2e.test.ts') ? longFirst.length : longFirst.length + 1;
};
files.sort((a, b) => weight(a) - weight(b) || a.localeCompare(b));
if (files.length === 0) {
  console.error('run-tests: no test files found');
  process.exit(1);
}
// `--list`: the files in the order they would start, without running them.
if (args.includes('--list')) {
  console.log(files.join('\n'));
  process.exit(0);
}
const result = spawnSync(
  process.execPath,
  ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-timeout=300000', ...files],
  { cwd: root, stdio: 'inherit' },
);
process.exit(result.status ?? 1);
