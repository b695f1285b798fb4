// The race that turned 8 orders into 19 payments on another vendor's terminals: visits queued during
// an outage start replaying the moment the platform is back, and a new patient pays at that same
// moment. Every visit must be settled exactly once.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal } from '../../terminal/app/start-terminal';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const open = nothingOpenAfterEach();
it('a payment taken while the queue starts draining, and every queued visit, settle exactly once', async () => {
  const terminal = await startTerminal({
    config: parseConfig({ devices: [], settlement: { replayIntervalMs: 50 } }),
    dataDir: mkdtempSync(join(tmpdir(), 'drain-race-')),
    fixturesDir: resolve(import.meta.dirname, '..', '..', 'fixtures'),
  });
  open.track(terminal);
  const platform = terminal.simulators.platform!;
  const pay = async (person: string, platformDownAtConfirm: boolean) => {
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const atConfirm = await terminal.api.execute({ type: 'credential.text', text: platform.mintEcQr(person) });
    assert.ok(atConfirm.ok && atConfirm.session.step === 'confirm', `${person}: ${JSON.stringify(atConfirm)}`);
    // The settlement side goes down as the patient confirms (reads and registration still answer).
    if (platformDownAtConfirm) platform.setFaults({ rules: [{ kind: 'reset-before', infnos: ['2207', '5203', '2601', '9001'] }] });
    const done = await terminal.api.execute({ type: 'session.confirm', settlementId: atConfirm.session.settlementId! });
    await terminal.api.execute({ type: 'session.reset' });
    return done;
  };
  try {
    for (const person of ['employee', 'resident']) {
      const queued = await pay(person, true);
      assert.ok(queued.ok && queued.session.step === 'pending', JSON.stringify(queued));
    }
    const before = await terminal.api.execute({ type: 'status.get' });
    assert.ok(before.ok && before.status.outboxPending === 2, 'two visits wait in the queue');
    assert.equal(platform.ledger().settlements.filter((s) => s.status === 'settled').length, 0);
    // The platform is back, slowly: the worker starts draining and a new patient pays meanwhile.
    platform.setFaults({ rules: [{ kind: 'latency', latencyMs: 30 }] });
    const [fresh] = await Promise.all([pay('cross-region', false), terminal.api.execute({ type: 'status.get' })]);
    assert.ok(fresh.ok && fresh.session.step === 'receipt', JSON.stringify(fresh.ok ? fresh.session : fresh));

    const deadline = Date.now() + 20_000;
    for (;;) {
      const status = await terminal.api.execute({ type: 'status.get' });
      if (status.ok && status.status.outboxPending === 0) break;
      if (Date.now() > deadline) throw new Error('the queue did not drain');
      await new Promise((r) => setTimeout(r, 100));
    }
    const settled = platform.ledger().settlements.filter((s) => s.status === 'settled');
    const perPerson = new Map<string, number>();
    for (const s of settled) perPerson.set(s.psnNo, (perPerson.get(s.psnNo) ?? 0) + 1);
    assert.equal(perPerson.size, 3, 'three patients paid');
    assert.deepEqual([...perPerson.values()], [1, 1, 1], 'each exactly once');
  } finally {
    await terminal.close();
  }
});
