// Faults hospital IT can switch on from the admin screen while the terminal runs on the embedded
// platform simulator: named rehearsals of what the real platform does on a bad day, each a seeded
// plan of the simulator's own fault rules, so a run can be repeated exactly.
import type { SimFaultPreset } from '../api/schema';
import type { FaultPlan } from '../sim/platform/faults';

export const simFaultPlans: Record<SimFaultPreset, FaultPlan> = {
  none: { rules: [] },
  // The network to the platform is gone: nothing reaches it (offline mode, pending slips).
  'platform-down': { seed: 1, rules: [{ kind: 'reset-before' }] },
  // Every answer takes 3 s: the progress screens and the patient's patience.
  'slow-platform': { seed: 1, rules: [{ kind: 'latency', latencyMs: 3_000 }] },
  // Settlements are committed but their answers are lost: the 5203 query / 2601 reversal path.
  'lost-settlement-answers': { seed: 1, rules: [{ kind: 'reset-after-commit', infnos: ['2207', '2304'] }] },
  // Half the calls answer HTTP 503 before anything is done: retries and backoff.
  'platform-errors': { seed: 1, rules: [{ kind: 'http-5xx', status: 503, probability: 0.5 }] },
};
