// The elderly fixture patient pays an ordinary outpatient bill, and the screen learns her age.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal } from '../../terminal/app/start-terminal';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const open = nothingOpenAfterEach();
it('an elderly patient reaches the confirm step with her age on the session', async () => {
  const terminal = await startTerminal({
    config: parseConfig({ devices: [] }),
    dataDir: mkdtempSync(join(tmpdir(), 'elderly-')),
    fixturesDir: resolve(import.meta.dirname, '..', '..', 'fixtures'),
    now: () => new Date('2026-11-23T10:00:00+08:00'),
  });
  open.track(terminal);
  try {
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const result = await terminal.api.execute({ type: 'credential.text', text: terminal.simulators.platform!.mintEcQr('elderly') });
    assert.ok(result.ok);
    assert.equal(result.session.step, 'confirm', JSON.stringify(result.session.error));
    assert.equal(result.session.patient?.age, 79);
    assert.equal(result.session.patient?.maskedName, '测***戊');
    // She walks away from the split: the visit is released, nothing left open on the platform.
    await terminal.api.execute({ type: 'session.reset' });
  } finally {
    await terminal.close();
  }
});
