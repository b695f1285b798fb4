// What every kiosk-session command answers, what a sub-flow (history, face, a directed payment) may
// do to the pass it runs in, and the record of what went wrong and why. A pass is one patient's
// go at the screen, from a begin to the next begin or reset; a flow whose pass has ended moves nothing.
import type { CommandResult, SessionStep, SessionView } from '../api/schema';
import { userError, type UserErrorCode } from '../common/user-errors';
import type { SessionEvent } from './session-table';

/**
 * Every session command's answer: taken, or refused and why. The refusal is CommandResult's own
 * failure, so a host hands it on as it is. A command that was taken answers ok even when the visit
 * then ends on the error screen: that outcome is in the SessionView, for the screen to show.
 */
export type SessionResult = { ok: true } | Extract<CommandResult, { ok: false }>;

export const accepted: SessionResult = { ok: true };
export const refused = (code: UserErrorCode): SessionResult => ({ ok: false, error: userError(code) });

/** What a sub-flow may do to the pass it was started in. */
export interface PassFlow {
  /** Aborted when the pass ends (reset or a new begin): the camera and any wait stop with it. */
  readonly signal: AbortSignal;
  live(): boolean;
  /**
   * The pass's next view, when the pass is still the screen's: false when it has ended (nothing
   * published). Throws SessionTableError on a move the table does not have.
   */
  move(event: SessionEvent, patch: Partial<SessionView>): boolean;
  /** Ends the pass on the error screen with what the patient is told, recorded with its cause. */
  fail(event: SessionEvent, code: UserErrorCode, cause: unknown): void;
  /** A failure that changes nothing on the screen (the receipt stands, the reports stay empty): recorded and logged. */
  note(context: string, cause: unknown): void;
}

/** One thing that went wrong in a pass: where, what the patient was told (null: nothing), and why. */
export interface SessionFailure {
  at: string;
  context: string;
  step: SessionStep;
  code: UserErrorCode | null;
  cause: string;
  /** Whether it reached the screen (false when the pass had ended or the step could not show it). */
  shown: boolean;
}

/** Failures kept for tests and support; older ones are dropped first. */
export const FAILURES_KEPT = 50;

// An ID number in an error message (a malformed answer quoted back) stays out of the log.
const redact = (text: string): string => text.replace(/\d{17}[\dXx]/g, '<id-no>');

export function causeOf(cause: unknown): string {
  if (cause instanceof Error) return redact(`${cause.name}: ${cause.message}`);
  return redact(String(cause));
}

export function createFailureLog(now: () => Date) {
  const kept: SessionFailure[] = [];
  return {
    /** Records a failure; one that carries an Error is also logged with its stack, for staff. */
    record(failure: Omit<SessionFailure, 'at' | 'cause'>, cause: unknown): SessionFailure {
      const entry: SessionFailure = { ...failure, at: now().toISOString(), cause: causeOf(cause) };
      kept.push(entry);
      if (kept.length > FAILURES_KEPT) kept.splice(0, kept.length - FAILURES_KEPT);
      if (cause instanceof Error) {
        console.error(`kiosk session [${failure.step}] ${failure.context}${failure.code ? ` -> ${failure.code}` : ''}: ${redact(cause.stack ?? entry.cause)}`);
      }
      return entry;
    },
    list: (): readonly SessionFailure[] => [...kept],
  };
}
