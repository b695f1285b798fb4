// Starts the platform simulator from the command line:
// npx tsx terminal/sim/platform/cli.ts --port N [--host H] [--fixtures DIR] [--seed S] [--qr-validity SECONDS]
//   [--data FILE]  (keep balances and year-to-date totals across restarts)
import { fileURLToPath } from 'node:url';
import { argValue } from './cli-args';
import { startPlatformSimulator } from './server';

const fixturesDir = argValue('--fixtures') ?? fileURLToPath(new URL('../../../fixtures', import.meta.url));
const sim = await startPlatformSimulator({
  fixturesDir,
  port: Number(argValue('--port') ?? 0),
  host: argValue('--host') ?? '127.0.0.1',
  seed: Number(argValue('--seed') ?? 1),
  ecQrValiditySeconds: Number(argValue('--qr-validity') ?? 60),
  dataFile: argValue('--data'),
});
console.log(sim.url);
const stop = () => void sim.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
