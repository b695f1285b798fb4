// Bounded growth: with retention on, simulated days of settlements keep the journal's files about
// the same size, and what leaves the database is in the archive, one file a day, still sealed.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openJournal } from './journal';
import { formatMsgid } from '../insurance/msgid';

const ID_NUMBER = '110101199003074518';
const DAY = 86_400_000;

it('keeps the file size flat over simulated days with retention on, and archives what it removes', () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'journal-retention-'));
  let clock = Date.parse('2026-01-01T08:00:00Z');
  const journal = openJournal({ dataDir, institutionCode: 'H44030500001', formatMsgid, now: () => new Date(clock) });
  const size = () => ['journal.sqlite', 'journal.sqlite-wal'].reduce((n, f) => n + (existsSync(join(dataDir, f)) ? statSync(join(dataDir, f)).size : 0), 0);
  const retentionDays = 4;
  const perDay = 8;
  const sizes: number[] = [];
  // A raw reply of a few kB per visit, like the platform's: most of what a journal holds.
  const reply = { certno: ID_NUMBER, detail: randomBytes(3000).toString('base64') };
  for (let day = 0; day < 20; day++) {
    for (let v = 0; v < perDay; v++) {
      const id = `d${day}v${v}`;
      journal.openSettlement({ id, service: 'outpatient', state: 'presettled', context: { certno: ID_NUMBER, reply }, call: { step: 'q', infno: '1101', input: reply } });
      journal.transition({ settlementId: id, from: ['presettled'], to: 'settle-pending', call: { step: 'settle', infno: '2207', input: reply } });
      for (const call of journal.callsOf(id)) journal.recordOutcome({ outboxId: call.id, status: 'done', rawResponse: JSON.stringify(reply) });
      journal.transition({ settlementId: id, from: ['settle-pending'], to: 'settled' });
      // One visit a day stays open (a settlement still owed to the platform): never archived.
      if (!(day === 0 && v === 0)) journal.transition({ settlementId: id, from: ['settled'], to: 'closed' });
    }
    clock += DAY;
    journal.archiveFinished(new Date(clock - retentionDays * DAY).toISOString());
    sizes.push(size());
  }
  const steady = sizes[retentionDays + 3]!;
  const last = sizes.at(-1)!;
  assert.ok(last <= steady * 1.15, `size flat after the first ${retentionDays} days: ${sizes.map((s) => Math.round(s / 1024)).join(' ')} kB`);
  assert.equal(journal.settlement('d0v0')?.state, 'settled', 'a visit with work left is kept');
  assert.equal(journal.settlement('d0v1'), null, 'a finished old visit is gone from the database');
  assert.equal(journal.settlement('d19v1')?.state, 'closed', 'a recent one is kept');
  const files = readdirSync(join(dataDir, 'archive')).sort();
  assert.equal(files[0], 'journal-2026-01-01.jsonl');
  assert.equal(files.length, 20 - retentionDays);
  const lines = readFileSync(join(dataDir, 'archive', files[0]!), 'utf8').trim().split('\n');
  assert.equal(lines.length, perDay - 1);
  const first = JSON.parse(lines[0]!) as { settlement: { id: string; sealed_context: { sealed: string } }; events: unknown[]; calls: Array<{ sealed_response: { sealed: string } | null }> };
  assert.equal(first.settlement.id, 'd0v1');
  assert.equal(first.events.length, 4);
  assert.equal(first.calls.length, 2);
  // Each call's reply (kept in outbox_replies since migration 11) leaves with it, in the call's line.
  assert.ok(first.calls.every((c) => typeof c.sealed_response?.sealed === 'string'), 'replies archived with their calls');
  assert.equal(readFileSync(join(dataDir, 'archive', files[0]!)).includes(Buffer.from(ID_NUMBER)), false, 'sealed fields stay sealed');
  journal.close();
  const db = new Database(join(dataDir, 'journal.sqlite'), { readonly: true });
  const orphans = db.prepare('SELECT count(*) AS n FROM outbox_replies WHERE outbox_id NOT IN (SELECT id FROM outbox)').get() as { n: number };
  db.close();
  assert.equal(orphans.n, 0, 'an archived call takes its reply out of the database too');
  // The high-water mark is about sequence numbers, which a purge does not lower: the journal reopens.
  openJournal({ dataDir, institutionCode: 'H44030500001', formatMsgid, now: () => new Date(clock) }).close();
});
