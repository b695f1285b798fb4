// The file runner behind run-tests.mjs: node:test's run() with the files in the order given. Node
// 20's `node --test a b c` sorts its files by name, so run-tests.mjs's longest-first order never
// reached it (the browser tests and the crash campaign started where the alphabet put them);
// run({ files }) keeps the order. Started with `--import tsx`, which run() hands to each file's
// process as node --test does. Argument: a JSON object { files, concurrency, timeout, timingsFile };
// the console gets spec on a terminal and TAP otherwise, as under node --test.
import { writeFileSync } from 'node:fs';
import { run } from 'node:test';
import { spec, tap } from 'node:test/reporters';
import { recordFileTiming } from './file-timings-reporter.mjs';

const { files, concurrency, timeout, timingsFile } = JSON.parse(process.argv[2]);
const stream = run({ files, concurrency, timeout });
let failed = false;
const timings = {};
stream.on('test:fail', (data) => {
  if (!data.todo && !data.skip) failed = true;
});
stream.on('test:complete', (data) => recordFileTiming(timings, data));
process.on('exit', () => {
  if (timingsFile) writeFileSync(timingsFile, `${JSON.stringify({ files: timings })}\n`);
  if (failed) process.exitCode = 1;
});
stream.compose(process.stdout.isTTY ? new spec() : tap).pipe(process.stdout);
