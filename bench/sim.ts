// npm run bench:sim -- [--seeds 10000] [--from 1] [--bug resend-unknown]: the whole-terminal
// simulation over many seeds, one after another in this process. Prints each failing seed with its
// reproduce line; the last line is one JSON object with seeds, seeds_per_s, failures and what the
// seeds exercised. Exits 1 when any seed failed (without --bug).
import { performance } from 'node:perf_hooks';
import { reproduceLine, runSeed, type InjectedBug } from '../terminal/testing/vopr/simulator';

const args = process.argv.slice(2);
const value = (name: string): string | undefined => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? args[i + 1] : args.find((a) => a.startsWith(`--${name}=`))?.split('=')[1];
};
const seeds = Number(value('seeds') ?? 10_000);
const from = Number(value('from') ?? 1);
const bug = value('bug') as InjectedBug | undefined;

const totals = { visits: 0, closed: 0, crashes: 0, faults: 0, events: 0, garbled: 0, disk_full: 0, walked_away: 0, second_kiosk: 0 };
const failed: number[] = [];
const known: number[] = [];
const started = performance.now();
for (let seed = from; seed < from + seeds; seed++) {
  const r = await runSeed(seed, { bug });
  totals.visits += r.visits;
  totals.closed += r.settled;
  totals.crashes += r.crashes;
  totals.faults += r.faults;
  totals.events += r.events;
  totals.garbled += r.drawn.garbled;
  totals.disk_full += r.drawn.diskFull;
  totals.walked_away += r.drawn.walkedAway;
  totals.second_kiosk += r.drawn.secondKiosk;
  if (r.known.length > 0) known.push(seed);
  if (r.failures.length > 0) {
    failed.push(seed);
    if (failed.length <= 20) console.log(`seed ${seed}: ${r.failures[0]}\n  ${reproduceLine(seed, bug)}`);
  }
  if ((seed - from + 1) % 1_000 === 0) console.error(`${seed - from + 1} seeds, ${failed.length} failing`);
}
const seconds = (performance.now() - started) / 1000;
console.log(
  JSON.stringify({
    seeds,
    from,
    bug: bug ?? null,
    seconds: Math.round(seconds * 10) / 10,
    seeds_per_s: Math.round((seeds / seconds) * 10) / 10,
    failures: failed.length,
    first_failing_seed: failed[0] ?? null,
    // Seeds that hit a finding listed in KNOWN_FINDINGS (simulator.ts), not counted as failures.
    known_finding_seeds: known.length,
    ...totals,
  }),
);
if (!bug && failed.length > 0) process.exit(1);
