// Bedside discharge (一单式) through the API the nurse's screen uses: the ward list behind the staff
// PIN with masked names only, a chosen inpatient's bill preselected, the patient identifying, and
// the inpatient path (2401 -> 2301 -> 2402 -> 2303 -> confirm -> 2304) settling that bill.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { hashPin } from '../../terminal/staff/staff-pin';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const PIN = '246810';

describe('bedside discharge', () => {
  const open = nothingOpenAfterEach();
  let terminal: RunningTerminal;
  before(async () => {
    terminal = await startTerminal({
      config: parseConfig({ devices: [], admin: { pinScrypt: hashPin(PIN) }, settlement: { replayIntervalMs: 60_000 } }),
      dataDir: mkdtempSync(join(tmpdir(), 'bedside-')),
      fixturesDir: resolve(import.meta.dirname, '..', '..', 'fixtures'),
    });
    open.track(terminal, { pin: PIN });
  });
  after(() => terminal?.close());

  it('lists inpatients awaiting discharge only with the staff PIN, names masked', async () => {
    const refused = await terminal.api.execute({ type: 'bedside.list', pin: '000000' });
    assert.ok(!refused.ok && refused.error.code === 'admin-pin');
    const listed = await terminal.api.execute({ type: 'bedside.list', pin: PIN });
    assert.ok(listed.ok && listed.bedside);
    const aid = listed.bedside.inpatients.find((p) => p.billId === 'IP202401100004');
    assert.deepEqual(aid && { bed: aid.bed, maskedName: aid.maskedName, totalFen: aid.totalFen, wardName: aid.wardName }, {
      bed: '12',
      maskedName: '测***丁',
      totalFen: 5_200_000,
      wardName: '普外科病区',
    });
    assert.doesNotMatch(JSON.stringify(listed.bedside), /测试救助丁|330105195809204566/, 'no full name or ID number');
    const ward = await terminal.api.execute({ type: 'bedside.list', pin: PIN, ward: 'W08' });
    assert.ok(ward.ok);
    assert.deepEqual(ward.bedside?.inpatients.map((p) => p.billId), ['IP202401100006']);
  });

  it("refuses another person's code for the chosen bed, then settles the discharge bill for the right patient", async () => {
    const platform = terminal.simulators.platform!;
    assert.equal((await terminal.api.execute({ type: 'bedside.begin', pin: PIN, billId: 'NOPE' })).ok, false);
    const begun = await terminal.api.execute({ type: 'bedside.begin', pin: PIN, billId: 'IP202401100004' });
    assert.ok(begun.ok);
    assert.equal(begun.session.step, 'identify');
    assert.equal(begun.session.service, 'discharge');
    assert.equal(begun.session.directed?.origin, 'bedside');
    assert.equal(begun.session.directed?.bed, '12');

    const wrong = await terminal.api.execute({ type: 'credential.text', text: platform.mintEcQr('cross-province-inpatient') });
    assert.ok(wrong.ok && wrong.session.error?.code === 'bill-not-for-patient', 'a patient with their own discharge bill is still not this bed');
    await terminal.api.execute({ type: 'session.reset' });

    await terminal.api.execute({ type: 'bedside.begin', pin: PIN, billId: 'IP202401100004' });
    const before = platform.ledger();
    const atConfirm = await terminal.api.execute({ type: 'credential.text', text: platform.mintEcQr('medical-aid') });
    assert.ok(atConfirm.ok && atConfirm.session.step === 'confirm', JSON.stringify(atConfirm));
    assert.equal(atConfirm.session.bill?.totalFen, 5_200_000);
    const done = await terminal.api.execute({ type: 'session.confirm', settlementId: atConfirm.session.settlementId!, confirmedFen: atConfirm.session.split?.cashFen });
    assert.ok(done.ok && done.session.step === 'receipt');
    const split = done.session.receipt!.split;
    assert.equal(split.totalFen, 5_200_000);
    assert.ok(split.medicalAidFen > 0 && split.criticalIllnessFen > 0, 'the medical-aid patient gets 大病 and 医疗救助 on one bill');
    const settled = platform.ledger().settlements.slice(before.settlements.length);
    assert.equal(settled.length, 1);
    assert.equal(done.session.receipt!.platformSettlementId, settled[0]!.setlId);

    const after = await terminal.api.execute({ type: 'bedside.list', pin: PIN });
    assert.ok(after.ok);
    assert.deepEqual(after.bedside?.inpatients.map((p) => p.billId), ['IP202401100006'], 'the settled bed leaves the list');
  });
});
