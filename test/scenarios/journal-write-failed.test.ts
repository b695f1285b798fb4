// Issue 11, item 7 at the screen: a journal write that fails after a send (a disk that filled between
// the 2207 and the write of its answer) stops the kiosk taking payments, and the kiosk says so in the
// words it acts on: a new payment is refused with them, the status bar and the staff screen show the
// failure (ui/src/StatusBar.tsx, AdminScreen.tsx), and once a write works again payments are taken.
// Real journal, engine, kiosk session, platform and HIS simulators; the full disk is the one fake,
// thrown where SQLite throws it (recordOutcome) with SQLite's code.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { SessionView } from '../../terminal/api/schema';
import { createKioskSession } from '../../terminal/kiosk/kiosk-session';
import { createSettlementEngine, JournalWriteFailedError, type JournalHealth, type SettlementEngine } from '../../terminal/settlement/engine';
import { fixturesDir, startSettlementRig, type SettlementRig } from '../../terminal/testing/settlement.testkit';
import { createHisClient } from '../../terminal/his/client';
import { startHisSimulator, type HisSimulator } from '../../terminal/sim/his/server';
import { userError } from '../../terminal/common/user-errors';
import { translate } from '../../ui/src/i18n';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const EMPLOYEE = { idNo: '33010219800101123X', name: '测试职工甲' };

describe('a journal that cannot write stops the kiosk taking payments, and says so', () => {
  const open = nothingOpenAfterEach();
  let rig: SettlementRig;
  let his: HisSimulator;
  let engine: SettlementEngine;
  let view: SessionView;
  let session: ReturnType<typeof createKioskSession>;
  const healths: JournalHealth[] = [];

  before(async () => {
    rig = await startSettlementRig();
    open.track(rig.platform);
    his = await startHisSimulator({ fixturesDir });
    const hisClient = createHisClient({ baseUrl: his.url, timeoutMs: 10_000 });
    engine = createSettlementEngine({ journal: rig.journal, platform: rig.client, random: () => 0, onJournalHealth: (h) => healths.push(h) });
    session = createKioskSession({
      identity: { journal: rig.journal, platform: rig.client, ecBusinessType: '01301', ecDeviceType: 'SelfService' },
      his: hisClient,
      engine,
      usePersonalAccount: true,
      areaCode: '330100',
      journal: rig.journal,
      offline: { enabled: false, maxPerPatientFen: 0, maxTotalFen: 0, maxAgeHours: 24, personCacheDays: 30 },
      waitForDrain: async () => true,
      onChange: (s) => (view = s),
    });
  });
  after(async () => {
    await his?.close();
    await rig?.close();
  });

  it('refuses a new payment while the journal cannot write, and takes one again once it can', async () => {
    // A patient reaches the split; the disk fills as the 2207's answer is written.
    session.begin('outpatient');
    await session.idCard(EMPLOYEE);
    assert.equal(view.step, 'confirm', JSON.stringify(view.error));
    const original = rig.journal.recordOutcome;
    rig.journal.recordOutcome = ((outcome: Parameters<typeof original>[0]) => {
      if (rig.journal.outboxRow(outcome.outboxId)?.infno === '2207') throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
      return original(outcome);
    }) as typeof original;
    try {
      await assert.rejects(engine.confirm(view.settlementId!), JournalWriteFailedError);
    } finally {
      rig.journal.recordOutcome = original;
    }
    assert.equal(healths.at(-1)?.state, 'journal-write-failed', 'the status bar is told');
    assert.match(healths.at(-1)?.error ?? '', /SQLITE_FULL/);
    await session.reset();

    // The next patient is refused before anything is read or opened, in the words the status bar shows.
    const refused = session.begin('outpatient');
    assert.equal(refused.ok, false);
    assert.ok(!refused.ok && refused.error.code === 'journal-write-failed');
    assert.equal(view.step, 'idle', 'nothing started');
    const said = userError('journal-write-failed').message;
    for (const words of ['暂停缴费', '人工窗口']) {
      assert.ok(said.includes(words), `the refusal says ${words}`);
      assert.ok(translate('zh', 'journalStopped').includes(words), `the status bar says ${words}`);
    }
    assert.match(translate('zh', 'adminJournalFailed'), /暂停新的缴费/, 'the staff screen says the same');

    // Writes work again: the probe clears it (the call left in flight is resolved by query: journal-write.test.ts).
    assert.equal(engine.probeJournal(), true);
    assert.equal(healths.at(-1)?.state, 'ok');
    assert.equal(session.begin('outpatient').ok, true);
    await session.reset();
  });
});
