// A terminal restored from an older backup does not resend what the platform already has. Two
// visits are in the backup with their settlement (2207) open: one in flight, one queued and sent
// only after the backup was taken. Both settle on the platform; the journal is then lost and the
// backup restored. At the next start each open 2207 is resolved by a 5203 query, neither is sent
// again, and each visit ends with exactly one settlement on the platform.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createSettlementEngine } from '../../terminal/settlement/engine';
import { platformSideOf, startSettlementRig } from '../../terminal/testing/settlement.testkit';
import type { PlatformClient } from '../../terminal/insurance/client';
import type { HisBill } from '../../terminal/his/client';
import { restoreJournal, listBackups } from '../../terminal/journal/backup';
import { JournalRefused } from '../../terminal/journal/journal';
import { lockDataFolder } from '../../terminal/journal/data-lock';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';
import { stampCleanClose, walkStampFile } from '../../terminal/journal/walk-stamp';
import { journalFiles } from '../../terminal/journal/storage';

const open = nothingOpenAfterEach();

test('after a restore from backup, open settlements are queried, not resent', async () => {
  const rig = await startSettlementRig();
  open.track(rig.platform);
  try {
    const sent: string[] = [];
    const counting: PlatformClient = {
      call: (call) => {
        sent.push(call.infno);
        return rig.client.call(call);
      },
      decodeEcQr: (req) => rig.client.decodeEcQr(req),
    };
    let engine = createSettlementEngine({ journal: rig.journal, platform: counting, random: () => 0 });
    const person = await rig.person('employee');
    const [bill] = await rig.hisBills(person.idNo);
    assert.ok(bill);
    const billOf = (n: number): HisBill => ({ ...bill, billId: `${bill.billId}-R${n}`, items: bill.items.map((i) => ({ ...i, feedetlSn: `${bill.billId}-R${n}-${i.feedetlSn}` })) });
    const toConfirm = async (n: number) => {
      const id = engine.open({ service: 'outpatient', person, bill: billOf(n), usePersonalAccount: true });
      assert.equal((await engine.pump(id)).state, 'awaiting-confirm');
      const input = rig.journal.callsOf(id).at(-1)!.input;
      rig.journal.transition({ settlementId: id, from: ['awaiting-confirm'], to: 'settle-pending', call: { step: 'settle', infno: '2207', input, insuplcAdmdvs: person.insuplcAdmdvs } });
      return id;
    };
    // A: its 2207 in flight when the backup is taken. B: its 2207 queued, not yet sent.
    const inFlight = await toConfirm(1);
    const queued = await toConfirm(2);
    const row = rig.journal.callsOf(inFlight).at(-1)!;
    rig.journal.markInFlight(row.id);
    const backups = mkdtempSync(join(tmpdir(), 'journal-backups-'));
    // Generations: the oldest beyond `keep` go.
    await rig.journal.backup(backups, 2);
    await new Promise((r) => setTimeout(r, 5));
    await rig.journal.backup(backups, 2);
    await new Promise((r) => setTimeout(r, 5));
    const backup = await rig.journal.backup(backups, 2);
    assert.equal(listBackups(backups).length, 2);
    assert.equal(listBackups(backups)[0], backup.file);

    // After the backup: A's answer is lost (the crash), B is sent; both settle on the platform.
    assert.equal((await counting.call({ infno: '2207', msgid: row.msgid, input: row.input, insuplcAdmdvs: row.insuplcAdmdvs ?? undefined })).kind, 'ok');
    engine = createSettlementEngine({ journal: rig.reopenJournal(), platform: counting, random: () => 0 });
    engine.recoverInFlight();
    assert.equal((await engine.pump(inFlight)).state, 'settled');
    assert.equal((await engine.pump(queued)).state, 'settled');
    const registrations = (id: string, journal = rig.journal) => journal.callsOf(id).filter((c) => c.infno === '2201').map((c) => c.msgid);
    const regA = registrations(inFlight);
    const regB = registrations(queued);
    assert.equal(platformSideOf(rig.platform.ledger(), regA).settled.length, 1);
    assert.equal(platformSideOf(rig.platform.ledger(), regB).settled.length, 1);
    rig.journal.close();
    // As a terminal's clean close leaves it: a restore must not let the restored file skip its walk.
    stampCleanClose(journalFiles(rig.dataDir), new Date().toISOString(), new Date().toISOString());

    // The journal is lost; the documented restore: the files set aside, the backup in place, the mark reset.
    const restored = restoreJournal({ dataDir: rig.dataDir, from: backups });
    assert.equal(restored.restored, backup.file);
    assert.equal(restored.reopenedCalls, 2, 'A in flight, and B queued: both may have reached the platform');
    assert.ok(restored.setAside.some((f) => /journal\.sqlite\.set-aside-/.test(f)), restored.setAside.join(', '));
    assert.ok(restored.setAside.every((f) => existsSync(f)), 'set aside, not deleted');
    assert.ok(!existsSync(walkStampFile(journalFiles(rig.dataDir))), 'no clean close on record: the restored journal is walked before payments');
    const hwm = JSON.parse(readFileSync(join(rig.dataDir, 'journal.hwm'), 'utf8')) as { settlementEvents: number };
    assert.equal(hwm.settlementEvents, restored.sequence.settlementEvents);

    sent.length = 0;
    const journal = rig.reopenJournal();
    assert.equal(journal.settlement(inFlight)?.state, 'settle-pending', 'the backup is older than what happened');
    engine = createSettlementEngine({ journal, platform: counting, random: () => 0 });
    assert.equal(engine.recoverInFlight(), 2);
    assert.equal((await engine.pump(inFlight)).state, 'settled');
    assert.equal((await engine.pump(queued)).state, 'settled');
    assert.deepEqual(sent, ['5203', '5203'], 'each open 2207 was queried, none resent');
    for (const id of [inFlight, queued]) {
      assert.deepEqual(journal.callsOf(id).slice(-2).map((c) => `${c.infno}:${c.status}`), ['2207:done', '5203:done']);
    }
    const side = (reg: string[]) => platformSideOf(rig.platform.ledger(), reg);
    assert.equal(side(regA).settlements.length, 1, 'A: one settlement, not reversed and redone');
    assert.equal(side(regB).settlements.length, 1, 'B: one settlement, not reversed and redone');
    assert.ok(readdirSync(rig.dataDir).some((f) => f.includes('set-aside')));
  } finally {
    await rig.close();
  }
});

test('a restore is refused while a terminal holds the data folder, and a rolled-back journal is refused at open', async () => {
  const rig = await startSettlementRig();
  open.track(rig.platform);
  try {
    const backups = mkdtempSync(join(tmpdir(), 'journal-backups-'));
    rig.journal.openSettlement({ id: 's1', service: 'outpatient', state: 'presettled', context: { a: 1 } });
    await rig.journal.backup(backups, 3);
    rig.journal.transition({ settlementId: 's1', from: ['presettled'], to: 'closed' });
    rig.journal.close();
    // An older copy put in place by hand (not through the restore command) is seen as gone back in time.
    for (const f of readdirSync(rig.dataDir).filter((f) => f.startsWith('journal.sqlite'))) rmSync(join(rig.dataDir, f));
    copyFileSync(listBackups(backups)[0]!, join(rig.dataDir, 'journal.sqlite'));
    assert.throws(() => rig.reopenJournal(), (err: unknown) => err instanceof JournalRefused && err.kind === 'rolled-back');
    const lock = lockDataFolder(rig.dataDir);
    assert.throws(() => restoreJournal({ dataDir: rig.dataDir, from: backups }), /in use by another process/);
    lock.release();
    restoreJournal({ dataDir: rig.dataDir, from: backups });
    assert.equal(rig.reopenJournal().settlement('s1')?.state, 'presettled');
  } finally {
    await rig.close();
  }
});
