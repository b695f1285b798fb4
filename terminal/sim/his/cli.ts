// Starts the HIS simulator from the command line: npx tsx terminal/sim/his/cli.ts --port N [--fixtures DIR]
import { fileURLToPath } from 'node:url';
import { startHisSimulator } from './server';
import { argValue } from '../platform/cli-args';

const fixturesDir = argValue('--fixtures') ?? fileURLToPath(new URL('../../../fixtures', import.meta.url));
const sim = await startHisSimulator({ fixturesDir, port: Number(argValue('--port') ?? 0), host: argValue('--host') ?? '127.0.0.1' });
console.log(sim.url);
const stop = () => void sim.close().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
