// Each test file's wall time, for `run-tests.mjs --timings`. Node 20's runner ends every file with
// a `test:complete` event at nesting 0 whose name is the file itself and whose duration is the
// child process's life (import and tsx transform included), so the figure is what the file costs
// a slot, not just the sum of its tests. `testsMs` sums the file's own top-level tests and suites:
// the rest is starting node, loading modules, ending. Also usable as a node:test reporter.
export function recordFileTiming(files, data) {
  const { file, name, nesting, details } = data;
  if (nesting !== 0 || !file) return;
  const entry = (files[file] ??= { ms: 0, testsMs: 0, passed: true });
  const ms = details?.duration_ms ?? 0;
  if (name === file) {
    entry.ms = Math.round(ms);
    entry.passed = details?.passed !== false;
  } else {
    entry.testsMs += Math.round(ms);
  }
}

export default async function* fileTimings(source) {
  const files = {};
  for await (const event of source) if (event.type === 'test:complete') recordFileTiming(files, event.data);
  yield `${JSON.stringify({ files })}\n`;
}
