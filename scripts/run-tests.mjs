// Runs every *.test.ts under the source folders with node's test runner (node 20's --test does not
// expand globs, so the files are listed here). `--no-e2e` skips browser tests (*.e2e.test.ts);
// other arguments filter by path; `--list` prints the files in their starting order and exits.
// `--checks` also runs typecheck, lint and build:ui (what `npm test` needs besides the tests) and
// times them; `--timings` records each file's wall time (scripts/file-timings-reporter.mjs) and
// prints the slowest 25 and the sum, and writes them to test-output/file-timings.json.
import { spawn } from 'node:child_process';
import { mkdirSync, readFileSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { performance } from 'node:perf_hooks';

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
const seconds = (ms) => (ms / 1000).toFixed(1);
/**
 * CPU seconds of the children this process has waited for (Linux: /proc/self/stat's cutime and
 * cstime, in clock ticks of 1/100 s), node's test runner and everything it started. On a machine
 * shared with other work, CPU time moves far less with load than wall time does.
 */
function childCpuSeconds() {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1].split(' ');
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return NaN;
  }
}

/** Runs a command without blocking this process's loop; `capture` keeps its output to print later. */
function run(command, commandArgs, { capture = false } = {}) {
  const started = performance.now();
  const child = spawn(command, commandArgs, { cwd: root, stdio: capture ? ['ignore', 'pipe', 'pipe'] : 'inherit' });
  let output = '';
  if (capture) {
    child.stdout.on('data', (d) => (output += d));
    child.stderr.on('data', (d) => (output += d));
  }
  return new Promise((done) => {
    child.on('error', (err) => done({ status: 1, ms: Math.round(performance.now() - started), output: `${output}${err.message}\n` }));
    child.on('close', (status) => done({ status: status ?? 1, ms: Math.round(performance.now() - started), output }));
  });
}

// `--checks`: what `npm test` needs besides the tests. They used to run one after the other before
// the first test (typecheck alone ~93 s of wall at load ~8); the tests only need the built UI, so
// typecheck and lint run beside build:ui and then beside the tests (node's runner leaves a core
// idle much of the time: it waits on browsers, pty reads and simulated platforms), and the run
// fails if any of them fails. Their output is held and printed once they end, away from the TAP.
const fixed = {};
const checks = [];
if (args.includes('--checks')) {
  // tsc keeps what it learnt in dist/ (per worktree, gitignored): a run after a small change
  // re-checks what changed and what depends on it, ~1/3 of a cold check's CPU when nothing did
  // (8.8 s against 27.0 s user, 2026-12-02, load ~10). It records every file's hash, so a stale
  // record costs a full check, never a missed error.
  const checkArgs = { typecheck: ['--', '--incremental', '--tsBuildInfoFile', 'dist/typecheck.tsbuildinfo'], lint: [] };
  for (const script of ['typecheck', 'lint']) {
    checks.push(
      run('npm', ['run', '-s', script, ...checkArgs[script]], { capture: true }).then((r) => {
        fixed[script] = r.ms;
        process.stderr.write(`${r.output}run-tests: ${script} ${r.status === 0 ? 'passed' : `FAILED (${r.status})`} in ${seconds(r.ms)} s\n`);
        return r.status;
      }),
    );
  }
  const ui = await run('npm', ['run', '-s', 'build:ui']);
  fixed['build:ui'] = ui.ms;
  console.error(`run-tests: build:ui ${ui.status === 0 ? 'passed' : `FAILED (${ui.status})`} in ${seconds(ui.ms)} s`);
  if (ui.status !== 0) {
    await Promise.all(checks);
    process.exit(ui.status);
  }
}

const timings = args.includes('--timings');
const timingsFile = join(root, 'test-output', 'file-timings.json');
if (timings) mkdirSync(join(root, 'test-output'), { recursive: true });
const tests = await run(process.execPath, [
  '--import',
  'tsx',
  join(root, 'scripts', 'run-files.mjs'),
  JSON.stringify({ files: files.map((f) => join(root, f)), concurrency, timeout: 300_000, timingsFile: timings ? timingsFile : null }),
]);
const checkStatuses = await Promise.all(checks);
// Everything this run started: the tests and, with --checks, typecheck, lint and build:ui.
const cpuSeconds = childCpuSeconds();
if (timings) {
  const { files: perFile } = JSON.parse(readFileSync(timingsFile, 'utf8'));
  const rows = Object.entries(perFile)
    .map(([file, t]) => ({ file: relative(root, file), ms: t.ms, testsMs: t.testsMs, passed: t.passed }))
    .sort((a, b) => b.ms - a.ms);
  const sum = rows.reduce((n, r) => n + r.ms, 0);
  const outsideTests = rows.reduce((n, r) => n + Math.max(0, r.ms - r.testsMs), 0);
  console.error(`run-tests: slowest files of ${rows.length} (wall s, share of the summed file time)`);
  for (const r of rows.slice(0, 25)) {
    console.error(`${seconds(r.ms).padStart(7)}  ${((100 * r.ms) / sum).toFixed(1).padStart(5)} %  ${r.file}${r.passed ? '' : '  (failed)'}`);
  }
  const fixedText = Object.entries(fixed).map(([k, v]) => `${k} ${seconds(v)}`).join(', ');
  console.error(`run-tests: files summed ${seconds(sum)} s, runner wall ${seconds(tests.ms)} s at ${concurrency} at a time, CPU ${cpuSeconds.toFixed(1)} s${fixedText ? ' with the checks' : ''}; outside any test (start, imports, exit) ${seconds(outsideTests)} s of the files' time${fixedText ? `; checks: ${fixedText} s` : ''}`);
  writeFileSync(timingsFile, `${JSON.stringify({ concurrency, wallMs: tests.ms, cpuSeconds, fixedMs: fixed, sumMs: sum, outsideTestsMs: outsideTests, files: rows }, null, 1)}\n`);
}
process.exit(tests.status !== 0 ? tests.status : (checkStatuses.find((s) => s !== 0) ?? 0));
