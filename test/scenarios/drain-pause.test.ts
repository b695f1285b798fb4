// An offline capture waits only for a drain that is actually running. While the platform is away
// nothing drains, so the second, third... capture must not stall the patient; while a reconnect is
// draining, a capture waits its turn, and is refused with its own code if the drain runs too long.
// The kiosk session, engine, replay worker and reachability are wired as start-terminal wires them,
// on the real simulators and a real journal; the ID card is handed to the session directly.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionView } from '../../terminal/api/schema';
import { createKioskSession, type KioskSession } from '../../terminal/kiosk/kiosk-session';
import { trackReachability } from '../../terminal/app/reachability';
import { createSettlementEngine, type SettlementEngine } from '../../terminal/settlement/engine';
import { createReplayWorker, type ReplayWorker } from '../../terminal/settlement/replay-worker';
import { callThroughOutbox } from '../../terminal/outbox/outbox-send';
import { fixturesDir, startSettlementRig, type SettlementRig } from '../../terminal/testing/settlement.testkit';
import { createHisClient } from '../../terminal/his/client';
import { startHisSimulator, type HisSimulator } from '../../terminal/sim/his/server';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const CARDS = {
  employee: { idNo: '33010219800101123X', name: '测试职工甲' },
  resident: { idNo: '330106199203152348', name: '测试居民乙' },
  crossRegion: { idNo: '510107197507083450', name: '测试异地丙' },
};

describe('offline captures and the drain', () => {
  const open = nothingOpenAfterEach();
  let rig: SettlementRig;
  let his: HisSimulator;
  let engine: SettlementEngine;
  let worker: ReplayWorker;
  let session: KioskSession;
  let drainWaitMs = 30_000;
  let view: SessionView;

  before(async () => {
    rig = await startSettlementRig();
    open.track(rig.platform);
    his = await startHisSimulator({ fixturesDir });
    const reachability = trackReachability(rig.client);
    engine = createSettlementEngine({ journal: rig.journal, platform: reachability.client, random: () => 0 });
    worker = createReplayWorker({
      engine,
      online: reachability.online,
      probe: async () => (await callThroughOutbox(rig.journal, reachability.client, { step: 'probe', infno: '9001', input: { signIn: { opter_no: 'T', mac: '', ip: '' } } })).kind !== 'unknown',
      intervalMs: 600_000,
    });
    const offline = { enabled: true, maxPerPatientFen: 1_000_000, maxTotalFen: 10_000_000, maxAgeHours: 24, personCacheDays: 30 };
    session = createKioskSession({
      identity: { journal: rig.journal, platform: reachability.client, ecBusinessType: '01301', ecDeviceType: 'SelfService' },
      his: createHisClient({ baseUrl: his.url, timeoutMs: 10_000 }),
      engine,
      usePersonalAccount: true,
      areaCode: '330100',
      journal: rig.journal,
      offline: {
        ...offline,
        get drainWaitMs() {
          return drainWaitMs;
        },
      },
      waitForDrain: (ms) => worker.waitForRunningDrain(ms),
      onChange: (s) => (view = s),
    });
  });
  after(async () => {
    await worker?.stop();
    await his?.close();
    await rig?.close();
  });

  const captureByCard = async (card: { idNo: string; name: string }) => {
    session.begin('outpatient');
    const started = Date.now();
    await session.idCard(card);
    // Offline, the bill is shown first and taken (after any running drain) when the patient confirms it.
    if (view.offlineCapture) await session.confirmOffline(view.bill!.billId!);
    const result = { step: view.step, error: view.error?.code ?? null, ms: Date.now() - started };
    await session.reset();
    return result;
  };

  it('verifies the patients online first, so the terminal knows them', async () => {
    for (const card of Object.values(CARDS)) {
      const seen = await captureByCard(card);
      assert.equal(seen.step, 'confirm', JSON.stringify(seen));
    }
    // Walking away at confirm queued each visit's undo (2205, 2202): sent now, so the queue is empty.
    await worker.forceNow();
    assert.deepEqual(engine.visitsWithQueuedCalls(), []);
  });

  it('takes one capture after another at once while the platform is away', async () => {
    rig.platform.setFaults({ rules: [{ kind: 'reset-before' }] });
    const first = await captureByCard(CARDS.employee);
    assert.equal(first.step, 'pending', JSON.stringify(first));
    // The first capture is queued and nothing can drain it: the second must not wait 30 s for it.
    const second = await captureByCard(CARDS.resident);
    assert.equal(second.step, 'pending', JSON.stringify(second));
    assert.ok(second.ms < 3_000, `the second capture took ${second.ms} ms`);
    assert.equal(engine.visitsWithQueuedCalls().length, 2);
  });

  it('refuses a capture when a running drain does not end in time, and takes it once the drain is done', async () => {
    // The platform is back for settlements, slowly, but person queries still fail: the patient is
    // identified from the cache (offline) while the worker drains the two queued visits.
    rig.platform.setFaults({ rules: [{ kind: 'reset-before', infnos: ['1101'] }, { kind: 'latency', latencyMs: 150 }] });
    const draining = worker.forceNow();
    // The worker probes (9001) first, since the platform was last seen away, then drains.
    // Up to 30 s: the 150 ms latency keeps the drain running, so a slow start here only delays the check.
    const drainStartLimit = Date.now() + 30_000;
    while (!worker.state().draining && Date.now() < drainStartLimit) await new Promise((r) => setTimeout(r, 20));
    assert.equal(worker.state().draining, true, 'the drain is running');
    drainWaitMs = 100;
    const refused = await captureByCard(CARDS.crossRegion);
    assert.equal(refused.step, 'error');
    assert.equal(refused.error, 'offline-queue-draining');
    assert.deepEqual(rig.journal.settlementsByBill('OP202401150003').map((v) => v.state), ['cancelled'], 'nothing opened for it beyond the visit cancelled at the first check');

    drainWaitMs = 30_000;
    const waited = await captureByCard(CARDS.crossRegion);
    await draining;
    assert.equal(waited.step, 'pending', JSON.stringify(waited));
    assert.equal(rig.journal.settlementsIn(['settled']).length, 2, 'the drain finished before the capture was taken');
    rig.platform.setFaults({ rules: [] });
    await worker.forceNow();
    const settled = rig.platform.ledger().settlements.filter((s) => s.status === 'settled');
    assert.equal(settled.length, 3);
    assert.equal(new Set(settled.map((s) => s.psnNo)).size, 3, 'each patient once');
  });
});
