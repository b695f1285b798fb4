// Sends a call that the journal has already queued. The row is marked in flight, durably, before
// the request leaves, so that after a crash the terminal knows the outcome is unknown rather than
// assuming the call never went.
import type { CallOutcome, PlatformClient } from '../insurance/client';
import type { Journal, NewCall, OutboxRow } from '../journal/journal';

/** A row already in flight was sent once and its outcome is unknown: it is resolved by query, never sent again. */
export class AlreadyInFlightError extends Error {
  constructor(row: OutboxRow) {
    super(`outbox row ${row.id} (${row.infno}, msgid ${row.msgid}) is already in flight: resolve it by query, never resend`);
    this.name = 'AlreadyInFlightError';
  }
}

/**
 * Marks the row in flight and sends it. `armed`: the row was marked in flight by this process in
 * the commit that queued it (the previous answer's, outbox.armNext) and has not been sent yet.
 * Either way nothing leaves before the high-water mark on disk covers every commit so far.
 */
export async function sendQueued(journal: Journal, platform: PlatformClient, row: OutboxRow, opts: { armed?: boolean } = {}): Promise<CallOutcome> {
  if (!opts.armed) {
    if (row.status === 'in-flight' || journal.outboxRow(row.id)?.status === 'in-flight') throw new AlreadyInFlightError(row);
    // Committed with the other visits' writes of this turn (group commit), and on disk before the send.
    await journal.markInFlightGrouped(row.id);
  }
  await journal.highWaterSynced();
  return platform.call({ infno: row.infno, msgid: row.msgid, input: row.input, insuplcAdmdvs: row.insuplcAdmdvs ?? undefined });
}

/**
 * A call that belongs to no visit and commits nothing (person query, sign-in): queued, sent and
 * recorded like any other, so online and replayed calls share one path and one msgid sequence.
 */
/** The outcome, and the row it was journaled as (a caller may forget a row that is no visit's record). */
export async function callThroughOutbox(journal: Journal, platform: PlatformClient, call: NewCall): Promise<CallOutcome & { outboxId: number }> {
  const { outboxId } = journal.enqueueCall(call, { inFlight: true });
  const row = journal.outboxRow(outboxId);
  if (!row) throw new Error(`outbox row ${outboxId} vanished`);
  const outcome = await sendQueued(journal, platform, row, { armed: true });
  const status = outcome.kind === 'ok' ? 'done' : outcome.kind === 'rejected' ? 'rejected' : 'dead';
  // A read whose answer never came is not replayed later: the patient at the kiosk simply tries again.
  journal.recordOutcome({
    outboxId,
    status,
    error: outcome.kind === 'ok' ? null : outcome.kind === 'rejected' ? outcome.errMsg : `${outcome.reason}: ${outcome.detail}`,
    rawResponse: outcome.rawResponse,
  });
  return { ...outcome, outboxId };
}
