// A patient who walks away while the visit is still being pre-settled (the kiosk showing its
// "calculating" step) leaves a registration and fee lines on the platform. They are taken back as
// soon as the visit reaches the split, not held until the unconfirmed-step timeout: the reset waits
// for the visit's pump, then cancels it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { nextStep } from '../../terminal/testing/terminal.testkit';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');

describe('a reset before the split', () => {
  const open = nothingOpenAfterEach();
  let terminal: RunningTerminal;
  before(async () => {
    terminal = await startTerminal({ config: parseConfig({ devices: [] }), dataDir: mkdtempSync(join(tmpdir(), 'reset-before-split-')), fixturesDir });
    open.track(terminal);
  });
  after(() => terminal?.close());

  it('cancels the visit once it reaches the split, taking back its registration and fee lines', async () => {
    const platform = terminal.simulators.platform!;
    // The pre-settlement answers late, so the reset surely lands while the kiosk is pre-settling.
    platform.setFaults({ rules: [{ kind: 'latency', latencyMs: 1_500, infnos: ['2206'], count: 1 }] });
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const presettling = nextStep(terminal, ['presettling']);
    const identified = terminal.api.execute({ type: 'credential.text', text: platform.mintEcQr('employee') });
    const view = await presettling;
    assert.ok(view.settlementId, 'the visit is open while it is pre-settled');
    const reset = await terminal.api.execute({ type: 'session.reset' });
    assert.ok(reset.ok);
    await identified;
    // The reset waited for the cancel: its two undo calls (fee lines 2205, registration 2202) are
    // queued (a visit left at the split would have none); nothingOpenAfterEach forwards them and
    // then checks the simulator's books hold nothing open.
    const status = await terminal.api.execute({ type: 'status.get' });
    assert.ok(status.ok);
    assert.equal(status.status.outboxPending, 2);
  });
});
