// Turns the settlement engine's, the replay worker's and the reconciliation's news into the API's
// `queue` events. The engine reports after every call it sends, often with the state unchanged
// (a retry that got no answer): only real transitions go out, so a subscriber sees each once.
import type { QueueEvent, Reconciliation, TerminalEvent } from '../api/schema';
import type { Journal } from '../journal/journal';
import type { SettlementView } from '../settlement/engine';
import type { ReplayState } from '../settlement/replay-worker';
import { finalStates } from '../common/settlement-states';

export function createQueueEvents(deps: { journal: Journal; emit: (event: TerminalEvent) => void; now?: () => Date }) {
  const now = deps.now ?? (() => new Date());
  /** The last state told per visit; a visit in a final state is forgotten, so this stays small. */
  const told = new Map<string, string>();
  const send = (queue: QueueEvent) => deps.emit({ type: 'queue', queue });

  return {
    visit(view: SettlementView): void {
      if (told.get(view.id) === view.state) return;
      if ((finalStates as readonly string[]).includes(view.state)) told.delete(view.id);
      else told.set(view.id, view.state);
      const at = now().toISOString();
      send({ kind: 'visit', settlementId: view.id, state: view.state, deferred: view.deferred, at });
      if (view.state === 'needs-staff') {
        const dead = deps.journal.callsOf(view.id).filter((c) => c.status === 'dead').pop();
        // A visit can go to staff without a dead call (an answer it could not use): the state event says so.
        if (dead) send({ kind: 'dead-letter', settlementId: view.id, infno: dead.infno, at });
      }
    },
    replay(state: ReplayState): void {
      send({ kind: 'replay', replay: { ...state } });
    },
    reconciliation(result: Reconciliation): void {
      if (!result.balanced) send({ kind: 'reconciliation-alert', reconciliation: result });
    },
  };
}
