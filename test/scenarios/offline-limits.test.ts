// The offline limits beyond the per-patient one: the terminal's total at risk, and the age of the
// oldest capture not yet settled. Past either, an offline capture is refused with its own code and
// nothing is opened; the session, engine and journal are the real ones on the real simulators.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionView } from '../../terminal/api/schema';
import { createKioskSession } from '../../terminal/kiosk/kiosk-session';
import { trackReachability } from '../../terminal/app/reachability';
import { createSettlementEngine, type SettlementEngine } from '../../terminal/settlement/engine';
import { fixturesDir, startSettlementRig, type SettlementRig } from '../../terminal/testing/settlement.testkit';
import { createHisClient } from '../../terminal/his/client';
import { startHisSimulator, type HisSimulator } from '../../terminal/sim/his/server';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const EMPLOYEE = { idNo: '33010219800101123X', name: '测试职工甲' };
const RESIDENT = { idNo: '330106199203152348', name: '测试居民乙' };

describe('offline limits: per terminal and by age', () => {
  const open = nothingOpenAfterEach();
  let rig: SettlementRig;
  let his: HisSimulator;
  let clockShiftMs = 0;
  let view: SessionView;
  let session: ReturnType<typeof createKioskSession>;
  let employeeBillFen = 0;
  let engine: SettlementEngine;

  before(async () => {
    rig = await startSettlementRig();
    open.track(rig.platform);
    his = await startHisSimulator({ fixturesDir });
    const hisClient = createHisClient({ baseUrl: his.url, timeoutMs: 10_000 });
    employeeBillFen = (await hisClient.pendingBills(EMPLOYEE.idNo))[0]!.totalFen;
    const reachability = trackReachability(rig.client);
    engine = createSettlementEngine({ journal: rig.journal, platform: reachability.client });
    session = createKioskSession({
      identity: { journal: rig.journal, platform: reachability.client, ecBusinessType: '01301', ecDeviceType: 'SelfService' },
      his: hisClient,
      engine,
      usePersonalAccount: true,
      areaCode: '330100',
      journal: rig.journal,
      // Room on this terminal for the employee's bill, not for a second one on top.
      offline: { enabled: true, maxPerPatientFen: 10_000_000, maxTotalFen: employeeBillFen + 1, maxAgeHours: 24, personCacheDays: 30 },
      // Nothing drains here: the platform stays away for the whole test.
      waitForDrain: async () => true,
      now: () => new Date(Date.now() + clockShiftMs),
      onChange: (s) => (view = s),
    });
  });
  after(async () => {
    await his?.close();
    await rig?.close();
  });

  const byCard = async (card: { idNo: string; name: string }) => {
    session.begin('outpatient');
    await session.idCard(card);
    // Offline, the bill is shown first and taken only when the patient confirms it.
    if (view.offlineCapture) await session.confirmOffline(view.bill!.billId!);
    const seen = { step: view.step, error: view.error?.code ?? null };
    await session.reset();
    return seen;
  };
  const liveVisits = () => rig.journal.settlementsIn(['register-pending', 'fees-pending', 'presettle-pending', 'settle-pending']).length;

  it('knows both patients from an online visit first', async () => {
    assert.equal((await byCard(EMPLOYEE)).step, 'confirm');
    assert.equal((await byCard(RESIDENT)).step, 'confirm');
    // No replay worker is wired here: the undo of each visit walked away from (2205, 2202) is sent
    // as the worker would send it, while the platform still answers.
    for (const id of engine.visitsWithQueuedCalls()) assert.equal((await engine.pump(id)).state, 'cancelled');
    assert.deepEqual(engine.visitsWithQueuedCalls(), []);
  });

  it('refuses a capture that would take the terminal past its total', async () => {
    rig.platform.setFaults({ rules: [{ kind: 'reset-before' }] });
    assert.deepEqual(await byCard(EMPLOYEE), { step: 'pending', error: null });
    assert.deepEqual(await byCard(RESIDENT), { step: 'error', error: 'offline-limit-terminal' });
    assert.equal(liveVisits(), 1, 'only the first capture was opened');
  });

  it('refuses any capture once the oldest unsettled one is older than the age limit', async () => {
    clockShiftMs = 23 * 3_600_000;
    // Within the age, the same refusal as before (the total), not the age.
    assert.equal((await byCard(RESIDENT)).error, 'offline-limit-terminal');
    clockShiftMs = 25 * 3_600_000;
    assert.deepEqual(await byCard(RESIDENT), { step: 'error', error: 'offline-queue-too-old' });
    assert.equal(liveVisits(), 1);
  });
});
