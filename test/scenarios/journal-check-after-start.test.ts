// A large journal's page walk runs after the start (journal/page-check.ts): the terminal starts at
// once, and until the walk passes it takes no payment and sends nothing. Here every journal is walked
// after the start (pageWalkAtOpenMaxBytes: 0), on a real SQLite file and the embedded simulators:
// a sound journal opens to payments once the walk passes; a journal with a damaged page starts, takes
// no payment, leaves the call a previous run had in flight untouched (not recovered, not sent), and
// tells staff what was found and the restore command, in the status, the staff overview and the log.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { closeSync, mkdtempSync, openSync, readFileSync, writeSync } from 'node:fs';
import { journalFiles } from '../../terminal/journal/storage';
import { readWalkStamp, stampCleanClose, WALK_AGAIN_AFTER_MS } from '../../terminal/journal/walk-stamp';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { openJournal } from '../../terminal/journal/journal';
import { formatMsgid } from '../../terminal/insurance/msgid';
import { userError } from '../../terminal/common/user-errors';
import { nextStep } from '../../terminal/testing/terminal.testkit';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');
const PIN = '000000';
const institutionCode = parseConfig({}).terminal.institutionCode;

/**
 * A data folder whose journal holds closed visits and, with `stranded`, one call a previous run left
 * in flight (its visit's context a stub: the test shows it is never read, so never recovered or sent).
 */
function journalFolder(stranded: boolean): { dataDir: string; inFlight: number | null } {
  const dataDir = mkdtempSync(join(tmpdir(), 'journal-check-'));
  const journal = openJournal({ dataDir, institutionCode, formatMsgid });
  for (let i = 0; i < 20; i++) {
    journal.openSettlement({ id: `old${i}`, service: 'outpatient', state: 'presettled', context: { i } });
    journal.transition({ settlementId: `old${i}`, from: ['presettled'], to: 'closed' });
  }
  let inFlight: number | null = null;
  if (stranded) {
    inFlight = journal.openSettlement({ id: 'stranded', service: 'outpatient', state: 'register-pending', context: { i: 'stranded' }, call: { step: 'register', infno: '2201', input: {} } }).outboxId;
    journal.markInFlight(inFlight!);
  }
  journal.close();
  return { dataDir, inFlight };
}

/**
 * Overwrites the root page of the face-audit index (0xff: no page type SQLite knows): nothing at start or in the staff
 * overview reads it, so only the walk of every page can find it (as with damage deep in a year's file).
 */
function damageAPage(dataDir: string): void {
  const file = join(dataDir, 'journal.sqlite');
  const raw = new Database(file, { readonly: true });
  const page = raw.prepare<[], { pageno: number }>(`SELECT pageno FROM dbstat WHERE name = 'face_audits_at'`).get()?.pageno;
  const pageSize = raw.pragma('page_size', { simple: true }) as number;
  raw.close();
  assert.ok(page && page > 1, `the index has a page of its own (${page})`);
  const fd = openSync(file, 'r+');
  writeSync(fd, Buffer.alloc(pageSize, 0xff), 0, pageSize, (page - 1) * pageSize);
  closeSync(fd);
}

function outboxStatus(dataDir: string, id: number): string {
  const raw = new Database(join(dataDir, 'journal.sqlite'), { readonly: true });
  try {
    return (raw.prepare<[number], { status: string }>('SELECT status FROM outbox WHERE id = ?').get(id) as { status: string }).status;
  } finally {
    raw.close();
  }
}

describe('the journal walked after the start', () => {
  const open = nothingOpenAfterEach();
  const stops: Array<() => Promise<void>> = [];
  after(async () => {
    for (const stop of stops.reverse()) await stop();
  });
  const start = async (dataDir: string, now?: () => Date): Promise<RunningTerminal> => {
    const terminal = await startTerminal({ config: parseConfig({ devices: [] }), dataDir, fixturesDir, pageWalkAtOpenMaxBytes: 0, now });
    stops.push(() => terminal.close());
    return terminal;
  };
  const journalState = async (terminal: RunningTerminal) => {
    const status = await terminal.api.execute({ type: 'status.get' });
    assert.ok(status.ok);
    return status.status.journal?.state;
  };
  const stamp = (dataDir: string) => readWalkStamp(journalFiles(dataDir), (why) => assert.fail(why));

  it('a sound journal opens to payments once its walk passes', async () => {
    const { dataDir } = journalFolder(false);
    const terminal = await start(dataDir);
    open.track(terminal);
    assert.equal(await terminal.journalChecked, 'ok');
    const status = await terminal.api.execute({ type: 'status.get' });
    assert.ok(status.ok);
    assert.equal(status.status.journal?.state, 'ok');
    const confirm = nextStep(terminal, ['error', 'confirm']);
    assert.equal((await terminal.api.execute({ type: 'session.begin', service: 'outpatient' })).ok, true);
    await terminal.api.execute({ type: 'credential.text', text: terminal.simulators.platform!.mintEcQr('employee') });
    assert.equal((await confirm).step, 'confirm', 'a payment goes as far as the confirm step');
    await terminal.api.execute({ type: 'session.reset' });
    const log = readFileSync(join(dataDir, 'logs', 'terminal.log'), 'utf8');
    assert.match(log, /journal pages checked after the start; payments open/);
  });

  it('a journal with a damaged page starts, takes no payment, sends nothing, and tells staff with the restore command', async () => {
    const { dataDir, inFlight } = journalFolder(true);
    damageAPage(dataDir);
    const terminal = await start(dataDir);
    assert.equal(await terminal.journalChecked, 'journal-damaged');

    const status = await terminal.api.execute({ type: 'status.get' });
    assert.ok(status.ok);
    assert.equal(status.status.journal?.state, 'journal-damaged');
    assert.ok(status.status.journal?.error?.includes('journal:restore') && status.status.journal.error.includes(dataDir), status.status.journal?.error ?? 'no error text');

    const begun = await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    assert.deepEqual(begun.ok ? null : begun.error, userError('journal-damaged'));
    const forwarded = await terminal.api.execute({ type: 'admin.forward', pin: PIN });
    assert.ok(!forwarded.ok && forwarded.error.code === 'admin-refused', 'staff cannot send the queue from a damaged journal');

    const overview = await terminal.api.execute({ type: 'admin.overview', pin: PIN });
    assert.ok(overview.ok && overview.admin?.config, JSON.stringify(overview));
    assert.match(overview.admin.config.items.find((i) => i.key === 'journal check')?.value ?? '', /^quick check DAMAGED: /);
    assert.equal(overview.status.journal?.state, 'journal-damaged');

    assert.equal(outboxStatus(dataDir, inFlight!), 'in-flight', 'the call left in flight is not recovered from a damaged journal');
    assert.equal(terminal.simulators.platform!.ledger().signIns.length, 0, 'no probe either');
    const log = readFileSync(join(dataDir, 'logs', 'terminal.log'), 'utf8').split('\n').filter((l) => l.includes('journal damaged'));
    assert.equal(log.length, 1, 'logged once');
    const entry = JSON.parse(log[0]!) as { level: string; problems?: string[]; hint?: string };
    assert.equal(entry.level, 'error');
    assert.ok((entry.problems?.length ?? 0) > 0 && entry.hint?.includes('journal:restore'), log[0]);
  });

  it('closed cleanly since its walk passed, it opens to payments at once; open or crashed, the next start walks first', async () => {
    const { dataDir } = journalFolder(false);
    const first = await start(dataDir);
    assert.equal(await first.journalChecked, 'ok');
    assert.ok(stamp(dataDir)?.walkedAt, 'the pass is recorded');
    assert.equal(stamp(dataDir)?.closedClean, null, 'while the terminal runs there is no clean close: a kill -9 now leaves none');
    await first.close();
    assert.ok(stamp(dataDir)?.closedClean, 'the close is stamped');

    const second = await start(dataDir);
    assert.equal(await journalState(second), 'ok', 'payments open at once, no walk waited on');
    assert.equal(await second.journalWalked, 'not walked', 'a walk under a day old is not run again');
    assert.equal(stamp(dataDir)?.closedClean, null, 'the start cleared the clean close before its first write');
    await second.close();

    // Anything else writing the file since (a tool, a restore, a crash's leftovers) changes it under the stamp.
    const raw = new Database(join(dataDir, 'journal.sqlite'));
    raw.prepare(`INSERT INTO meta (key, value) VALUES ('touched', 'by hand')`).run();
    raw.close();
    const third = await start(dataDir);
    assert.equal(await third.journalWalked, 'ok');
    assert.equal(await third.journalChecked, 'ok');
    await third.close();
    const held = readFileSync(join(dataDir, 'logs', 'terminal.log'), 'utf8').match(/journal pages checked after the start; payments open/g) ?? [];
    assert.equal(held.length, 2, 'the first start and the one after the file changed held payments for the walk; the clean restart did not');
  });

  it('a day after its last walk, a cleanly closed journal is walked in the background; damage found there stops payments', async () => {
    const { dataDir } = journalFolder(false);
    const first = await start(dataDir);
    assert.equal(await first.journalChecked, 'ok');
    await first.close();
    const walkedAt = stamp(dataDir)!.walkedAt;
    const dayLater = () => new Date(Date.parse(walkedAt!) + WALK_AGAIN_AFTER_MS + 60_000);

    const sound = await start(dataDir, dayLater);
    assert.equal(await journalState(sound), 'ok', 'payments open while the walk runs');
    assert.equal(await sound.journalWalked, 'ok');
    assert.ok(Date.parse(stamp(dataDir)!.walkedAt!) > Date.parse(walkedAt!), 'the new pass is recorded');
    await sound.close();
    assert.match(readFileSync(join(dataDir, 'logs', 'terminal.log'), 'utf8'), /journal pages checked in the background/);

    // A page gone bad on the disk with the file's size and times as the clean close left them.
    const walkedBefore = stamp(dataDir)!.walkedAt;
    damageAPage(dataDir);
    stampCleanClose(journalFiles(dataDir), new Date(Date.parse(walkedBefore!) - 2 * WALK_AGAIN_AFTER_MS).toISOString(), new Date().toISOString());
    const damaged = await start(dataDir, dayLater);
    assert.equal(await damaged.journalChecked, 'ok', 'it opened to payments');
    assert.equal(await damaged.journalWalked, 'journal-damaged');
    assert.equal(await journalState(damaged), 'journal-damaged');
    const begun = await damaged.api.execute({ type: 'session.begin', service: 'outpatient' });
    assert.deepEqual(begun.ok ? null : begun.error, userError('journal-damaged'));
    await damaged.close();
    assert.equal(stamp(dataDir)?.walkedAt, null, 'no clean pass on record');
    assert.equal(stamp(dataDir)?.closedClean, null, 'a journal found damaged is not stamped clean');
  });
});
