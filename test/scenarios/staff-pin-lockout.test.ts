// The staff PIN lockout outlives the process: five wrong PINs lock the staff screen, and restarting
// the kiosk (pulling the plug) does not give a passer-by five more tries.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal } from '../../terminal/app/start-terminal';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');
const open = nothingOpenAfterEach();

// One design for both roles (terminal/staff/staff-pin.ts): four wrong PINs say how many tries are
// left, the fifth is answered with the lock itself, the lock is kept in the journal and ends at its time.
test('the staff PIN lockout survives a restart and ends at its time', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'pin-lockout-'));
  const config = parseConfig({ devices: [], settlement: { replayIntervalMs: 60_000 } });
  const first = open.track(await startTerminal({ config, dataDir, fixturesDir }));
  try {
    for (let i = 0; i < 4; i++) {
      const wrong = await first.api.execute({ type: 'admin.overview', pin: '123456' });
      assert.ok(!wrong.ok && wrong.error.code === 'admin-pin', JSON.stringify(wrong));
      assert.equal((wrong as { triesLeft?: number }).triesLeft, 4 - i);
    }
    const fifth = await first.api.execute({ type: 'admin.overview', pin: '123456' });
    assert.ok(!fifth.ok && fifth.error.code === 'admin-locked', `the fifth wrong PIN locks: ${JSON.stringify(fifth)}`);
    const locked = await first.api.execute({ type: 'admin.overview', pin: '000000' });
    assert.ok(!locked.ok && locked.error.code === 'admin-locked', 'the right PIN waits out the lock');
  } finally {
    await first.close();
  }
  const restarted = open.track(await startTerminal({ config, dataDir, fixturesDir }));
  try {
    const still = await restarted.api.execute({ type: 'admin.overview', pin: '000000' });
    assert.ok(!still.ok && still.error.code === 'admin-locked', `still locked after the restart: ${JSON.stringify(still)}`);
  } finally {
    await restarted.close();
  }
  // A lockout that has run out lets the right PIN in after a restart, and the right PIN clears the count.
  const later = open.track(await startTerminal({ config, dataDir, fixturesDir, now: () => new Date(Date.now() + 6 * 60_000) }));
  try {
    const ok = await later.api.execute({ type: 'admin.overview', pin: '000000' });
    assert.ok(ok.ok, JSON.stringify(ok));
    const wrong = await later.api.execute({ type: 'admin.overview', pin: '123456' });
    assert.equal((wrong as { triesLeft?: number }).triesLeft, 4, 'a fresh count after the lock ran out');
  } finally {
    await later.close();
  }
});
