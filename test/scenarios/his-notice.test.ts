// A bill is paid once: the HIS hears of every settlement, also those the replay worker finishes
// after an outage, and a bill this terminal has settled (or is settling) is not opened again while
// the HIS still offers it. Real platform simulator embedded, a real HIS simulator that the test
// stops and starts again on the same port to play a HIS that is away.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { hashPin } from '../../terminal/staff/staff-pin';
import { startHisSimulator, type HisSimulator } from '../../terminal/sim/his/server';
import { createHisClient } from '../../terminal/his/client';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');
const PIN = '482915';
const EMPLOYEE_BILL = 'OP202401150001';
const RESIDENT_BILL = 'OP202401150002';

describe('telling the HIS, and one visit per bill', () => {
  const open = nothingOpenAfterEach();
  let terminal: RunningTerminal;
  let his: HisSimulator | null = null;
  let hisPort = 0;

  const startHis = async () => {
    his = await startHisSimulator({ fixturesDir, port: hisPort });
    hisPort = Number(new URL(his.url).port);
  };
  const stopHis = async () => {
    await his?.close();
    his = null;
  };
  const hisSaysPaid = async (billId: string) => (await createHisClient({ baseUrl: `http://127.0.0.1:${hisPort}`, timeoutMs: 10_000 }).bill(billId))?.paid ?? false;

  before(async () => {
    await startHis();
    terminal = await startTerminal({
      config: parseConfig({
        his: { mode: 'remote', baseUrl: `http://127.0.0.1:${hisPort}`, timeoutMs: 5_000 },
        admin: { pinScrypt: hashPin(PIN) },
        devices: [],
        // The worker runs once at start and then only when staff forward: each step below is the test's.
        settlement: { replayIntervalMs: 600_000 },
      }),
      dataDir: mkdtempSync(join(tmpdir(), 'his-notice-')),
      fixturesDir,
    });
    open.track(terminal, { pin: PIN });
  });
  after(async () => {
    await terminal?.close();
    await stopHis();
  });

  const toConfirm = async (person: string) => {
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    return terminal.api.execute({ type: 'credential.text', text: terminal.simulators.platform!.mintEcQr(person) });
  };
  const overview = async () => {
    const result = await terminal.api.execute({ type: 'admin.overview', pin: PIN });
    assert.ok(result.ok && result.admin);
    return result.admin;
  };

  it('a HIS that is down at settle time shows in the admin queue, refuses a second payment of the bill, and closes when the HIS is back', async () => {
    const atConfirm = await toConfirm('employee');
    assert.ok(atConfirm.ok && atConfirm.session.step === 'confirm', JSON.stringify(atConfirm));
    await stopHis();
    const paid = await terminal.api.execute({ type: 'session.confirm', settlementId: atConfirm.session.settlementId! });
    assert.ok(paid.ok && paid.session.step === 'receipt', 'the patient paid: the receipt stands though the HIS did not hear');
    await terminal.api.execute({ type: 'session.reset' });

    const queue = (await overview()).queue;
    assert.equal(queue.length, 1);
    assert.equal(queue[0]?.state, 'settled');
    assert.match(queue[0]?.lastError ?? '', /HIS not told/);

    // The HIS is back but has not heard yet, so it still offers the bill: the terminal refuses it.
    await startHis();
    const again = await toConfirm('employee');
    assert.ok(again.ok && again.session.step === 'error', JSON.stringify(again.ok ? again.session : again));
    assert.equal(again.session.error?.code, 'bill-already-paid');
    await terminal.api.execute({ type: 'session.reset' });
    assert.equal(terminal.simulators.platform!.ledger().settlements.filter((s) => s.status === 'settled').length, 1, 'paid once');

    const forwarded = await terminal.api.execute({ type: 'admin.forward', pin: PIN });
    assert.ok(forwarded.ok && forwarded.admin);
    assert.equal(forwarded.admin.queue.length, 0, 'the visit closed once the HIS heard');
    assert.equal(await hisSaysPaid(EMPLOYEE_BILL), true);
  });

  it('a confirm that met a platform outage is settled by the replay worker, told to the HIS and closed; meanwhile the bill is refused as in progress', async () => {
    const platform = terminal.simulators.platform!;
    const atConfirm = await toConfirm('resident');
    assert.ok(atConfirm.ok && atConfirm.session.step === 'confirm', JSON.stringify(atConfirm));
    platform.setFaults({ rules: [{ kind: 'reset-before', infnos: ['2207', '2601', '9001'] }] });
    const queued = await terminal.api.execute({ type: 'session.confirm', settlementId: atConfirm.session.settlementId! });
    assert.ok(queued.ok && queued.session.step === 'pending', JSON.stringify(queued));
    await terminal.api.execute({ type: 'session.reset' });

    const again = await toConfirm('resident');
    assert.ok(again.ok && again.session.step === 'error');
    assert.equal(again.session.error?.code, 'bill-in-progress');
    await terminal.api.execute({ type: 'session.reset' });
    assert.equal(await hisSaysPaid(RESIDENT_BILL), false);

    platform.setFaults({ rules: [] });
    const forwarded = await terminal.api.execute({ type: 'admin.forward', pin: PIN });
    assert.ok(forwarded.ok && forwarded.admin);
    assert.deepEqual(forwarded.admin.queue, [], 'settled by replay and closed');
    assert.equal(await hisSaysPaid(RESIDENT_BILL), true, 'the HIS heard of the replayed settlement');
    assert.equal(platform.ledger().settlements.filter((s) => s.status === 'settled' && s.insutype === '390').length, 1);
  });
});
