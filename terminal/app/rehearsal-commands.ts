// The rehearsal panel's commands (web host and staff screen) on the embedded simulators: what a demo
// person presents goes into the kiosk session through the calls its devices make, so a rehearsal
// walks the same path a patient does. Refused against a real platform or HIS, where nobody may
// conjure a person or a bill.
import type { Command, CommandResult } from '../api/schema';
import type { Rehearsal } from '../sim/rehearsal';
import type { createKioskSession } from '../kiosk/kiosk-session';

type RehearsalCommand = Extract<Command, { type: `rehearsal.${string}` }>;
type Session = ReturnType<typeof createKioskSession>;

export async function executeRehearsal(
  command: RehearsalCommand,
  deps: { rehearsal: Rehearsal | null; session: Session; clearFaults: () => void; ok: () => Extract<CommandResult, { ok: true }> },
): Promise<CommandResult> {
  const { rehearsal, session } = deps;
  if (!rehearsal) return { ok: false, error: { code: 'admin-refused', message: 'rehearsal needs the embedded platform and HIS simulators' } };
  const view = { people: rehearsal.people(), issued: null, reissued: null };
  const unknown = (key: string): CommandResult => ({ ok: false, error: { code: 'bad-request', message: `no demo person ${key}` } });
  switch (command.type) {
    case 'rehearsal.people':
      return { ...deps.ok(), rehearsal: view };
    case 'rehearsal.present': {
      const presented = rehearsal.present(command.person, command.credential);
      if (!presented) return unknown(command.person);
      // Answered once the session took it, as a device's read is: the screen moves by its events.
      const result =
        presented.kind === 'ec-qr'
          ? await session.credential(presented.text, 'ec-qr')
          : presented.kind === 'ss-card'
            ? await session.ssCard(presented.card)
            : await session.idCard(presented.card);
      return result.ok ? { ...deps.ok(), rehearsal: view } : result;
    }
    case 'rehearsal.newBill': {
      const issued = rehearsal.newBill(command.person, command.kind);
      if (!issued) return unknown(command.person);
      return { ...deps.ok(), rehearsal: { ...view, issued } };
    }
    case 'rehearsal.reset': {
      if (session.current().step !== 'idle') return { ok: false, error: { code: 'admin-refused', message: 'finish or cancel the visit on screen first' } };
      deps.clearFaults();
      return { ...deps.ok(), rehearsal: { ...view, reissued: rehearsal.reset() } };
    }
  }
}
