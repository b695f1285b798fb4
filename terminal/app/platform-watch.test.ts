// The status an idle terminal publishes follows the platform by itself (issue 14, item 7): no
// patient scans, yet an outage of the embedded simulator turns platformOnline false within the
// probe interval, and its end turns it back; a terminal kept busy by real calls sends no probe.
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TerminalEvent, TerminalStatus } from '../api/schema';
import { parseConfig } from '../config/config';
import { startTerminal, type RunningTerminal } from './start-terminal';
import { fixturesDir } from '../testing/platform.testkit';
import { watchPlatform } from './platform-watch';
import Database from 'better-sqlite3';
import { journalFiles } from '../journal/storage';

/** Resolves with the first status event that satisfies `pass` (readiness, not a sleep). */
function statusWhere(terminal: RunningTerminal, pass: (s: TerminalStatus) => boolean): Promise<TerminalStatus> {
  return new Promise((resolve) => {
    const stop = terminal.api.subscribe((event: TerminalEvent) => {
      if (event.type === 'status' && pass(event.status)) {
        stop();
        resolve(event.status);
      }
    });
  });
}

describe('platform watch', () => {
  let terminal: RunningTerminal | undefined;
  after(() => terminal?.close());

  // A generous ceiling only so a broken watch fails instead of hanging the suite.
  it('turns an idle terminal offline when the platform goes away and online when it is back', { timeout: 120_000 }, async () => {
    const config = parseConfig({ settlement: { replayIntervalMs: 300 }, devices: [] });
    const dataDir = mkdtempSync(join(tmpdir(), 'platform-watch-'));
    terminal = await startTerminal({ config, dataDir, fixturesDir });
    const platform = terminal.simulators.platform;
    assert.ok(platform);
    const down = statusWhere(terminal, (s) => !s.platformOnline);
    platform.setFaults({ rules: [{ kind: 'reset-before' }] });
    const offline = await down;
    assert.equal(offline.platformOnline, false, 'no session was started: only the watch asked the platform');
    assert.equal(offline.offlineCapture, false, 'no ID card reader, so nothing can be taken offline');
    const up = statusWhere(terminal, (s) => s.platformOnline);
    platform.setFaults({ rules: [] });
    assert.equal((await up).platformOnline, true);
    // Every probe was journaled before it went out, but only the newest is kept: an idle kiosk probes
    // all day, and its sign-ins are no visit's record.
    const db = new Database(journalFiles(dataDir).db, { readonly: true });
    try {
      // Several more probes go out while idle (the outbox's id sequence counts rows made, kept or not).
      const made = () => (db.prepare(`SELECT seq FROM sqlite_sequence WHERE name = 'outbox'`).get() as { seq: number } | undefined)?.seq ?? 0;
      const enough = made() + 4;
      while (made() < enough) await new Promise((r) => setTimeout(r, 100));
      const probes = db.prepare(`SELECT count(*) AS n FROM outbox WHERE step = 'probe'`).get() as { n: number };
      assert.ok(probes.n <= 2, `${probes.n} probe rows kept (one finished, at most one in flight)`);
      assert.ok(probes.n >= 1);
    } finally {
      db.close();
    }
  });

  it('does not probe while calls keep answering, and probes once the answers stop', async () => {
    // While busy, every look finds an answer that just came back; the watch's own looks are counted.
    let busy = true;
    let looks = 0;
    let looked!: () => void;
    const fiveLooks = new Promise<void>((r) => (looked = r));
    let probes = 0;
    let probed!: () => void;
    const firstProbe = new Promise<void>((r) => (probed = r));
    const watch = watchPlatform({
      probe: async () => {
        probes++;
        probed();
      },
      lastOutcomeAt: () => {
        if (++looks === 5) looked();
        return busy ? performance.now() : null;
      },
      intervalMs: 50,
      onError: (err) => assert.fail(String(err)),
    });
    try {
      await fiveLooks;
      assert.equal(probes, 0, 'answers from real calls made every probe needless');
      busy = false;
      await firstProbe;
      assert.equal(probes, 1);
    } finally {
      await watch.stop();
    }
  });
});
