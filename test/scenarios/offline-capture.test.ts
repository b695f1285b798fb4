// Offline mode end to end, through the real ID card driver on a socat pty: a patient verified once
// is identified by card while the platform is down, the bill is taken within the configured limits
// and given a pending slip, and the replay worker settles it exactly once when the platform is back.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { createPtyPair, type PtyPair } from '../../drivers/transport/pty';
import { createHisClient } from '../../terminal/his/client';
import { nextStep, presentIdCard } from '../../terminal/testing/terminal.testkit';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');
const CARD_HOLDER_PSN = '33000000000000000109';
const CARD_HOLDER_BILL = 'OP202401150009';

describe('offline capture by ID card', () => {
  const open = nothingOpenAfterEach();
  let pty: PtyPair;
  let terminal: RunningTerminal;

  before(async () => {
    pty = await createPtyPair();
    terminal = await startTerminal({
      config: parseConfig({
        devices: [{ id: 'id-1', kind: 'id-card', pollMs: 50, transport: { type: 'serial', path: pty.hostPath } }],
        settlement: { replayIntervalMs: 200, offline: { maxPerPatientFen: 30_000 } },
      }),
      dataDir: mkdtempSync(join(tmpdir(), 'offline-')),
      fixturesDir,
    });
    open.track(terminal);
  });
  after(async () => {
    await terminal?.close();
    await pty?.close();
  });

  const settledFor = (psnNo: string) => terminal.simulators.platform!.ledger().settlements.filter((s) => s.psnNo === psnNo && s.status === 'settled');

  it('identifies by card online first, which lets this terminal know the patient', async () => {
    const atConfirm = nextStep(terminal, ['confirm', 'error']);
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    await presentIdCard(pty.devicePath, fixturesDir);
    const view = await atConfirm;
    assert.equal(view.step, 'confirm', JSON.stringify(view.error));
    await terminal.api.execute({ type: 'session.reset' });
  });

  it('takes the bill while the platform is down and gives a short pending slip', async () => {
    const platform = terminal.simulators.platform!;
    platform.setFaults({ rules: [{ kind: 'reset-before' }] });
    const atBill = nextStep(terminal, ['confirm', 'pending', 'error']);
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    await presentIdCard(pty.devicePath, fixturesDir);
    // The bill is shown first, with its items and amount, and nothing is taken before the patient confirms.
    const bill = await atBill;
    assert.equal(bill.step, 'confirm', JSON.stringify(bill.error));
    assert.equal(bill.offlineCapture, true);
    assert.equal(bill.split, null, 'no split offline: the funds answer once the platform is back');
    assert.ok(bill.bill && bill.bill.items.length > 0 && bill.bill.totalFen > 0);
    const wrong = await terminal.api.execute({ type: 'session.confirmOffline', billId: 'NOT-THIS-BILL' });
    assert.equal(wrong.ok, false, 'only the bill on the screen is taken');
    const atPending = nextStep(terminal, ['pending', 'error']);
    await terminal.api.execute({ type: 'session.confirmOffline', billId: bill.bill.billId! });
    const view = await atPending;
    assert.equal(view.step, 'pending', JSON.stringify(view.error));
    assert.equal(view.bill?.totalFen, bill.bill.totalFen, 'the slip keeps the bill');
    assert.match(view.pending?.slipNo ?? '', /^P\d{6}$/);
    assert.equal(settledFor(CARD_HOLDER_PSN).length, 0, 'nothing settled while the platform is down');
    const status = await terminal.api.execute({ type: 'status.get' });
    assert.ok(status.ok && !status.status.platformOnline && status.status.outboxPending > 0);
    await terminal.api.execute({ type: 'session.reset' });
  });

  it('refuses a second capture past the per-patient limit, before asking the patient to confirm', async () => {
    const atError = nextStep(terminal, ['confirm', 'pending', 'error']);
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    await presentIdCard(pty.devicePath, fixturesDir);
    const view = await atError;
    assert.equal(view.step, 'error');
    assert.equal(view.error?.code, 'offline-limit-patient');
    await terminal.api.execute({ type: 'session.reset' });
  });

  it('settles the capture exactly once when the platform is back', async () => {
    terminal.simulators.platform!.setFaults({ rules: [] });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && settledFor(CARD_HOLDER_PSN).length === 0) await new Promise((r) => setTimeout(r, 100));
    await new Promise((r) => setTimeout(r, 600));
    assert.equal(settledFor(CARD_HOLDER_PSN).length, 1);
    const status = await terminal.api.execute({ type: 'status.get' });
    assert.ok(status.ok && status.status.platformOnline);
    assert.equal(status.status.outboxPending, 0);
  });

  it('tells the HIS the replayed bill is paid and closes the visit', async () => {
    const his = createHisClient({ baseUrl: terminal.simulators.hisUrl!, timeoutMs: 10_000 });
    const deadline = Date.now() + 10_000;
    while (Date.now() < deadline && !(await his.bill(CARD_HOLDER_BILL))?.paid) await new Promise((r) => setTimeout(r, 100));
    assert.equal((await his.bill(CARD_HOLDER_BILL))?.paid, true, 'the HIS no longer offers the bill');
    const admin = await terminal.api.execute({ type: 'admin.overview', pin: '000000' });
    assert.ok(admin.ok && admin.admin);
    assert.deepEqual(admin.admin.queue, [], 'nothing settled-but-not-closed is left');
  });
});
