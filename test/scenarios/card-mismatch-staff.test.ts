// A card that reads as someone else (issue 11, item 6) is refused before any bill; the patient may
// lay it down once more, and the second mismatch in one visit goes to staff instead of letting the
// retries go on until a worn card happens to give someone's bill. The retry goes through the attract
// screen (the error screen's only way out is reset), so the count outlives the pass. Real journal,
// real platform simulator, real alert rules; the HIS and the engine are never reached by a refused card.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openJournal, type Journal } from '../../terminal/journal/journal';
import { formatMsgid } from '../../terminal/insurance/msgid';
import { simEnvelopeContext } from '../../terminal/sim/platform/context';
import { startSimAndClient } from '../../terminal/testing/platform.testkit';
import { createKioskSession } from '../../terminal/kiosk/kiosk-session';
import { createAlertWatch } from '../../terminal/staff/alerts';
import { parseConfig } from '../../terminal/config/config';
import type { PlatformSimulator } from '../../terminal/sim/platform/server';
import type { PlatformClient } from '../../terminal/insurance/client';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const CARD = { idNo: '440305198001010013', name: '测试甲' };
const WORN = { idNo: CARD.idNo, name: '测试乙' };

describe('card/person mismatches in one visit', () => {
  const open = nothingOpenAfterEach();
  let sim: PlatformSimulator;
  let client: PlatformClient;
  let journal: Journal;
  before(async () => {
    ({ sim, client } = await startSimAndClient());
    open.track(sim);
    journal = openJournal({ dataDir: mkdtempSync(join(tmpdir(), 'mismatch-staff-')), institutionCode: simEnvelopeContext.fixmedins_code, formatMsgid });
  });
  after(async () => {
    journal.close();
    await sim.close();
  });

  function kiosk() {
    let clock = Date.parse('2025-03-03T02:00:00Z');
    const now = () => new Date(clock);
    const alerts = createAlertWatch({ journal, config: parseConfig({}).alerts, now });
    const session = createKioskSession({
      identity: { journal, platform: client, ecBusinessType: '01301', ecDeviceType: 'SelfService', now },
      // A card read true reaches the HIS, which has nothing for this test to pay.
      his: { pendingBills: async () => [] } as never,
      engine: { journalHealth: () => ({ state: 'ok', error: null, since: null }) } as never,
      usePersonalAccount: true,
      areaCode: '330100',
      journal,
      offline: { enabled: false, maxPerPatientFen: 0, maxTotalFen: 0, maxAgeHours: 0, personCacheDays: 1 },
      waitForDrain: async () => true,
      onChange: () => undefined,
      alerts,
      now,
    });
    /** The patient lays the card down on a fresh identify screen (after the error screen's reset). */
    const read = async (card: { idNo: string; name: string }) => {
      await session.reset();
      session.begin('outpatient');
      await session.idCard(card);
      return session.current();
    };
    return { session, alerts, read, wait: (ms: number) => (clock += ms) };
  }

  it('the first mismatch asks for another read; the second sends the patient to staff, with an alert row each', async () => {
    const { read, alerts } = kiosk();
    const before = alerts.recent(50).filter((a) => a.rule === 'identity-mismatch').length;
    const first = await read(WORN);
    assert.equal(first.step, 'error');
    assert.equal(first.error?.code, 'card-mismatch');
    const second = await read(WORN);
    assert.equal(second.error?.code, 'card-mismatch-staff');
    assert.match(second.error?.message ?? '', /人工窗口/);
    assert.match(second.error?.message ?? '', /没有被扣费/);
    assert.equal(second.bill, null, 'no bill was shown');
    // A third try is still for staff, not a fresh start.
    assert.equal((await read(WORN)).error?.code, 'card-mismatch-staff');
    const rows = alerts.recent(50).filter((a) => a.rule === 'identity-mismatch');
    assert.ok(rows.length > before, 'staff have the mismatches on their screen');
    assert.doesNotMatch(JSON.stringify(rows), /440305198001010013|测试/, 'no ID number or name in the alert rows');
  });

  it('counts per visit: a card read true, or a quiet kiosk, starts the count again', async () => {
    const { read, wait } = kiosk();
    assert.equal((await read(WORN)).error?.code, 'card-mismatch');
    const good = await read(CARD);
    assert.equal(good.error?.code, 'no-bill', 'identified: the visit went on to the bill');
    assert.equal((await read(WORN)).error?.code, 'card-mismatch', 'a new count after a true read');
    wait(11 * 60_000);
    assert.equal((await read(WORN)).error?.code, 'card-mismatch', 'a new count for the next patient after a quiet spell');
  });
});
