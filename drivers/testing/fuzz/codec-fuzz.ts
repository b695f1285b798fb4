// Property-based fuzzing shared by every codec's tests (a few thousand cases) and by the devices
// benchmark (100,000 a codec): random bytes, mutated valid frames, and valid frames after garbage,
// each pushed in random chunkings. A codec passes when nothing but its typed errors comes out, no
// push takes long (no hang, no quadratic blow-up), and the valid frame after the garbage is read.
import fc from 'fast-check';

export interface FuzzTarget<E> {
  name: string;
  /** A fresh stateful decoder. */
  create(): { push(chunk: Uint8Array): E[] };
  /** Valid encoded frames with what they must decode to (compared with `matches`). */
  frames: fc.Arbitrary<{ bytes: Uint8Array; expect: unknown }>;
  /** Is this output allowed at all (a decoded value or one of the codec's typed errors)? */
  typed(event: E): boolean;
  /** Does this output stand for the valid frame `expect`? */
  matches(event: E, expect: unknown): boolean;
  /** A longer single push than this is a hang. */
  maxPushMs?: number;
}

export interface FuzzResult {
  name: string;
  cases: number;
  /** Properties that found a counterexample (each stops at its first). */
  failures: number;
  counterexample: string | null;
  seed: number;
}

/** Cuts bytes into chunks at the given positions, as a serial port or USB adapter would. */
function chunked(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
  const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
  const out: Uint8Array[] = [];
  let at = 0;
  for (const p of points) {
    if (p > at) out.push(bytes.subarray(at, p));
    at = Math.max(at, p);
  }
  if (at < bytes.length) out.push(bytes.subarray(at));
  return out;
}

const concat = (...parts: Uint8Array[]) => {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
};

const mutation = fc.oneof(
  fc.record({ op: fc.constant('flip' as const), at: fc.nat(), bit: fc.integer({ min: 0, max: 7 }) }),
  fc.record({ op: fc.constant('cut' as const), at: fc.nat() }),
  fc.record({ op: fc.constant('insert' as const), at: fc.nat(), byte: fc.integer({ min: 0, max: 255 }) }),
  fc.record({ op: fc.constant('delete' as const), at: fc.nat() }),
);

type Mutation = { op: 'flip' | 'cut' | 'insert' | 'delete'; at: number; bit?: number; byte?: number };

function mutate(bytes: Uint8Array, m: Mutation): Uint8Array {
  const at = bytes.length === 0 ? 0 : m.at % bytes.length;
  switch (m.op) {
    case 'flip': {
      const copy = Uint8Array.from(bytes);
      if (copy.length > 0) copy[at] = copy[at]! ^ (1 << (m.bit ?? 0));
      return copy;
    }
    case 'cut':
      return bytes.subarray(0, at);
    case 'insert':
      return concat(bytes.subarray(0, at), Uint8Array.of(m.byte ?? 0), bytes.subarray(at));
    default:
      return concat(bytes.subarray(0, at), bytes.subarray(at + 1));
  }
}

function feed<E>(target: FuzzTarget<E>, decoder: { push(c: Uint8Array): E[] }, chunks: Uint8Array[], maxPushMs: number): E[] {
  const out: E[] = [];
  for (const chunk of chunks) {
    const started = process.cpuUsage();
    const events = decoder.push(chunk);
    const took = cpuMs(started);
    if (took > maxPushMs) throw new Error(`${target.name}: one push of ${chunk.length} bytes took ${took.toFixed(1)} ms`);
    for (const e of events) {
      if (!target.typed(e)) throw new Error(`${target.name}: untyped output ${JSON.stringify(e)}`);
      out.push(e);
    }
  }
  return out;
}

/** Runs the three properties with `numRuns` cases in all; failures are counted, not thrown. */
export function fuzzCodec<E>(target: FuzzTarget<E>, numRuns: number, seed = 20240815): FuzzResult {
  const maxPushMs = target.maxPushMs ?? HANG_MS;
  const cuts = fc.array(fc.nat({ max: 4096 }), { maxLength: 8 });
  const garbage = fc.uint8Array({ maxLength: 300 });
  const properties = [
    // Random bytes: only typed output, no hang.
    fc.property(fc.uint8Array({ maxLength: 2048 }), cuts, (bytes, at) => {
      feed(target, target.create(), chunked(bytes, at), maxPushMs);
    }),
    // A mutated frame, then a valid one: the valid one is still read.
    fc.property(target.frames, mutation, target.frames, cuts, (bad, m, good, at) => {
      const events = feed(target, target.create(), chunked(concat(mutate(bad.bytes, m), good.bytes), at), maxPushMs);
      if (!events.some((e) => target.matches(e, good.expect))) throw new Error(`${target.name}: frame after a mutated frame lost`);
    }),
    // Garbage, then a valid frame: the valid one is still read.
    fc.property(garbage, target.frames, cuts, (noise, good, at) => {
      const events = feed(target, target.create(), chunked(concat(noise, good.bytes), at), maxPushMs);
      if (!events.some((e) => target.matches(e, good.expect))) throw new Error(`${target.name}: frame after garbage lost`);
    }),
  ];
  return checkProperties(target.name, properties as Array<fc.IProperty<unknown>>, numRuns, seed);
}

/**
 * Runs `numRuns` cases split over the properties and counts the failing ones, for decoders whose
 * input is not a byte stream (HID reports, key events) or that are one-shot parsers.
 */
export function checkProperties(name: string, properties: Array<fc.IProperty<unknown>>, numRuns: number, seed = 20240815): FuzzResult {
  let failures = 0;
  let counterexample: string | null = null;
  const each = Math.ceil(numRuns / properties.length);
  properties.forEach((property, i) => {
    const details = fc.check(property, { numRuns: each, seed: seed + i, endOnFailure: true });
    if (details.failed) {
      failures++;
      counterexample ??= `${String(details.errorInstance ?? 'failed')} with ${fc.stringify(details.counterexample)}`.slice(0, 600);
    }
  });
  return { name, cases: each * properties.length, failures, counterexample, seed };
}

/**
 * The most CPU time one call may take before it counts as a hang. CPU time, not wall time: on two
 * cores shared with other work a 2-byte push was once preempted for 279 ms of wall time, which is
 * not the decoder's doing. Generous on purpose: a GC pause or a lazily loaded iconv table took
 * ~70 ms once in 100,000 calls, while a real hang or a quadratic blow-up on these input sizes
 * takes seconds.
 */
export const HANG_MS = 250;

/** CPU milliseconds (user + system, all of this process's threads) since `from`. */
function cpuMs(from: NodeJS.CpuUsage): number {
  const d = process.cpuUsage(from);
  return (d.user + d.system) / 1000;
}

/** Throws unless `fn` finishes within `maxMs` of CPU time: a slow call is a hang in waiting. */
export function timed<T>(what: string, maxMs: number, fn: () => T): T {
  const started = process.cpuUsage();
  const result = fn();
  const took = cpuMs(started);
  if (took > maxMs) throw new Error(`${what} took ${took.toFixed(1)} ms`);
  return result;
}
