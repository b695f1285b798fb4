// Whether this terminal runs on embedded simulators, asked once the connection is up: the answer
// carries the demo people. Asked on the client directly, so a terminal without simulators (the
// refusal) shows no error on the patient's screen.
import { useEffect, useState } from 'react';
import type { RehearsalView } from '../../../terminal/api/schema';
import type { TerminalClient } from '../terminal-client';

export function useRehearsalPeople(client: TerminalClient, connected: boolean): RehearsalView['people'] | null {
  const [people, setPeople] = useState<RehearsalView['people'] | null>(null);
  useEffect(() => {
    if (!connected) return;
    let live = true;
    client.execute({ type: 'rehearsal.people' }).then(
      (result) => {
        if (live) setPeople(result.ok && result.rehearsal ? result.rehearsal.people : null);
      },
      // A host that cannot answer offers no rehearsal; nothing a patient needs to see.
      () => live && setPeople(null),
    );
    return () => {
      live = false;
    };
  }, [client, connected]);
  return people;
}
