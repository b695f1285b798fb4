// A node:test reporter that records each test file's wall time, for `run-tests.mjs --timings`.
// Node 20's runner ends every file with a `test:complete` event at nesting 0 whose name is the file
// itself and whose duration is the child process's life (import and tsx transform included), so
// the figure is what the file costs a slot, not just the sum of its tests.
export default async function* fileTimings(source) {
  const files = {};
  for await (const event of source) {
    if (event.type !== 'test:complete') continue;
    const { file, name, nesting, details } = event.data;
    if (nesting !== 0 || !file || name !== file) continue;
    files[file] = { ms: Math.round(details?.duration_ms ?? 0), passed: details?.passed !== false };
  }
  yield `${JSON.stringify({ files })}\n`;
}
