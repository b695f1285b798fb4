// Fault injection for the platform simulator, seeded so a failing run can be replayed exactly.
// Rules are checked in order for each request; latency rules add up, the first other rule that
// matches (infno filter, probability, remaining count) decides what goes wrong.
import { z } from 'zod';
import { seededRandom } from '../../common/seeded-random';

export { seededRandom };

export const FaultKind = z.enum([
  'latency', // delay, then answer normally
  'timeout', // never answer (afterCommit: process first)
  'http-5xx', // answer an HTTP error status (afterCommit: process first)
  'reset-before', // drop the connection before processing
  'reset-after-commit', // process and commit, then drop the connection
  'malformed-json', // answer 200 with a cut-off body (afterCommit: process first)
  'wrong-infcode', // answer with a non-zero infcode (default 1) and errMsg (afterCommit: process first, e.g. infcode 2 交易处理中)
  'garble', // process and commit, then answer infcode 0 with `set` applied to the output (a gateway that garbles amounts)
]);
export type FaultKind = z.infer<typeof FaultKind>;

export const FaultRule = z.object({
  kind: FaultKind,
  /** Restrict to these infnos; the decode endpoint counts as "ecQuery". */
  infnos: z.array(z.string()).optional(),
  probability: z.number().min(0).max(1).optional(),
  /** How many times the rule may fire; unlimited when absent. */
  count: z.number().int().positive().optional(),
  latencyMs: z.number().int().min(0).max(600_000).optional(),
  status: z.number().int().min(400).max(599).optional(),
  infcode: z.number().int().optional(),
  afterCommit: z.boolean().optional(),
  /** wrong-infcode: the err_msg to answer (default 模拟错误码). */
  errMsg: z.string().optional(),
  /** garble: dotted paths into the output and the values to put there, e.g. {"setlinfo.psn_cash_pay": -50}. */
  set: z.record(z.string(), z.unknown()).optional(),
});
export type FaultRule = z.infer<typeof FaultRule>;

export const FaultPlan = z.object({ seed: z.number().int().optional(), rules: z.array(FaultRule) });
export type FaultPlan = z.infer<typeof FaultPlan>;

export interface FaultDecision {
  latencyMs: number;
  fault: FaultRule | null;
}

export class FaultInjector {
  private rules: Array<FaultRule & { fired: number }> = [];
  private random: () => number;

  constructor(private defaultSeed: number) {
    this.random = seededRandom(defaultSeed);
  }

  setPlan(plan: FaultPlan): void {
    this.rules = plan.rules.map((r) => ({ ...r, fired: 0 }));
    this.random = seededRandom(plan.seed ?? this.defaultSeed);
  }

  decide(infno: string): FaultDecision {
    let latencyMs = 0;
    for (const rule of this.rules) {
      if (rule.infnos && !rule.infnos.includes(infno)) continue;
      if (rule.count !== undefined && rule.fired >= rule.count) continue;
      if (rule.probability !== undefined && this.random() >= rule.probability) continue;
      rule.fired++;
      if (rule.kind === 'latency') {
        latencyMs += rule.latencyMs ?? 0;
        continue;
      }
      return { latencyMs, fault: rule };
    }
    return { latencyMs, fault: null };
  }
}

/** A garble rule's transform: the answer's output with each dotted path set (missing nodes made). */
export function garbleOutput(output: unknown, set: Record<string, unknown>): unknown {
  const copy = JSON.parse(JSON.stringify(output ?? {})) as Record<string, unknown>;
  for (const [path, value] of Object.entries(set)) {
    const keys = path.split('.');
    let node: Record<string, unknown> = copy;
    for (const k of keys.slice(0, -1)) {
      if (!node[k] || typeof node[k] !== 'object') node[k] = {};
      node = node[k] as Record<string, unknown>;
    }
    node[keys[keys.length - 1] as string] = value;
  }
  return copy;
}
