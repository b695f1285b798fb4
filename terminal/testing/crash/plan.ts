// What the crash campaign hands its child: shared by both sides, kept apart from child.ts, which
// starts working as soon as it is loaded.
import type { HisBill } from '../../his/client';
import type { VisitPerson } from '../../settlement/calls';

export interface CrashPlan {
  platformUrl: string;
  timeoutMs: number;
  people: VisitPerson[];
  bill: HisBill;
  /** The campaign raises it between runs when the child finished before enough kills landed. */
  visits: number;
  /** Every n-th visit is an offline capture that only the replay worker settles (0: none). */
  deferredEvery: number;
}

export const crashBillId = (i: number): string => `CRASH-${i}`;

export const isDeferredVisit = (plan: Pick<CrashPlan, 'deferredEvery'>, i: number): boolean => plan.deferredEvery > 0 && i % plan.deferredEvery === plan.deferredEvery - 1;
