// One typed function per platform transaction: a thin layer over PlatformClient.call that checks
// the input against the transaction's schema before anything is sent and hands back the output
// typed. `call` stays the base: the journal's outbox replays raw calls through it.
import { z } from 'zod';
import type { CallOutcome, PlatformClient } from './client';
import {
  tx1101, tx2201, tx2202, tx2203, tx2204, tx2205, tx2206, tx2207, tx2208, tx2301, tx2302, tx2303, tx2304,
  tx2305, tx2401, tx2402, tx2404, tx2405, tx2601, tx3201, tx5203, tx9001, tx9002,
} from './transactions';

/** Per-call envelope fields that are not the terminal's static context. */
export interface CallOptions {
  /** 参保地医保区划: required by the platform whenever the input carries psn_no. */
  insuplcAdmdvs?: string;
  signNo?: string;
  infTime?: Date;
}

export type TypedOutcome<T> = Exclude<CallOutcome, { kind: 'ok' }> | (Extract<CallOutcome, { kind: 'ok' }> & { output: T });

/** Input that fails its schema is a bug in the caller, not a platform answer: it throws before sending. */
export class InvalidInputError extends Error {
  constructor(readonly infno: string, readonly issues: string) {
    super(`input of ${infno} is invalid: ${issues}`);
    this.name = 'InvalidInputError';
  }
}

interface Tx<I extends z.ZodType, O extends z.ZodType> {
  input: I;
  output: O;
}

async function callTyped<I extends z.ZodType, O extends z.ZodType>(
  client: PlatformClient, infno: string, tx: Tx<I, O>, msgid: string, input: z.input<I>, opts: CallOptions = {},
): Promise<TypedOutcome<z.output<O>>> {
  const checked = tx.input.safeParse(input);
  if (!checked.success) throw new InvalidInputError(infno, z.prettifyError(checked.error));
  // Send what the caller wrote, not the parsed copy: zod drops keys it does not know, and a
  // province's extra field must still reach the wire.
  const outcome = await client.call({ infno, msgid, input, ...opts });
  if (outcome.kind !== 'ok') return outcome;
  // classifyCallAnswer has already checked the output against this schema; parse gives the type.
  return { ...outcome, output: tx.output.parse(outcome.output) };
}

type In<T extends Tx<z.ZodType, z.ZodType>> = z.input<T['input']>;
type Out<T extends Tx<z.ZodType, z.ZodType>> = TypedOutcome<z.output<T['output']>>;

const bind = <T extends Tx<z.ZodType, z.ZodType>>(infno: string, tx: T) =>
  (client: PlatformClient, msgid: string, input: In<T>, opts?: CallOptions): Promise<Out<T>> =>
    callTyped(client, infno, tx, msgid, input, opts) as Promise<Out<T>>;

export const signIn = bind('9001', tx9001);
export const signOut = bind('9002', tx9002);
export const personInfo = bind('1101', tx1101);
export const registerOutpatient = bind('2201', tx2201);
export const cancelOutpatientRegistration = bind('2202', tx2202);
export const uploadOutpatientVisit = bind('2203', tx2203);
export const uploadOutpatientFees = bind('2204', tx2204);
export const cancelOutpatientFees = bind('2205', tx2205);
export const preSettleOutpatient = bind('2206', tx2206);
export const settleOutpatient = bind('2207', tx2207);
export const cancelOutpatientSettlement = bind('2208', tx2208);
export const uploadInpatientFees = bind('2301', tx2301);
export const cancelInpatientFees = bind('2302', tx2302);
export const preSettleInpatient = bind('2303', tx2303);
export const settleInpatient = bind('2304', tx2304);
export const cancelInpatientSettlement = bind('2305', tx2305);
export const admit = bind('2401', tx2401);
export const discharge = bind('2402', tx2402);
export const cancelAdmission = bind('2404', tx2404);
export const cancelDischarge = bind('2405', tx2405);
export const reverse = bind('2601', tx2601);
export const reconcileTotals = bind('3201', tx3201);
export const querySettlement = bind('5203', tx5203);
