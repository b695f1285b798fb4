// Identify by social security card end to end: a card-reader recording served on the device end of a
// socat pty, the terminal's real serial driver on the host end, 1101 with mdtrt_cert_type 03 to the
// embedded platform simulator, then the bill and the split.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { createPtyPair, type PtyPair } from '../../drivers/transport/pty';
import { readRecording } from '../../drivers/transport/replay';
import { serveConversationOnPort } from '../../drivers/transport/conversation';
import { readerIdleAnswer, readerRequestFramer } from '../../drivers/card-reader/sim-reader';
import { nextStep } from '../../terminal/testing/terminal.testkit';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');
const CARD_HOLDER_PSN = '33000000000000000109';

describe('identify by social security card through a pty', () => {
  const open = nothingOpenAfterEach();
  let pty: PtyPair;
  let terminal: RunningTerminal;

  before(async () => {
    pty = await createPtyPair();
    terminal = await startTerminal({
      config: parseConfig({ devices: [{ id: 'ss-1', kind: 'card-reader', pollMs: 50, transport: { type: 'serial', path: pty.hostPath } }] }),
      dataDir: mkdtempSync(join(tmpdir(), 'ss-card-')),
      fixturesDir,
    });
    open.track(terminal);
  });
  after(async () => {
    await terminal?.close();
    await pty?.close();
  });

  /** The patient inserts the card for a moment; the reader answers as recorded. */
  async function insertCard(fixture: string): Promise<void> {
    const chunks = await readRecording(join(fixturesDir, 'devices', 'card-reader', fixture));
    const controller = new AbortController();
    const serving = serveConversationOnPort(pty.devicePath, { chunks, framer: readerRequestFramer, idle: readerIdleAnswer, baudRate: 115200, signal: controller.signal });
    await new Promise((r) => setTimeout(r, 1_500));
    controller.abort();
    await serving;
  }

  it('refuses a card the platform does not know (the number is checked, not just the ID number on it)', async () => {
    const atEnd = nextStep(terminal, ['confirm', 'error']);
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    // Runs first: this recording ends with the card taken out, so the reader is empty for the next.
    // The synthetic card carries the same ID number as the card holder but a number the platform never issued.
    await insertCard('insert-read-remove.jsonl');
    const view = await atEnd;
    assert.equal(view.step, 'error');
    assert.equal(view.error?.code, 'person-not-found');
    await terminal.api.execute({ type: 'session.reset' });
  });

  it('finds the card holder by card number and serial and shows their split', async () => {
    const atConfirm = nextStep(terminal, ['confirm', 'error']);
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    await insertCard('card-holder.jsonl');
    const view = await atConfirm;
    assert.equal(view.step, 'confirm', JSON.stringify(view.error));
    assert.equal(view.patient?.maskedName, '测*甲');
    assert.ok(view.split && view.bill && view.split.totalFen === view.bill.totalFen);
    assert.equal(terminal.simulators.platform!.ledger().visits.filter((v) => v.psnNo === CARD_HOLDER_PSN).length, 1, 'the visit is registered for the card holder');
    assert.doesNotMatch(JSON.stringify(view), /\d{17}[\dX]/, 'no ID number reaches the UI');
    const status = await terminal.api.execute({ type: 'status.get' });
    assert.ok(status.ok);
    assert.equal(status.status.devices.find((d) => d.id === 'ss-1')?.state, 'ready');
    const settled = await terminal.api.execute({ type: 'session.confirm', settlementId: view.settlementId! });
    assert.ok(settled.ok);
    assert.equal(settled.session.step, 'receipt');
    assert.equal(terminal.simulators.platform!.ledger().settlements.filter((x) => x.psnNo === CARD_HOLDER_PSN && x.status === 'settled').length, 1);
  });
});
