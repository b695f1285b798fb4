// The suspicious-use rules on a real journal: each fires at its configured threshold and not below,
// records one alert per visit (or per window), holds only where the config says so, and the alert
// rows and the journal file carry no ID number, name or psn_no in the clear.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openJournal } from '../journal/journal';
import { formatMsgid } from '../insurance/msgid';
import { parseConfig } from '../config/config';
import type { VisitContext } from '../settlement/calls';
import { createAlertWatch } from './alerts';

const PSN = '33000000000000000101';
const ID_NO = '33010219800101123X';

function setup(alerts: Record<string, unknown> = {}) {
  const dataDir = mkdtempSync(join(tmpdir(), 'alerts-'));
  const journal = openJournal({ dataDir, institutionCode: 'H44030500001', formatMsgid });
  const watch = createAlertWatch({ journal, config: parseConfig({ alerts }).alerts });
  let n = 0;
  const visit = (o: { psnNo?: string; service?: string; state?: string; quantity?: string; negotiated?: boolean; payer?: string | null; deferred?: boolean } = {}) => {
    const id = `S${++n}`;
    const psnNo = o.psnNo ?? PSN;
    const context: VisitContext = {
      person: { psnNo, insutype: '310', insuplcAdmdvs: '330100', certType: '02', certNo: ID_NO, cardSn: '', idNo: ID_NO, name: '测试职工甲', gender: 'male', birthday: '1980-01-01', balanceFen: 0, familyPayers: [] },
      bill: { billId: `B${n}`, medType: '11', deptCode: 'A', deptName: '内科', drCode: 'D', drName: '医生', totalFen: 100, items: [{ feedetlSn: '1', name: '谈判药', medListCodg: 'X', medinsListCodg: 'Y', unitPriceFen: 100, quantity: o.quantity ?? '1', amountFen: 100, itemClass: '02', occurredAt: '', ...(o.negotiated ? { negotiated: true } : {}) }] },
      chargeBatchNo: `C${n}`,
      usePersonalAccount: true,
      familyPayerPsnNo: o.payer ?? null,
      operator: { deptCode: 'A', deptName: '内科', drCode: 'D', drName: '医生' },
    };
    journal.openSettlement({ id, service: o.service ?? 'outpatient', state: o.state ?? 'awaiting-confirm', context, patch: { psnNo }, deferred: o.deferred });
    return id;
  };
  return { dataDir, journal, watch, visit };
}

describe('电子哨兵 rules', () => {
  it('rapid-repeat: the same person\'s third visit in the window across services is held; failed visits do not count', () => {
    const { journal, watch, visit } = setup();
    visit({ service: 'outpatient', state: 'closed' });
    visit({ state: 'failed' });
    assert.deepEqual(watch.beforeConfirm(visit({ service: 'inpatient' })), { hold: false, rules: [] });
    const third = visit({ service: 'outpatient' });
    assert.deepEqual(watch.beforeConfirm(third), { hold: true, rules: ['rapid-repeat'] });
    // Asked again (a credit refusal, a self-pay change): still held, still one alert.
    assert.equal(watch.beforeConfirm(third).hold, true);
    assert.equal(watch.alertCounts()['rapid-repeat'], 1);
    const [alert] = journal.alerts();
    assert.equal(alert?.settlementId, third);
    assert.deepEqual(alert?.detail, { visits: 3, services: 2, windowMinutes: 120, threshold: 3 });
    assert.match(alert?.subject ?? '', /^[0-9a-f]{16}$/);
    // Someone else is not counted with this person.
    assert.equal(watch.beforeConfirm(visit({ psnNo: '33000000000000000102' })).hold, false);
  });

  it('negotiated-drug: a 谈判药 line above the quantity alerts, holds by default, and not when configured not to', () => {
    const { watch, visit } = setup({ negotiatedDrug: { maxQuantity: 2 } });
    assert.equal(watch.beforeConfirm(visit({ negotiated: true, quantity: '2' })).hold, false);
    assert.equal(watch.beforeConfirm(visit({ negotiated: false, quantity: '50', psnNo: 'P2' })).hold, false);
    assert.deepEqual(watch.beforeConfirm(visit({ negotiated: true, quantity: '3', psnNo: 'P3' })), { hold: true, rules: ['negotiated-drug'] });
    const relaxed = setup({ negotiatedDrug: { maxQuantity: 2, hold: false } });
    assert.deepEqual(relaxed.watch.beforeConfirm(relaxed.visit({ negotiated: true, quantity: '3' })), { hold: false, rules: ['negotiated-drug'] });
  });

  it('family-payer: one account paying for three people in the window alerts without holding', () => {
    const { watch, visit, journal } = setup();
    const payer = '33000000000000000999';
    visit({ psnNo: 'A1', payer, state: 'closed' });
    assert.deepEqual(watch.beforeConfirm(visit({ psnNo: 'A2', payer })), { hold: false, rules: [] });
    assert.deepEqual(watch.beforeConfirm(visit({ psnNo: 'A3', payer })), { hold: false, rules: ['family-payer'] });
    assert.equal(journal.alerts()[0]?.detail['people'], 3);
  });

  it('identity-mismatch: counted per person within the window, alerting at the threshold', () => {
    const { watch } = setup({ identityMismatch: { minCount: 2 } });
    watch.identityMismatch('card', ID_NO);
    assert.equal(watch.alertCounts()['identity-mismatch'], 0);
    watch.identityMismatch('card', '440305198001010013');
    assert.equal(watch.alertCounts()['identity-mismatch'], 0, 'another person is counted apart');
    watch.identityMismatch('card', ID_NO);
    assert.equal(watch.alertCounts()['identity-mismatch'], 1);
    watch.identityMismatch('face', null);
    watch.identityMismatch('face', null);
    assert.equal(watch.alertCounts()['identity-mismatch'], 2, 'an unknown face counts terminal-wide');
  });

  it('offline-cluster: captures piling up on this terminal alert once per window', () => {
    const { watch, visit } = setup({ offlineCluster: { maxCaptures: 2 } });
    watch.offlineCaptured(visit({ deferred: true, psnNo: 'O1' }));
    assert.equal(watch.alertCounts()['offline-cluster'], 0);
    watch.offlineCaptured(visit({ deferred: true, psnNo: 'O2' }));
    watch.offlineCaptured(visit({ deferred: true, psnNo: 'O3' }));
    assert.equal(watch.alertCounts()['offline-cluster'], 1);
  });

  it('off when disabled; and no alert row or the journal file holds the person in the clear', () => {
    const off = setup({ enabled: false, negotiatedDrug: { maxQuantity: 0 } });
    assert.deepEqual(off.watch.beforeConfirm(off.visit({ negotiated: true, quantity: '5' })), { hold: false, rules: [] });
    const { watch, visit, journal, dataDir } = setup({ negotiatedDrug: { maxQuantity: 0 } });
    watch.beforeConfirm(visit({ negotiated: true, quantity: '5' }));
    watch.identityMismatch('card', ID_NO);
    const rows = JSON.stringify(journal.alerts());
    assert.doesNotMatch(rows, new RegExp(`${PSN}|${ID_NO}|测试`));
    journal.close();
    const file = readFileSync(join(dataDir, 'journal.sqlite')).toString('latin1');
    assert.ok(!file.includes(ID_NO), 'the ID number is nowhere in the file');
    assert.throws(() => setup().journal.recordAlert({ rule: 'x', subject: null, settlementId: null, hold: false, detail: { idNo: ID_NO }, dedupe: 'd' }), /patient data/);
  });
});
