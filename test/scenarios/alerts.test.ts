// 电子哨兵 on the running terminal: the employee's bill carries a 谈判药 line (quantity 3) and this
// terminal's threshold is 2, so the visit is held before the confirm: the patient is sent to staff,
// nothing settles on the simulator, the visit is released, and the staff screen's overview lists the
// alert (no name, ID number or psn_no) and counts it.
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

describe('suspicious-use alerts on the running terminal', () => {
  const open = nothingOpenAfterEach();
  let terminal: RunningTerminal;
  before(async () => {
    terminal = await startTerminal({
      config: parseConfig({ devices: [], alerts: { negotiatedDrug: { maxQuantity: 2 } } }),
      dataDir: mkdtempSync(join(tmpdir(), 'alerts-scenario-')),
      fixturesDir,
    });
    open.track(terminal);
  });
  after(() => terminal.close());

  it('holds a visit with too many 谈判药 before the confirm, and shows the alert to staff', async () => {
    const sim = terminal.simulators.platform!;
    const shown = nextStep(terminal, ['error', 'confirm']);
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    await terminal.api.execute({ type: 'credential.text', text: sim.mintEcQr('employee') });
    const held = await shown;
    assert.equal(held.step, 'error');
    assert.equal(held.error?.code, 'alert-hold');
    assert.equal(sim.ledger().settlements.length, 0, 'nothing settled');

    const overview = await terminal.api.execute({ type: 'admin.overview', pin: '000000' });
    assert.ok(overview.ok && overview.admin?.alerts);
    const [alert] = overview.admin.alerts.recent;
    assert.equal(alert?.rule, 'negotiated-drug');
    assert.equal(alert?.hold, true);
    assert.equal(alert?.settlementId, held.settlementId);
    assert.deepEqual(alert?.detail, { lines: 1, quantity: 3, threshold: 2 });
    assert.doesNotMatch(JSON.stringify(overview.admin.alerts), /33010219800101123X|33000000000000000101|测试/);
    assert.equal(terminal.alertCounts()['negotiated-drug'], 1);
    // The held visit is released, not left open at the split.
    const deadline = Date.now() + 15_000;
    let state = '';
    while (Date.now() < deadline) {
      const again = await terminal.api.execute({ type: 'admin.overview', pin: '000000' });
      state = (again.ok && again.admin?.queue.find((q) => q.settlementId === held.settlementId)?.state) || 'gone';
      if (state === 'gone' || state === 'cancelled') break;
      await new Promise((r) => setTimeout(r, 200));
    }
    assert.ok(state === 'gone' || state === 'cancelled', state);
  });
});
