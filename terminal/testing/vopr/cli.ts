// npm run sim:seed -- --seed N [--bug resend-unknown] [--quiet]: replays one seed of the whole-terminal
// simulation exactly, printing what happened in it, and exits 1 when its checks fail.
import { reproduceLine, runSeed, type InjectedBug } from './simulator';

const args = process.argv.slice(2);
const value = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
};
const seed = Number(value('seed') ?? 1);
if (!Number.isInteger(seed) || seed < 0) {
  console.error('usage: npm run sim:seed -- --seed N [--bug resend-unknown] [--quiet]');
  process.exit(2);
}
const bug = value('bug') as InjectedBug | undefined;
const result = await runSeed(seed, { bug, trace: !args.includes('--quiet') });
for (const line of result.trace) console.log(line);
for (const f of result.failures) console.log(`FAIL ${f}`);
for (const f of result.known) console.log(`KNOWN ${f}`);
const { trace: _trace, ...summary } = result;
console.log(JSON.stringify({ ...summary, ok: result.failures.length === 0 }));
if (result.failures.length > 0) {
  console.log(reproduceLine(seed, bug));
  process.exit(1);
}
