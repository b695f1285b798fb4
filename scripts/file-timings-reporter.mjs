// A node:test reporter that records each test file's wall time, for `run-tests.mjs --timings`.
// Node 20's runner ends every file with a `test:complete` event at nesting 0 whose name is the file
// itself and whose duration is the child process's life (import and tsx transform included), so
// the figure is what the file costs a slot, not just the sum of its tests. `testsMs` sums the
// file's own top-level tests and suites: the rest is starting node, loading modules, ending.
export default async function* fileTimings(source) {
  const files = {};
  const entry = (file) => (files[file] ??= { ms: 0, testsMs: 0, passed: true });
  for await (const event of source) {
    if (event.type !== 'test:complete') continue;
    const { file, name, nesting, details } = event.data;
    if (nesting !== 0 || !file) continue;
    const ms = details?.duration_ms ?? 0;
    if (name === file) {
      entry(file).ms = Math.round(ms);
      entry(file).passed = details?.passed !== false;
    } else {
      entry(file).testsMs += Math.round(ms);
    }
  }
  yield `${JSON.stringify({ files })}\n`;
}
