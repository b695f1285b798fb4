// A card read that fails reaches the patient: on the running terminal with an ID card reader and a
// social security card reader on socat ptys, a read cut short or corrupt leaves the session on the
// identify step with a notice in plain words (never device words), a card in the social security
// reader shows in its health, and the next good read goes on as usual.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SessionView, TerminalEvent, TerminalStatus } from '../../terminal/api/schema';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { createPtyPair, type PtyPair } from '../../drivers/transport/pty';
import { readRecording } from '../../drivers/transport/replay';
import { serveConversationOnPort, type ConversationOptions, type RequestFramer } from '../../drivers/transport/conversation';
import { samIdleAnswer, samRequestFramer } from '../../drivers/id-card/sim-reader';
import { readerIdleAnswer, readerRequestFramer } from '../../drivers/card-reader/sim-reader';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');

function waitForSession(terminal: RunningTerminal, ok: (s: SessionView) => boolean, timeoutMs = 15_000): Promise<SessionView> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      stop();
      fail(new Error(`session condition not met within ${timeoutMs} ms`));
    }, timeoutMs);
    const stop = terminal.api.subscribe((event: TerminalEvent) => {
      if (event.type === 'session' && ok(event.session)) {
        clearTimeout(timer);
        stop();
        done(event.session);
      }
    });
  });
}

describe('failed card reads on the identify step', () => {
  const open = nothingOpenAfterEach();
  let idPty: PtyPair;
  let ssPty: PtyPair;
  let terminal: RunningTerminal;
  const statuses: TerminalStatus[] = [];
  // Between cards each reader is there and empty (answers "no card"), as on a real kiosk.
  const idle = new Map<PtyPair, () => Promise<void>>();
  function serveIdle(pty: PtyPair, framer: () => RequestFramer, answer: ConversationOptions['idle']): void {
    const controller = new AbortController();
    const serving = serveConversationOnPort(pty.devicePath, { chunks: [], framer, idle: answer, baudRate: 115200, signal: controller.signal });
    idle.set(pty, async () => {
      controller.abort();
      await serving;
    });
  }

  before(async () => {
    idPty = await createPtyPair();
    ssPty = await createPtyPair();
    terminal = await startTerminal({
      config: parseConfig({
        devices: [
          { id: 'id-1', kind: 'id-card', pollMs: 50, transport: { type: 'serial', path: idPty.hostPath } },
          { id: 'ss-1', kind: 'card-reader', pollMs: 50, transport: { type: 'serial', path: ssPty.hostPath } },
        ],
      }),
      dataDir: mkdtempSync(join(tmpdir(), 'card-errors-')),
      fixturesDir,
    });
    open.track(terminal);
    terminal.api.subscribe((event) => {
      if (event.type === 'status') statuses.push(event.status);
    });
    serveIdle(idPty, samRequestFramer, samIdleAnswer);
    serveIdle(ssPty, readerRequestFramer, readerIdleAnswer);
    const deadline = Date.now() + 15_000;
    for (;;) {
      const status = await terminal.api.execute({ type: 'status.get' });
      if (status.ok && status.status.devices.every((d) => d.state === 'ready')) break;
      if (Date.now() > deadline) throw new Error('readers not ready');
      await new Promise((r) => setTimeout(r, 100));
    }
  });
  after(async () => {
    for (const stop of idle.values()) await stop();
    await terminal?.close();
    await idPty?.close();
    await ssPty?.close();
  });

  async function serve(pty: PtyPair, fixture: string, framer: () => RequestFramer, answer: ConversationOptions['idle'], untilMs: number, holdMs: number): Promise<void> {
    const chunks = (await readRecording(join(fixturesDir, 'devices', fixture))).filter((c) => c.t_ms < untilMs);
    await idle.get(pty)?.();
    const controller = new AbortController();
    const serving = serveConversationOnPort(pty.devicePath, { chunks, framer, idle: answer, baudRate: 115200, signal: controller.signal });
    await new Promise((r) => setTimeout(r, holdMs));
    controller.abort();
    await serving;
    serveIdle(pty, framer, answer);
  }

  it('an ID card with a corrupt answer: "could not read, wipe it and lay it flat", then the good read identifies', async () => {
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const noticed = waitForSession(terminal, (s) => s.notice != null);
    await serve(idPty, 'id-card/bad-checksum.jsonl', samRequestFramer, samIdleAnswer, 5_000, 1_500);
    const view = await noticed;
    assert.equal(view.step, 'identify', 'the patient stays where they can try again');
    assert.equal(view.notice?.code, 'card-unreadable');
    assert.match(view.notice?.message ?? '', /擦一擦.*平放/);
    assert.doesNotMatch(view.notice?.message ?? '', /checksum|0x|bad-data/i);

    const identified = waitForSession(terminal, (s) => s.step === 'confirm' || s.step === 'error');
    await serve(idPty, 'id-card/read-card.jsonl', samRequestFramer, samIdleAnswer, Infinity, 1_500);
    const next = await identified;
    assert.equal(next.step, 'confirm', JSON.stringify(next.error));
    assert.equal(next.notice, null, 'the notice goes once a read works');
    await terminal.api.execute({ type: 'session.reset' });
  });

  it('a social security card pulled mid-read: "put it back", and the card showed as in the reader meanwhile', async () => {
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const noticed = waitForSession(terminal, (s) => s.notice != null);
    const seen = statuses.length;
    await serve(ssPty, 'card-reader/card-pulled-mid-read.jsonl', readerRequestFramer, readerIdleAnswer, 2_000, 3_000);
    const view = await noticed;
    assert.equal(view.step, 'identify');
    assert.equal(view.notice?.code, 'card-removed');
    assert.match(view.notice?.message ?? '', /重新放好/);
    assert.ok(
      statuses.slice(seen).some((s) => s.devices.find((d) => d.id === 'ss-1')?.cardPresent === true),
      'the card showed as inserted',
    );
    const deadline = Date.now() + 5_000;
    let present: boolean | undefined = true;
    while (present && Date.now() < deadline) {
      const now = await terminal.api.execute({ type: 'status.get' });
      present = now.ok ? now.status.devices.find((d) => d.id === 'ss-1')?.cardPresent : undefined;
      if (present) await new Promise((r) => setTimeout(r, 100));
    }
    assert.equal(present, false, 'and as gone once pulled');
    await terminal.api.execute({ type: 'session.reset' });
  });

  it('a failed read while nobody is identifying changes nothing on screen', async () => {
    const before = await terminal.api.execute({ type: 'status.get' });
    assert.ok(before.ok);
    assert.equal(before.session.step, 'idle', JSON.stringify(before.session));
    await serve(idPty, 'id-card/bad-checksum.jsonl', samRequestFramer, samIdleAnswer, 5_000, 1_500);
    const after = await terminal.api.execute({ type: 'status.get' });
    assert.ok(after.ok);
    assert.equal(after.session.step, 'idle');
    assert.equal(after.session.notice ?? null, null);
  });
});
