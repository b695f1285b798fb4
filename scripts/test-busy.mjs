// `npm run test:busy`: the unit suite on a busy machine. Two child processes burn a CPU each (a
// tight loop, as two other CPU-heavy jobs on a 2-core box would), the suite runs beside them with
// `node scripts/run-tests.mjs --no-e2e`, and the burners are stopped when it ends, whatever its
// result. The suite must pass like this: no test may depend on an answer within a sub-second
// wall-clock limit. Extra arguments go to run-tests.mjs (e.g. a file filter); BUSY_BURNERS=n
// changes the number of burners.
import { spawn } from 'node:child_process';

const burnerCount = Number(process.env.BUSY_BURNERS ?? 2);
const burn = 'for (;;) { let x = 0; for (let i = 0; i < 1e7; i++) x += Math.sqrt(i); if (x < 0) break; }';
const burners = Array.from({ length: burnerCount }, () => spawn(process.execPath, ['-e', burn], { stdio: 'ignore' }));
const stopBurners = () => {
  for (const b of burners) if (b.exitCode === null && b.signalCode === null) b.kill('SIGKILL');
};
process.on('exit', stopBurners);
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    stopBurners();
    process.exit(130);
  });
}
console.log(`test:busy: ${burners.length} CPU burners (pids ${burners.map((b) => b.pid).join(', ')}) beside the unit suite`);

const started = Date.now();
const suite = spawn(process.execPath, [new URL('./run-tests.mjs', import.meta.url).pathname, '--no-e2e', ...process.argv.slice(2)], { stdio: 'inherit' });
suite.on('exit', (code, signal) => {
  stopBurners();
  console.log(`test:busy: suite ${code === 0 ? 'passed' : `failed (${signal ?? code})`} under load in ${((Date.now() - started) / 1000).toFixed(0)} s`);
  process.exit(code ?? 1);
});
