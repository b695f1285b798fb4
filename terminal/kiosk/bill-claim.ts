// One bill, one payment across every kiosk: the HIS is the one place all terminals share, so a bill is
// claimed there (this terminal's id, a visit id, an expiry) before anything about it is sent to the
// platform, renewed while it is being paid, and released when the visit ends unpaid. A second
// terminal's claim is refused, and its patient reads that the bill is being paid elsewhere.
//
// The claims this terminal holds are kept in the journal (meta 'his-claims'), so a restart renews or
// releases them, and the paid notice carries the claim it was paid under. Rules (README, "One bill,
// one payment"):
// - No claim, no visit: a visit is opened only after the HIS granted the claim. A HIS that cannot be
//   reached cannot list the bill either, so nothing is captured while it is down.
// - A patient deciding at the split holds a short claim (ttlSeconds), renewed at half its life.
// - At confirm, before the settlement is sent, the claim is extended to the long hold (holdSeconds):
//   a settlement may meet an outage, and the claim must outlive the query and the paid notice. A
//   bill found taken or paid meanwhile is not settled. A HIS that does not answer then is settled
//   on the claim held now only while it has a safe margin left; the keeper extends it when the HIS
//   is back (the one window left: a HIS down longer than that claim's rest, see README).
// - An offline capture (platform away, HIS up) claims with the long hold from the start; the keeper
//   renews it for as long as the visit is open, and the paid notice ends it.
// - A visit that ends unpaid (cancelled, failed) releases at once; a paid one is ended by the notice.
import { randomUUID } from 'node:crypto';
import { HisError, type HisClient } from '../his/client';
import type { Journal } from '../journal/journal';
import type { UserErrorCode } from '../common/user-errors';
import { reportError } from '../common/report-error';
import type { PassFlow } from './session-pass';
import type { DeferredSettleVerdict } from '../settlement/engine';

const META_KEY = 'his-claims';

export interface HeldClaim {
  billId: string;
  claimId: string;
  /** The id this terminal gave the HIS for the attempt; the settlement id once the visit is opened. */
  visitId: string;
  settlementId: string | null;
  ttlSeconds: number;
  expiresAt: string;
}

export type ClaimOutcome = { kind: 'claimed'; claim: HeldClaim } | { kind: 'refused'; code: UserErrorCode; detail: string };

export interface BillClaimsOptions {
  his: Pick<HisClient, 'claim' | 'renewClaim' | 'releaseClaim'>;
  journal: Pick<Journal, 'metaValue' | 'setMetaValue' | 'settlement'>;
  terminalId: string;
  /** A patient at the split: short, renewed at half its life. */
  ttlSeconds: number;
  /** From confirm on, and for an offline capture: long enough for an outage, a query and the paid notice. */
  holdSeconds: number;
  now?: () => Date;
}

export type BillClaims = ReturnType<typeof createBillClaims>;

// A refunded visit ended unpaid too: its bill is payable again, so a claim still held is released.
const finalUnpaid = new Set(['failed', 'cancelled', 'refunded']);

export function createBillClaims(options: BillClaimsOptions) {
  const now = options.now ?? (() => new Date());
  const { his, journal } = options;
  const held = new Map<string, HeldClaim>();
  const timers = new Map<string, ReturnType<typeof setTimeout>>();
  /** Bills whose claim the keeper found taken: why, until the visit asks at confirm. */
  const lost = new Map<string, UserErrorCode>();
  let closed = false;

  for (const c of JSON.parse(journal.metaValue(META_KEY) ?? '[]') as HeldClaim[]) held.set(c.billId, c);

  const save = () => journal.setMetaValue(META_KEY, JSON.stringify([...held.values()]));

  function forget(billId: string): void {
    const t = timers.get(billId);
    if (t) clearTimeout(t);
    timers.delete(billId);
    if (held.delete(billId)) save();
  }

  /** Renews at half the claim's life; a HIS that did not answer is asked again at a quarter. */
  function schedule(claim: HeldClaim, delayMs = (claim.ttlSeconds * 1000) / 2): void {
    if (closed) return;
    const t = timers.get(claim.billId);
    if (t) clearTimeout(t);
    const timer = setTimeout(() => void keep(claim.billId).catch(reportError('bill-claim.keep')), Math.max(1000, delayMs));
    timer.unref?.();
    timers.set(claim.billId, timer);
  }

  function refusal(answer: { heldBy: string | null; paid: boolean }): UserErrorCode {
    if (answer.paid) return 'bill-already-paid';
    // This terminal's own other visit: the local journal's word says which.
    return answer.heldBy === options.terminalId ? 'bill-in-progress' : 'bill-claimed-elsewhere';
  }

  async function renew(claim: HeldClaim, ttlSeconds: number): Promise<{ ok: true } | { ok: false; code: UserErrorCode; unreachable: boolean }> {
    let answer;
    try {
      answer = await his.renewClaim(claim.billId, { claimId: claim.claimId, ttlSeconds });
    } catch (err) {
      const status = err instanceof HisError ? err.status : null;
      return { ok: false, code: 'his-unreachable', unreachable: status === null || status >= 500 || status === 408 || status === 429 };
    }
    if (answer.kind === 'claimed') {
      held.set(claim.billId, { ...claim, claimId: answer.claimId, expiresAt: answer.expiresAt, ttlSeconds });
      save();
      return { ok: true };
    }
    return { ok: false, code: answer.kind === 'held' ? refusal(answer) : 'bill-claimed-elsewhere', unreachable: false };
  }

  /** The keeper's turn for one bill: release what ended unpaid, forget what was paid, renew the rest. */
  async function keep(billId: string, afterRestart = false): Promise<void> {
    const claim = held.get(billId);
    if (!claim || closed) return;
    const state = claim.settlementId ? (journal.settlement(claim.settlementId)?.state ?? null) : null;
    if (state === 'closed') return forget(billId);
    // Ended unpaid; or, after a restart, taken by a pass that never opened its visit.
    if ((state && finalUnpaid.has(state)) || (afterRestart && !state)) return release(billId);
    const renewed = await renew(claim, claim.ttlSeconds);
    const now_ = held.get(billId);
    if (renewed.ok && now_) return schedule(now_);
    if (!renewed.ok && renewed.unreachable) return schedule(claim, (claim.ttlSeconds * 1000) / 4);
    // Someone else holds the bill now, or it is gone (this claim lapsed while the HIS was away, or
    // the HIS forgot it): a patient at the split is refused at confirm (holdForSettle).
    if (!renewed.ok) lost.set(billId, renewed.code);
    forget(billId);
  }

  async function release(billId: string): Promise<void> {
    const claim = held.get(billId);
    if (!claim) return;
    try {
      await his.releaseClaim(billId, claim.claimId);
      forget(billId);
    } catch (err) {
      // Not released now: tried again later, and in any case it lapses at its expiry.
      if (Date.parse(claim.expiresAt) <= now().getTime()) forget(billId);
      else schedule(claim, (claim.ttlSeconds * 1000) / 4);
      reportError('bill-claim.release')(err);
    }
  }

  /**
   * Before the settlement is sent: the claim is extended to the long hold. Refused (the bill taken,
   * or a HIS that cannot say) means nothing is settled.
   */
  async function holdForSettle(billId: string): Promise<{ ok: true; extended: boolean } | { ok: false; code: UserErrorCode }> {
    const claim = held.get(billId);
    if (!claim) {
      const code = lost.get(billId) ?? 'bill-claimed-elsewhere';
      lost.delete(billId);
      return { ok: false, code };
    }
    const renewed = await renew(claim, Math.max(claim.ttlSeconds, options.holdSeconds));
    if (renewed.ok) {
      schedule(held.get(billId) as HeldClaim);
      return { ok: true, extended: true };
    }
    if (!renewed.unreachable) {
      forget(billId);
      return { ok: false, code: renewed.code };
    }
    // The HIS did not answer: settle on the claim held now only while it has a safe margin left
    // (it was renewed at half its life); the keeper renews it when the HIS is back.
    const marginMs = Math.min(30_000, (claim.ttlSeconds * 1000) / 4);
    if (Date.parse(claim.expiresAt) - now().getTime() >= marginMs) return { ok: true, extended: false };
    return { ok: false, code: 'his-unreachable' };
  }

  return {
    /** Claims a bill before its visit is opened; `offline`: for a capture that waits for the platform. */
    async take(billId: string, opts: { offline: boolean }): Promise<ClaimOutcome> {
      const visitId = randomUUID();
      const ttlSeconds = opts.offline ? options.holdSeconds : options.ttlSeconds;
      let answer;
      try {
        answer = await his.claim(billId, { terminalId: options.terminalId, visitId, ttlSeconds });
      } catch (err) {
        return { kind: 'refused', code: 'his-unreachable', detail: `HIS claim: ${(err as Error).message}` };
      }
      if (answer.kind === 'no-bill') return { kind: 'refused', code: 'bill-not-found', detail: `HIS has no bill ${billId}` };
      if (answer.kind === 'held') return { kind: 'refused', code: refusal(answer), detail: `bill ${billId} held by ${answer.heldBy ?? 'another visit'} until ${answer.expiresAt ?? '?'}${answer.paid ? ' (paid)' : ''}` };
      const claim: HeldClaim = { billId, claimId: answer.claimId, visitId, settlementId: null, ttlSeconds, expiresAt: answer.expiresAt };
      held.set(billId, claim);
      lost.delete(billId);
      save();
      schedule(claim);
      return { kind: 'claimed', claim };
    },

    /** The visit opened on the claim: from now on its state says when the claim ends. */
    attach(billId: string, settlementId: string): void {
      const claim = held.get(billId);
      if (!claim) return;
      held.set(billId, { ...claim, settlementId });
      save();
    },

    holdForSettle,

    release,

    /**
     * The engine's guard before an offline capture's 2207 (deferredSettleGuard): the capture waited
     * for the platform, and its bill may have been paid at another kiosk or the cashier meanwhile.
     * The claim is renewed to the long hold as at confirm; a HIS that does not answer is waited for
     * unless the claim held now still has its margin.
     */
    async deferredSettle(billId: string): Promise<DeferredSettleVerdict> {
      const held = await holdForSettle(billId);
      if (held.ok) return { kind: 'hold' };
      if (held.code === 'his-unreachable') return { kind: 'wait', why: 'the HIS did not answer the claim renewal' };
      return { kind: 'refused', why: held.code };
    },

    /** The claim a paid notice carries (none: the bill was claimed by no visit of this terminal). */
    claimIdFor(billId: string): string | undefined {
      return held.get(billId)?.claimId;
    },

    /** Every visit change: a visit that ended unpaid frees its bill at once; a closed one was ended by the notice. */
    onVisit(visit: { id: string; state: string; billId: string | null }): void {
      if (!visit.billId) return;
      const claim = held.get(visit.billId);
      if (!claim || claim.settlementId !== visit.id) return;
      if (visit.state === 'closed') forget(visit.billId);
      else if (finalUnpaid.has(visit.state)) void release(visit.billId);
    },

    /** The HIS client the settlement engine tells of a paid bill: the notice carries the claim. */
    paidNotice(inner: Pick<HisClient, 'markPaid'> & Partial<Pick<HisClient, 'markRefunded'>>): Pick<HisClient, 'markPaid'> & Partial<Pick<HisClient, 'markRefunded'>> {
      const markRefunded = inner.markRefunded?.bind(inner);
      return {
        async markPaid(billId, receipt) {
          const claimId = held.get(billId)?.claimId;
          await inner.markPaid(billId, { ...receipt, ...(claimId ? { claimId } : {}) });
          forget(billId);
        },
        // A refund's notice (the bill payable again) passes through: no claim is held on a paid bill.
        ...(markRefunded ? { markRefunded } : {}),
      };
    },

    /** After a start: each kept claim is renewed, released or forgotten as its visit stands. */
    resume(): Promise<void> {
      return Promise.all([...held.keys()].map((billId) => keep(billId, true).catch(reportError('bill-claim.resume')))).then(() => undefined);
    },

    held: (): HeldClaim[] => [...held.values()].map((c) => ({ ...c })),

    /** Stops the timers; the claims stay with the HIS (a restart resumes them, or they lapse). */
    close(): void {
      closed = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
    },
  };
}

/** A patient at the split holds the bill this long, renewed at half of it. */
export const CLAIM_TTL_SECONDS = 120;

/**
 * Claims the bill, then opens the visit on the claim: the one way a kiosk pass opens a visit when
 * claims are wired. Null when the claim or the open was refused (the patient was told why), or the
 * pass ended meanwhile; a claim no visit took is released at once.
 */
export async function openOnClaim(claims: BillClaims | undefined, p: PassFlow, billId: string, offline: boolean, open: () => string | null): Promise<string | null> {
  if (!claims) return open();
  const taken = await claims.take(billId, { offline });
  if (taken.kind === 'refused') {
    p.fail('bill-refused', taken.code, taken.detail);
    return null;
  }
  let settlementId: string | null = null;
  try {
    if (p.live()) settlementId = open();
  } finally {
    if (settlementId) claims.attach(billId, settlementId);
    else void claims.release(billId);
  }
  return settlementId;
}
