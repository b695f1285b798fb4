// The settlement of one visit as a state machine written as data, so the admin screen can show it
// and a test can walk it. Each "-pending" state has exactly one platform call queued in the outbox.
export const settlementTransitions = {
  'register-pending': ['fees-pending', 'failed', 'cancelled', 'needs-staff'],
  'fees-pending': ['presettle-pending', 'failed', 'cancelled', 'needs-staff'],
  'presettle-pending': ['awaiting-confirm', 'failed', 'cancelled', 'needs-staff'],
  'awaiting-confirm': ['settle-pending', 'cancelled'],
  'settle-pending': ['settled', 'failed', 'reversal-pending'],
  'reversal-pending': ['settle-pending', 'cancelled', 'needs-staff'],
  settled: ['closed'],
  closed: [],
  failed: [],
  cancelled: [],
  'needs-staff': ['settle-pending', 'cancelled'],
} as const satisfies Record<string, readonly string[]>;

export type SettlementState = keyof typeof settlementTransitions;

export const settlementStates = Object.keys(settlementTransitions) as SettlementState[];

/** States in which the platform may hold money for this visit that is not yet final. */
export const unsettledStates: readonly SettlementState[] = ['settle-pending', 'reversal-pending', 'needs-staff'];

export function canTransition(from: SettlementState, to: SettlementState): boolean {
  return (settlementTransitions[from] as readonly string[]).includes(to);
}

/** The states from which `to` may be entered: what the journal checks inside the write. */
export function predecessorsOf(to: SettlementState): SettlementState[] {
  return settlementStates.filter((s) => canTransition(s, to));
}

export function isSettlementState(s: string): s is SettlementState {
  return s in settlementTransitions;
}
