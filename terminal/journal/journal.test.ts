import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openJournal, StaleTransitionError } from './journal';
import { migrations } from './migrations';
import { createKeyFile, createSealer, readKeyFile } from './sealed';
import { journalFiles, readHighWater } from './storage';
import { auditEvent } from '../face/decision';
import { parseFaceConfig } from '../face/face-config';

import { formatMsgid } from '../insurance/msgid';
const ID_NUMBER = '110101199003074518';

describe('settlement journal', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'journal-'));
  });
  const open = () => openJournal({ dataDir, institutionCode: 'H44030500001', formatMsgid });

  it('migrates a new file with durable settings', () => {
    const journal = open();
    journal.close();
    const db = new Database(join(dataDir, 'journal.sqlite'));
    assert.equal(db.pragma('user_version', { simple: true }), migrations.length);
    assert.equal(db.pragma('journal_mode', { simple: true }), 'wal');
    db.close();
  });

  it('answers the reads made on every settlement from an index, not by walking every visit (a year is 200,000)', () => {
    open().close();
    const db = new Database(join(dataDir, 'journal.sqlite'), { readonly: true });
    try {
      const plan = (sql: string) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all() as Array<{ detail: string }>).map((r) => r.detail).join(' | ');
      const reads = {
        'answer check: setl_id held by another visit': `SELECT id FROM settlements WHERE setl_id = 'X'`,
        'repeat-visit rule: visits since': `SELECT id, psn_no, service, state, deferred, created_at FROM settlements WHERE created_at >= '2026' ORDER BY created_at`,
        '查询: one person newest first': `SELECT id FROM settlements WHERE psn_no = 'P' ORDER BY created_at DESC`,
        // The overview's totals and the staff refund list: settled events in a window, from the partial index of migration 11.
        "overview: visits settled in a window": `SELECT s.id, e.at FROM settlements s JOIN settlement_events e ON e.settlement_id = s.id AND e.to_state = 'settled'
          WHERE s.state IN ('settled', 'closed') AND e.at >= '2026' AND e.at < '2027' ORDER BY e.at`,
        'staff: settled since, newest first': `SELECT s.id, e.at FROM settlements s JOIN settlement_events e ON e.settlement_id = s.id AND e.to_state = 'settled'
          WHERE s.state IN ('settled', 'refunded') AND e.at >= '2026' ORDER BY e.at DESC LIMIT 50`,
      };
      for (const [what, sql] of Object.entries(reads)) {
        const detail = plan(sql);
        assert.doesNotMatch(detail, /SCAN (settlements|s|settlement_events|e)(?! USING)/, `${what}: ${detail}`);
        assert.doesNotMatch(detail, /TEMP B-TREE/, `${what}: ${detail}`);
      }
    } finally {
      db.close();
    }
  });

  it('keeps face audit events across a restart, and refuses one that carries patient data', () => {
    const measured = { faceCount: 1, faceSize: 190, secondFaceSize: null, brightness: 120, sharpness: 300, yaw: 0.1, rollDegrees: 2, liveness: null, similarity: 0.97 };
    const event = auditEvent(measured, { outcome: 'verified', reasons: [] }, parseFaceConfig(), 21.5, { challengePassed: true }, new Date('2026-11-29T08:00:00Z'));
    const journal = open();
    journal.recordFaceAudit(event);
    const withIdNumber = { ...event, note: ID_NUMBER };
    const withPixels = { ...event, image: 'AAAA' };
    assert.throws(() => journal.recordFaceAudit(withIdNumber), /patient data/);
    assert.throws(() => journal.recordFaceAudit(withPixels), /patient data/);
    journal.close();
    const again = open();
    const [row, ...rest] = again.faceAudits();
    assert.equal(rest.length, 0);
    assert.equal(row!.outcome, 'verified');
    assert.equal(row!.event.similarity, 0.97);
    assert.equal(row!.event.challengePassed, true);
    again.close();
  });

  it('keeps an enrolled face sealed under the ID number\'s HMAC, and forgets it on request', () => {
    const journal = open();
    const embedding = Float32Array.from({ length: 128 }, (_, i) => Math.sin(i) / 8);
    journal.enrolFace(ID_NUMBER, embedding);
    journal.close();
    const raw = new Database(join(dataDir, 'journal.sqlite'));
    const row = raw.prepare('SELECT key, sealed FROM face_enrolments').get() as { key: string; sealed: Buffer };
    raw.close();
    assert.ok(!row.key.includes(ID_NUMBER) && !row.sealed.toString('latin1').includes('0.12'), 'neither the ID number nor the numbers in the clear');
    const again = open();
    assert.deepEqual(Array.from(again.enrolledFace(ID_NUMBER)!.embedding), Array.from(embedding));
    assert.equal(again.enrolledFace('110101199003074526'), null);
    assert.equal(again.forgetFace(ID_NUMBER), true);
    assert.equal(again.enrolledFace(ID_NUMBER), null);
    again.close();
  });

  it('refuses a database from a newer terminal', () => {
    open().close();
    const db = new Database(join(dataDir, 'journal.sqlite'));
    db.pragma('user_version = 99');
    db.close();
    assert.throws(() => open(), /newer than this terminal knows/);
  });

  it('writes the state change and its call together, with the msgid fixed there', () => {
    const journal = open();
    const opened = journal.openSettlement({
      id: 's1',
      service: 'outpatient',
      state: 'fees-pending',
      context: { certno: ID_NUMBER },
      call: { step: 'fee-upload', infno: '2204', input: { feedetail: [{ certno: ID_NUMBER }] } },
    });
    assert.match(opened.msgid ?? '', /^H44030500001\d{14}0000$/);
    const row = journal.outboxRow(opened.outboxId ?? -1);
    assert.equal(row?.status, 'pending');
    assert.equal(row?.msgid, opened.msgid);
    assert.deepEqual(row?.input, { feedetail: [{ certno: ID_NUMBER }] });
    assert.deepEqual(journal.settlementContext('s1'), { certno: ID_NUMBER });
    journal.close();
  });

  it("keeps a platform error's name, ID number and phone out of last_error and the event notes", () => {
    const journal = open();
    const person = { name: '王小明', idNo: '110105194912310021', certno: ID_NUMBER };
    const opened = journal.openSettlement({ id: 's1', service: 'outpatient', state: 'settle-pending', context: { person }, call: { step: 'settle', infno: '2207', input: { data: { psn_no: 'P1' } } } });
    const text = `参保人王小明(${person.idNo})结算失败，请联系13912345678`;
    journal.recordOutcome({
      outboxId: opened.outboxId!,
      status: 'rejected',
      error: text,
      then: { settlementId: 's1', from: ['settle-pending'], to: 'failed', note: `refused: ${text}` },
    });
    const stored = [journal.lastCallError('s1') ?? journal.outboxRow(opened.outboxId!)?.lastError ?? '', ...journal.events('s1').map((e) => e.note ?? '')].join(' | ');
    assert.doesNotMatch(stored, /王小明|110105194912310021|13912345678/);
    assert.match(stored, /参保人\[name\]\(\[ID\]\)结算失败，请联系\[phone\]/);
    journal.close();
    for (const file of readdirSync(dataDir).filter((f) => f.startsWith('journal.sqlite'))) {
      assert.equal(readFileSync(join(dataDir, file)).includes(Buffer.from('王小明')), false, `${file} holds the name in the clear`);
    }
  });

  it('keeps ID numbers out of the database file in the clear', () => {
    const journal = open();
    journal.openSettlement({ id: 's1', service: 'outpatient', state: 'x', context: { certno: ID_NUMBER }, call: { step: 'q', infno: '1101', input: { certno: ID_NUMBER } } });
    journal.close();
    for (const file of readdirSync(dataDir).filter((f) => f.startsWith('journal.sqlite'))) {
      assert.equal(readFileSync(join(dataDir, file)).includes(Buffer.from(ID_NUMBER)), false, `${file} holds the ID number in the clear`);
    }
  });

  it('refuses a stale transition and writes nothing of it', () => {
    const journal = open();
    journal.openSettlement({ id: 's1', service: 'outpatient', state: 'presettled', context: {} });
    journal.transition({ settlementId: 's1', from: ['presettled'], to: 'settle-pending', call: { step: 'settle', infno: '2207', input: {} } });
    assert.throws(
      () => journal.transition({ settlementId: 's1', from: ['presettled'], to: 'settle-pending', call: { step: 'settle', infno: '2207', input: {} } }),
      StaleTransitionError,
    );
    assert.equal(journal.openOutboxCount(), 1, 'the second confirm must not queue a second settlement');
    assert.deepEqual(journal.events('s1').map((e) => e.to_state), ['presettled', 'settle-pending']);
    journal.close();
  });

  it('never reuses a msgid across restarts', () => {
    const seen = new Set<string>();
    for (let restart = 0; restart < 3; restart++) {
      const journal = open();
      for (let i = 0; i < 5; i++) {
        const { msgid } = journal.enqueueCall({ step: 'probe', infno: '9001', input: {} });
        assert.equal(seen.has(msgid), false);
        seen.add(msgid);
      }
      journal.close();
    }
    assert.equal(seen.size, 15);
  });

  it('keeps two terminals of one hospital apart by their slot, and never wraps within a second', () => {
    const at = new Date('2026-11-23T04:00:00Z');
    const kioskA = openJournal({ dataDir, institutionCode: 'H44030500001', formatMsgid, msgidSlot: '01', now: () => at });
    const other = mkdtempSync(join(tmpdir(), 'journal-b-'));
    const kioskB = openJournal({ dataDir: other, institutionCode: 'H44030500001', formatMsgid, msgidSlot: '02', now: () => at });
    const seen = new Set<string>();
    for (let i = 0; i < 250; i++) {
      for (const j of [kioskA, kioskB]) {
        const { msgid } = j.enqueueCall({ step: 'probe', infno: '9001', input: {} });
        assert.equal(seen.has(msgid), false, `msgid ${msgid} repeated`);
        seen.add(msgid);
      }
    }
    assert.equal(seen.size, 500);
    const last = [...seen].at(-1)!;
    assert.equal(last.slice(-4, -2), '02', 'the slot leads the sequence');
    assert.notEqual(last.slice(12, 26), [...seen][0]!.slice(12, 26), '250 in one second borrowed the following seconds');
    kioskA.close();
    kioskB.close();
  });

  it('has the high-water mark on disk cover every event and call written, through each kind of write, before a send may go', async () => {
    const journal = open();
    const files = journalFiles(dataDir);
    const covered = async (events: number, calls: number, what: string) => {
      await journal.highWaterSynced();
      assert.deepEqual(readHighWater(files), { settlementEvents: events, outbox: calls }, what);
    };
    const { outboxId } = journal.openSettlement({ id: 's1', service: 'outpatient', state: 'register-pending', context: { n: 1 }, call: { step: 'register', infno: '2201', input: {} } });
    await covered(1, 1, 'open: its event and call');
    // Reads in between (the context, the call) leave the mark where it is.
    journal.settlementContext('s1');
    journal.nextOpenCall('s1');
    await covered(1, 1, 'reads');
    const answered = await journal.recordOutcomeGrouped({ outboxId: outboxId!, status: 'done', rawResponse: '{}', then: { settlementId: 's1', from: ['register-pending'], to: 'fees-pending', call: { step: 'fees', infno: '2204', input: {} } }, armNext: () => true });
    assert.equal(typeof answered.armed, 'number');
    await covered(2, 2, 'a grouped answer that queues the next call');
    journal.transition({ settlementId: 's1', from: ['fees-pending'], to: 'needs-staff', note: 'check' });
    await covered(3, 2, 'a transition with no call');
    journal.enqueueCall({ step: 'probe', infno: '9001', input: {} }, { inFlight: true });
    await covered(3, 3, "a call of no visit");
    assert.throws(() => journal.transition({ settlementId: 's1', from: ['wrong'], to: 'closed', call: { step: 'x', infno: '1', input: {} } }), StaleTransitionError);
    await covered(3, 3, 'a refused write moves nothing');
    journal.close();
  });

  it('records an outcome and the transition it causes atomically', () => {
    const journal = open();
    const { outboxId } = journal.openSettlement({ id: 's1', service: 'outpatient', state: 'settle-pending', context: {}, call: { step: 'settle', infno: '2207', input: {} } });
    journal.markInFlight(outboxId!);
    assert.equal(journal.outboxRow(outboxId!)?.status, 'in-flight');
    assert.throws(() =>
      journal.recordOutcome({ outboxId: outboxId!, status: 'done', rawResponse: '{"infcode":0}', then: { settlementId: 's1', from: ['wrong'], to: 'settled' } }),
    );
    assert.equal(journal.outboxRow(outboxId!)?.status, 'in-flight', 'outcome rolled back with the failed transition');
    journal.recordOutcome({ outboxId: outboxId!, status: 'done', rawResponse: '{"infcode":0}', then: { settlementId: 's1', from: ['settle-pending'], to: 'settled', patch: { setlId: 'S1' } } });
    assert.equal(journal.settlement('s1')?.setlId, 'S1');
    assert.equal(journal.rawResponse(outboxId!), '{"infcode":0}');
    assert.equal(journal.openOutboxCount(), 0);
    journal.close();
  });

  it("writes a visit's row at the size it grows to, and drops the room once the visit's ids and split are in", () => {
    const journal = open();
    journal.openSettlement({ id: 's1', service: 'outpatient', state: 'register-pending', context: { a: 1 }, patch: { psnNo: 'P1', billId: 'B1', totalFen: 20000 }, deferred: true });
    const db = new Database(join(dataDir, 'journal.sqlite'), { readonly: true });
    const size = () => db.prepare(`SELECT length(room) AS room, coalesce(length(mdtrt_id), 0) + coalesce(length(split_json), 0) + coalesce(length(setl_id), 0) AS grown FROM settlements WHERE id = 's1'`).get() as { room: number | null; grown: number };
    const atOpen = size();
    assert.ok(atOpen.room! > 200, `room at open: ${atOpen.room}`);
    journal.transition({ settlementId: 's1', from: ['register-pending'], to: 'fees-pending', patch: { mdtrtId: 'M'.repeat(28) } });
    const split = JSON.stringify({ totalFen: 20000, fundFen: 12640, cashFen: 7360, detail: 'x'.repeat(150) });
    journal.transition({ settlementId: 's1', from: ['fees-pending'], to: 'awaiting-confirm', patch: { splitJson: split } });
    const midway = size();
    assert.equal(midway.room! + midway.grown, atOpen.room! + atOpen.grown, 'what the row gained, the room gave up');
    journal.transition({ settlementId: 's1', from: ['awaiting-confirm'], to: 'settled', patch: { splitJson: split, setlId: 'S'.repeat(29) } });
    assert.equal(size().room, null);
    assert.deepEqual(
      (({ psnNo, billId, totalFen, mdtrtId, splitJson, setlId, slipNo }) => ({ psnNo, billId, totalFen, mdtrtId, splitJson, setlId, slipNo }))(journal.settlement('s1')!),
      { psnNo: 'P1', billId: 'B1', totalFen: 20000, mdtrtId: 'M'.repeat(28), splitJson: split, setlId: 'S'.repeat(29), slipNo: 'P000001' },
    );
    db.close();
    journal.close();
  });

  it("keeps a reply beside its call, and reads one an older terminal left in the call's own row", () => {
    const journal = open();
    const { outboxId } = journal.openSettlement({ id: 's1', service: 'outpatient', state: 'settle-pending', context: {}, call: { step: 'settle', infno: '2207', input: { data: { psn_no: 'P1' } } } });
    const older = journal.enqueueCall({ step: 'query', infno: '1101', input: { data: {} } });
    journal.markInFlight(outboxId!);
    journal.recordOutcome({ outboxId: outboxId!, status: 'unknown', rawResponse: '{"infcode":-1}' });
    journal.recordOutcome({ outboxId: outboxId!, status: 'done', rawResponse: '{"infcode":0}' });
    journal.close();
    const db = new Database(join(dataDir, 'journal.sqlite'));
    const row = db.prepare('SELECT length(sealed_response) AS inRow, (SELECT count(*) FROM outbox_replies WHERE outbox_id = ?) AS beside FROM outbox WHERE id = ?').get(outboxId, outboxId) as { inRow: number | null; beside: number };
    assert.deepEqual(row, { inRow: null, beside: 1 }, 'the latest reply only, in outbox_replies');
    // A reply as a terminal before migration 11 wrote it: sealed in the call's row.
    db.prepare('UPDATE outbox SET sealed_response = ? WHERE id = ?').run(createSealer(readKeyFile(join(dataDir, 'journal.key'))!).seal('{"infcode":7}'), older.outboxId);
    db.close();
    const again = open();
    assert.equal(again.rawResponse(outboxId!), '{"infcode":0}');
    assert.equal(again.rawResponse(older.outboxId), '{"infcode":7}');
    // A call of no visit, forgotten once answered (the platform watch's probes), takes its reply along.
    const probe = again.enqueueCall({ step: 'probe', infno: '9001', input: {} });
    again.recordOutcome({ outboxId: probe.outboxId, status: 'done', rawResponse: '{"infcode":0}' });
    assert.equal(again.forgetFinishedCall(probe.outboxId), true);
    again.close();
    const check = new Database(join(dataDir, 'journal.sqlite'), { readonly: true });
    assert.equal((check.prepare('SELECT count(*) AS n FROM outbox_replies WHERE outbox_id = ?').get(probe.outboxId) as { n: number }).n, 0);
    check.close();
  });

  it('opens a journal a terminal before migration 11 wrote, its replies and settled visits as they were', () => {
    const sealer = createSealer(createKeyFile(join(dataDir, 'journal.key')));
    const db = new Database(join(dataDir, 'journal.sqlite'));
    for (const m of migrations.slice(0, 10)) db.exec(m);
    db.pragma('user_version = 10');
    const at = '2026-11-30T08:00:00.000Z';
    db.prepare(`INSERT INTO settlements (id, service, state, sealed_context, created_at, updated_at) VALUES ('v1', 'outpatient', 'closed', ?, ?, ?)`).run(sealer.seal('{}'), at, at);
    db.prepare(`INSERT INTO settlement_events (settlement_id, at, from_state, to_state) VALUES ('v1', ?, 'settle-pending', 'settled')`).run(at);
    db.prepare(`INSERT INTO outbox (settlement_id, step, infno, msgid, sealed_input, status, sealed_response, created_at, updated_at) VALUES ('v1', 'settle', '2207', 'M1', ?, 'done', ?, ?, ?)`).run(
      sealer.seal('{}'), sealer.seal('{"infcode":0,"output":{}}'), at, at,
    );
    db.close();
    const journal = open();
    const [call] = journal.callsOf('v1');
    assert.equal(journal.rawResponse(call!.id), '{"infcode":0,"output":{}}');
    assert.deepEqual(journal.settledBetween('2026-11-30', '2026-12-01').map((v) => [v.id, v.settledAt]), [['v1', at]]);
    journal.close();
  });
});

describe('offline captures in the journal', () => {
  it('keeps a person findable by ID number without the number in the clear, and sums what offline captures risk', () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'journal-offline-'));
    const journal = openJournal({ dataDir, institutionCode: 'H44030500001', formatMsgid });
    journal.cachePerson(ID_NUMBER, { psnNo: 'P1', name: '测试' });
    assert.deepEqual(journal.cachedPerson(ID_NUMBER)?.person, { psnNo: 'P1', name: '测试' });
    assert.equal(journal.cachedPerson('110101199003074526'), null);
    const open = (id: string, psnNo: string, totalFen: number, deferred: boolean) =>
      journal.openSettlement({ id, service: 'outpatient', state: 'register-pending', context: {}, patch: { psnNo, totalFen }, deferred });
    open('a', 'P1', 10_000, true);
    open('b', 'P1', 5_000, true);
    open('c', 'P2', 7_000, true);
    open('d', 'P1', 99_999, false);
    assert.deepEqual(
      { ...journal.offlineExposure('P1', ['register-pending']), oldestAt: null },
      { patientFen: 15_000, terminalFen: 22_000, oldestAt: null },
    );
    assert.deepEqual([journal.settlement('a')?.slipNo, journal.settlement('b')?.slipNo, journal.settlement('d')?.slipNo], ['P000001', 'P000002', null]);
    journal.close();
    for (const file of readdirSync(dataDir).filter((f) => f.startsWith('journal.sqlite'))) {
      assert.equal(readFileSync(join(dataDir, file)).includes(Buffer.from(ID_NUMBER)), false);
    }
  });
});
