// Starts the platform simulator from the command line:
// npx tsx terminal/sim/platform/cli.ts --port N [--host H] [--fixtures DIR] [--seed S] [--qr-validity SECONDS]
//   [--data FILE]            (keep balances and year-to-date totals across restarts)
//   [--hospital-level 1|2|3] (医院等级 the policy figures are taken at; 3 when absent)
//   [--faults FILE]          (a JSON FaultPlan in force from the first request; see terminal/sim/README.md)
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { argValue } from './cli-args';
import { FaultPlan } from './faults';
import { isHospitalLevel } from './policy';
import { startPlatformSimulator } from './server';
import { basename, dirname, resolve } from 'node:path';
import { lockDataFolder } from '../../journal/data-lock';

function fail(message: string): never {
  console.error(message);
  process.exit(2);
}

const levelText = argValue('--hospital-level');
const hospitalLevel = levelText === undefined ? undefined : Number(levelText);
// Checked here so a typo stops the start with a message instead of quietly using level 3.
if (hospitalLevel !== undefined && !isHospitalLevel(hospitalLevel)) fail(`--hospital-level must be 1, 2 or 3, not ${levelText ?? ''}`);

/** Reads and checks the plan before the simulator starts, so a wrong plan names its field and exits. */
function readFaultPlan(file: string): FaultPlan {
  let json: unknown;
  try {
    json = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    fail(`--faults ${file}: ${(err as Error).message}`);
  }
  const plan = FaultPlan.safeParse(json);
  if (!plan.success) fail(`--faults ${file}: not a fault plan:\n${z.prettifyError(plan.error)}`);
  return plan.data;
}
const faultsFile = argValue('--faults');

const fixturesDir = argValue('--fixtures') ?? fileURLToPath(new URL('../../../fixtures', import.meta.url));
const dataFile = argValue('--data');
// Two simulators on one data file would each overwrite the other's books: one holder at a time.
const dataLock = dataFile === undefined ? null : lockDataFolder(dirname(resolve(dataFile)), `platform-sim-${basename(dataFile)}`);
const sim = await startPlatformSimulator({
  fixturesDir,
  port: Number(argValue('--port') ?? 0),
  host: argValue('--host') ?? '127.0.0.1',
  seed: Number(argValue('--seed') ?? 1),
  ecQrValiditySeconds: Number(argValue('--qr-validity') ?? 60),
  dataFile,
  hospitalLevel,
  faults: faultsFile === undefined ? undefined : readFaultPlan(faultsFile),
});
console.log(sim.url);
const stop = () =>
  void sim.close().then(() => {
    dataLock?.release();
    process.exit(0);
  });
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
