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
  'wrong-infcode', // answer without processing, with a non-zero infcode the spec does not list
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
