// The terminal on its embedded defaults, as `npm start` and `npm run start:web` run it: simulators
// in-process, the QR scanner replaying a fixture when the identify step is reached. Driven through
// the same TerminalApi the hosts carry.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SessionView, TerminalEvent } from '../../terminal/api/schema';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');

function waitForStep(terminal: RunningTerminal, step: SessionView['step'], timeoutMs = 15_000): Promise<SessionView> {
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => {
      stop();
      reject(new Error(`no ${step} step within ${timeoutMs} ms`));
    }, timeoutMs);
    const stop = terminal.api.subscribe((event: TerminalEvent) => {
      if (event.type === 'session' && (event.session.step === step || event.session.step === 'error')) {
        clearTimeout(timer);
        stop();
        if (event.session.step === 'error') reject(new Error(`error step: ${event.session.error?.code}`));
        else resolvePromise(event.session);
      }
    });
  });
}

describe('terminal on embedded defaults', () => {
  const open = nothingOpenAfterEach();
  let terminal: RunningTerminal;
  after(() => terminal?.close());

  it('identifies a simulated patient and settles the bill through the API', async () => {
    // The embedded default scanner, with the simulated patient quicker to hold up the phone.
    const config = parseConfig({
      devices: [{ id: 'qr-1', kind: 'qr-scanner', transport: { type: 'replay', fixture: 'devices/qr-scanner/fresh-ec-qr.jsonl', playOn: 'identify', delayMs: 50 } }],
    });
    terminal = await startTerminal({ config, dataDir: mkdtempSync(join(tmpdir(), 'embedded-')), fixturesDir });
    open.track(terminal);

    const status = await terminal.api.execute({ type: 'status.get' });
    assert.ok(status.ok);
    assert.equal(status.status.devices[0]?.state, 'ready');

    const confirm = waitForStep(terminal, 'confirm');
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const atConfirm = await confirm;
    assert.ok(atConfirm.split && atConfirm.bill && atConfirm.settlementId);
    assert.equal(atConfirm.split.totalFen, atConfirm.bill.totalFen, 'the split covers the whole bill');
    assert.doesNotMatch(JSON.stringify(atConfirm), /\d{17}[\dX]/, 'no ID number reaches the UI');

    const result = await terminal.api.execute({ type: 'session.confirm', settlementId: atConfirm.settlementId });
    assert.ok(result.ok);
    assert.equal(result.session.step, 'receipt');
    // The same split as confirmed; only the account balance moves, as the settlement's own balc says.
    const { balanceAfterFen, ...paid } = result.session.receipt!.split;
    const { balanceAfterFen: _atConfirm, ...confirmed } = atConfirm.split;
    assert.deepEqual(paid, confirmed);
    const books = terminal.simulators.platform!.ledger();
    const payer = books.settlements.find((s) => s.status === 'settled')!.psnNo;
    assert.equal(result.session.receipt?.balanceAfterFen, books.accounts.find((a) => a.psnNo === payer)?.balanceFen);
    assert.equal(balanceAfterFen, result.session.receipt?.balanceAfterFen);

    const again = await terminal.api.execute({ type: 'session.confirm', settlementId: atConfirm.settlementId });
    assert.equal(again.ok, false, 'a second confirm is refused');
    const ledger = terminal.simulators.platform?.ledger();
    assert.equal(ledger?.settlements.filter((s) => s.status === 'settled').length, 1);
  });
});
