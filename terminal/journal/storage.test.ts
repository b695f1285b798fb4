// The journal under storage faults: a missing or wrong key, a damaged page, a truncated or lost WAL.
// Each is refused at open with a message that says what to do, and the refused open writes nothing;
// a damaged page, when the page walk runs after the start (a large journal, page-check.ts), is
// reported by that walk instead, with the same restore command.
import { describe, it, beforeEach } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { copyFileSync, existsSync, mkdtempSync, openSync, closeSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { openJournal, JournalRefused, type Journal } from './journal';
import { checkPagesAfterStart } from './page-check';
import { journalFiles } from './storage';
import { formatMsgid } from '../insurance/msgid';

const ID_NUMBER = '110101199003074518';

/** Every file in the folder and a hash of its bytes (SQLite's shared-memory index aside: it holds no data). */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of readdirSync(dir).sort()) {
    if (f.endsWith('-shm')) continue;
    out[f] = createHash('sha256').update(readFileSync(join(dir, f))).digest('hex');
  }
  return out;
}

/** One outpatient visit from open to closed, with its calls and patient data sealed in it. */
function visit(journal: Journal, id: string): void {
  journal.openSettlement({ id, service: 'outpatient', state: 'presettled', context: { certno: ID_NUMBER, name: '测试' }, call: { step: 'q', infno: '1101', input: { certno: ID_NUMBER } } });
  journal.transition({ settlementId: id, from: ['presettled'], to: 'settle-pending', call: { step: 'settle', infno: '2207', input: { certno: ID_NUMBER } } });
  journal.transition({ settlementId: id, from: ['settle-pending'], to: 'settled' });
  journal.transition({ settlementId: id, from: ['settled'], to: 'closed' });
}

function refusal(kind: string, ...mentions: string[]) {
  return (err: unknown) => {
    assert.ok(err instanceof JournalRefused, `a JournalRefused, got ${String(err)}`);
    assert.equal(err.kind, kind, err.message);
    for (const m of mentions) assert.ok(err.message.includes(m), `the message names ${m}: ${err.message}`);
    return true;
  };
}

describe('journal storage checks', () => {
  let dataDir: string;
  beforeEach(() => {
    dataDir = mkdtempSync(join(tmpdir(), 'journal-storage-'));
  });
  const open = (dir = dataDir) => openJournal({ dataDir: dir, institutionCode: 'H44030500001', formatMsgid });

  it('makes a key for a new journal only, and shows its fingerprint', () => {
    const journal = open();
    visit(journal, 's1');
    const fingerprint = journal.keyFingerprint();
    assert.match(fingerprint, /^[0-9a-f]{16}$/);
    const key = Buffer.from(readFileSync(join(dataDir, 'journal.key'), 'utf8').trim(), 'base64');
    assert.equal(createHash('sha256').update(key).digest('hex').slice(0, 16), fingerprint);
    assert.equal((statSync(join(dataDir, 'journal.key')).mode & 0o777).toString(8), '600');
    journal.close();
    const again = open();
    assert.equal(again.keyFingerprint(), fingerprint);
    assert.equal(again.settlement('s1')?.state, 'closed');
    again.close();
  });

  it('refuses a journal with sealed rows whose key file is missing, and writes nothing (no new key)', () => {
    const journal = open();
    visit(journal, 's1');
    const fingerprint = journal.keyFingerprint();
    journal.close();
    rmSync(join(dataDir, 'journal.key'));
    const before = snapshot(dataDir);
    assert.throws(() => open(), refusal('key-missing', join(dataDir, 'journal.key'), fingerprint, 'Restore'));
    assert.equal(existsSync(join(dataDir, 'journal.key')), false, 'no new key was written');
    assert.deepEqual(snapshot(dataDir), before, 'nothing was written');
  });

  it('refuses a wrong key, and writes nothing', () => {
    const journal = open();
    visit(journal, 's1');
    journal.close();
    writeFileSync(join(dataDir, 'journal.key'), randomBytes(32).toString('base64') + '\n');
    const before = snapshot(dataDir);
    assert.throws(() => open(), refusal('key-wrong', join(dataDir, 'journal.key')));
    assert.deepEqual(snapshot(dataDir), before, 'nothing was written');
  });

  it('refuses a wrong key for a journal written before the key check, by a sealed row', () => {
    const journal = open();
    visit(journal, 's1');
    journal.close();
    const raw = new Database(join(dataDir, 'journal.sqlite'));
    raw.prepare(`DELETE FROM meta WHERE key IN ('key_check','key_fingerprint')`).run();
    raw.close();
    const key = readFileSync(join(dataDir, 'journal.key'));
    writeFileSync(join(dataDir, 'journal.key'), randomBytes(32).toString('base64') + '\n');
    assert.throws(() => open(), refusal('key-wrong'));
    writeFileSync(join(dataDir, 'journal.key'), key);
    const again = open();
    assert.deepEqual(again.settlementContext('s1'), { certno: ID_NUMBER, name: '测试' });
    again.close();
  });

  it('refuses a database with a damaged page at start (the walk at open), and offers the restore command', () => {
    journalWithDamagedPage();
    assert.throws(() => open(), refusal('damaged', 'journal:restore', dataDir));
  });

  /**
   * A journal of 40 visits with one page overwritten by random bytes: a page of the visits' event
   * trail, which the checks at open do not read (they read the schema, meta, one sealed row and the
   * sequence), so only a walk of every page can find it.
   */
  function journalWithDamagedPage(): void {
    const journal = open();
    for (let i = 0; i < 40; i++) visit(journal, `s${i}`);
    journal.close();
    const file = join(dataDir, 'journal.sqlite');
    const raw = new Database(file, { readonly: true });
    const page = raw.prepare<[], { pageno: number }>(`SELECT pageno FROM dbstat WHERE name = 'settlement_events' ORDER BY pageno DESC LIMIT 1`).get()?.pageno;
    const pageSize = raw.pragma('page_size', { simple: true }) as number;
    raw.close();
    assert.ok(page && page > 2, `a page of the event trail past the schema (${page})`);
    const fd = openSync(file, 'r+');
    writeSync(fd, randomBytes(pageSize), 0, pageSize, (page - 1) * pageSize);
    closeSync(fd);
  }

  it('with the page walk after the start, opens a journal with a damaged page and the walk reports it with the restore command', async () => {
    journalWithDamagedPage();
    openJournal({ dataDir, institutionCode: 'H44030500001', formatMsgid, checkPages: false }).close();
    const check = await checkPagesAfterStart(journalFiles(dataDir)).result;
    assert.equal(check.ok, false, 'the walk finds the damaged page');
    assert.ok(!check.ok && check.problems.length > 0);
    assert.ok(!check.ok && check.message.includes('journal:restore') && check.message.includes(dataDir), !check.ok ? check.message : '');
  });

  it('the page walk after the start passes a sound journal, from a worker thread', async () => {
    const journal = open();
    for (let i = 0; i < 5; i++) visit(journal, `s${i}`);
    // Walked while the journal is open and writing, as at a start.
    const running = checkPagesAfterStart(journalFiles(dataDir));
    visit(journal, 'during');
    const check = await running.result;
    journal.close();
    assert.deepEqual({ ok: check.ok, where: check.ok ? check.where : null }, { ok: true, where: 'worker' });
  });

  it('without the page walk, still refuses a file SQLite cannot read at all, and writes nothing', () => {
    const journal = open();
    visit(journal, 's1');
    journal.close();
    const fd = openSync(join(dataDir, 'journal.sqlite'), 'r+');
    writeSync(fd, randomBytes(100), 0, 100, 0);
    closeSync(fd);
    const before = snapshot(dataDir);
    assert.throws(() => openJournal({ dataDir, institutionCode: 'H44030500001', formatMsgid, checkPages: false }), refusal('damaged', 'journal:restore', dataDir));
    assert.deepEqual(snapshot(dataDir), before, 'nothing was written');
  });

  /** A running journal's files copied mid-run (the WAL at `cut`), then its later mark: a WAL that lost its tail. */
  async function journalWithWalCut(): Promise<{ wal: Buffer; full: string }> {
    const journal = open();
    for (let i = 0; i < 5; i++) visit(journal, `early${i}`);
    journal.openSettlement({ id: 'late', service: 'outpatient', state: 'presettled', context: { certno: ID_NUMBER } });
    const wal = readFileSync(join(dataDir, 'journal.sqlite-wal'));
    // The visit closes after the cut: a WAL cut there brings it back open.
    journal.transition({ settlementId: 'late', from: ['presettled'], to: 'settle-pending', call: { step: 'settle', infno: '2207', input: {} } });
    journal.transition({ settlementId: 'late', from: ['settle-pending'], to: 'closed' });
    for (let i = 0; i < 3; i++) visit(journal, `after${i}`);
    // The mark is written off the event loop; a platform call waits for it the same way.
    await journal.highWaterSynced();
    // The files as a power cut leaves them: the database (never checkpointed yet), key and mark.
    const full = mkdtempSync(join(tmpdir(), 'journal-crashed-'));
    for (const f of ['journal.sqlite', 'journal.key', 'journal.hwm']) copyFileSync(join(dataDir, f), join(full, f));
    journal.close();
    return { wal, full };
  }

  it('refuses a truncated WAL that would bring a closed visit back open', async () => {
    const { wal, full } = await journalWithWalCut();
    writeFileSync(join(full, 'journal.sqlite-wal'), wal);
    // What the truncated files hold: the late visit open again.
    const copy = mkdtempSync(join(tmpdir(), 'journal-peek-'));
    for (const f of readdirSync(full)) copyFileSync(join(full, f), join(copy, f));
    const peek = new Database(join(copy, 'journal.sqlite'), { readonly: true });
    assert.equal((peek.prepare(`SELECT state FROM settlements WHERE id = 'late'`).get() as { state: string }).state, 'presettled');
    peek.close();
    const before = snapshot(full);
    assert.throws(() => open(full), refusal('rolled-back', 'went back in time', 'journal:restore'));
    assert.deepEqual(snapshot(full), before, 'the damaged files are left as found');
  });

  it('refuses a lost WAL rather than start empty over a folder that held a journal', async () => {
    const { full } = await journalWithWalCut();
    assert.throws(() => open(full), refusal('lost', 'will not start empty', 'journal:restore'));
  });

  it('refuses a missing database in a folder that held one', () => {
    const journal = open();
    visit(journal, 's1');
    journal.close();
    for (const f of readdirSync(dataDir).filter((f) => f.startsWith('journal.sqlite'))) rmSync(join(dataDir, f));
    assert.throws(() => open(), refusal('lost'));
    assert.equal(existsSync(join(dataDir, 'journal.sqlite')), false);
  });

  it('opens a journal from before the mark and the key check, and starts keeping them', () => {
    const journal = open();
    visit(journal, 's1');
    journal.close();
    rmSync(join(dataDir, 'journal.hwm'));
    const again = open();
    again.close();
    assert.ok(existsSync(join(dataDir, 'journal.hwm')));
    const mark = JSON.parse(readFileSync(join(dataDir, 'journal.hwm'), 'utf8')) as { settlementEvents: number; outbox: number };
    assert.equal(mark.settlementEvents, 4);
    assert.equal(mark.outbox, 2);
  });

  it('runs the full integrity check on request', () => {
    const journal = open();
    visit(journal, 's1');
    assert.deepEqual(journal.integrityCheck(), { ok: true, problems: [] });
    journal.close();
  });
});
