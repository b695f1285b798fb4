// 查询 on the running terminal: a patient who paid here identifies again and sees that payment
// (its split, settled), a cancelled visit as cancelled, their reports from the HIS; a settled
// receipt reprints on the printer (a simulated ESC/POS printer on a pty), and only one on the list.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SessionView } from '../../terminal/api/schema';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { createPtyPair, type PtyPair } from '../../drivers/transport/pty';
import { serveSimPrinterOnPort, type SimPrinter } from '../../drivers/printer/sim-printer';
import { historyStatus } from '../../terminal/kiosk/history';
import { nextStep } from '../../terminal/testing/terminal.testkit';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');

describe('history: past payments, reports and reprint', () => {
  const open = nothingOpenAfterEach();
  let pty: PtyPair;
  let printer: SimPrinter;
  let terminal: RunningTerminal;

  before(async () => {
    pty = await createPtyPair();
    printer = await serveSimPrinterOnPort(pty.devicePath);
    terminal = await startTerminal({
      config: parseConfig({ devices: [{ id: 'prn-1', kind: 'printer', pollMs: 100, transport: { type: 'serial', path: pty.hostPath } }] }),
      dataDir: mkdtempSync(join(tmpdir(), 'history-')),
      fixturesDir,
    });
    open.track(terminal);
  });
  after(async () => {
    await terminal?.close();
    await printer?.close();
    await pty?.close();
  });

  const code = (person: string) => terminal.simulators.platform!.mintEcQr(person);

  async function identifyForHistory(person: string): Promise<SessionView> {
    const shown = nextStep(terminal, ['history', 'error']);
    const begun = await terminal.api.execute({ type: 'history.begin' });
    assert.ok(begun.ok);
    assert.equal(begun.session.step, 'identify');
    await terminal.api.execute({ type: 'credential.text', text: await code(person) });
    return shown;
  }

  it('maps journal states to what a patient reads', () => {
    assert.equal(historyStatus('closed'), 'settled');
    assert.equal(historyStatus('settled'), 'settled');
    assert.equal(historyStatus('cancelled'), 'cancelled');
    assert.equal(historyStatus('failed'), 'cancelled');
    assert.equal(historyStatus('settle-pending'), 'pending');
    assert.equal(historyStatus('needs-staff'), 'pending');
  });

  it('lists nothing for a patient who never paid here, and their reports (none)', async () => {
    const view = await identifyForHistory('resident');
    assert.equal(view.step, 'history', JSON.stringify(view.error));
    assert.deepEqual(view.history?.visits, []);
    assert.deepEqual(view.history?.reports, []);
    assert.equal(view.settlementId, null, 'looking up opens no visit');
    await terminal.api.execute({ type: 'session.reset' });
  });

  it('lists a paid visit with its split, a cancelled one, and the reports; reprints the paid one', async () => {
    // One visit walked away from at the split (cancelled), then the bill paid.
    let atConfirm = nextStep(terminal, ['confirm', 'error']);
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    await terminal.api.execute({ type: 'credential.text', text: await code('employee') });
    assert.equal((await atConfirm).step, 'confirm');
    await terminal.api.execute({ type: 'session.reset' });
    atConfirm = nextStep(terminal, ['confirm', 'error']);
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    await terminal.api.execute({ type: 'credential.text', text: await code('employee') });
    const confirm = await atConfirm;
    assert.equal(confirm.step, 'confirm', JSON.stringify(confirm.error));
    const paid = await terminal.api.execute({ type: 'session.confirm', settlementId: confirm.settlementId! });
    assert.ok(paid.ok && paid.session.receipt);
    const receipt = paid.session.receipt;
    await terminal.api.execute({ type: 'session.reset' });
    // The settlement's own slip.
    const deadline = Date.now() + 5_000;
    while (!printer.printed.some((p) => p.type === 'cut') && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    const printedBefore = printer.printed.length;

    const view = await identifyForHistory('employee');
    assert.equal(view.step, 'history', JSON.stringify(view.error));
    const visits = view.history!.visits;
    assert.deepEqual(
      visits.map((v) => v.status),
      ['settled', 'cancelled'],
      'newest first',
    );
    const settled = visits[0]!;
    assert.equal(settled.settlementId, receipt.settlementId);
    assert.equal(settled.totalFen, receipt.split.totalFen);
    assert.equal(settled.fundFen, receipt.split.fundFen);
    assert.equal(settled.cashFen, receipt.split.cashFen);
    assert.equal(settled.accountFen, receipt.split.personalAccountFen + receipt.split.familyAccountFen);
    assert.equal(settled.reference, receipt.platformSettlementId);
    assert.equal(settled.printable, true);
    assert.equal(visits[1]!.printable, false);
    assert.deepEqual(
      view.history!.reports?.map((r) => [r.reportId, r.status]),
      [
        ['EXM202401150007', 'pending'],
        ['LAB202401150031', 'ready'],
        ['LAB202401080112', 'ready'],
      ],
    );
    assert.doesNotMatch(JSON.stringify(view), /33010219800101123X|测试职工甲/, 'no ID number or full name reaches the screen');

    const refused = await terminal.api.execute({ type: 'history.print', settlementId: visits[1]!.settlementId });
    assert.ok(!refused.ok, 'a cancelled visit has no receipt to print');
    const reprint = await terminal.api.execute({ type: 'history.print', settlementId: settled.settlementId });
    assert.ok(reprint.ok, JSON.stringify(reprint));
    assert.equal(reprint.session.history?.printedId, settled.settlementId);
    const again = printer.printed.slice(printedBefore);
    assert.ok(again.some((p) => p.type === 'text' && p.text.includes(`结算号: ${receipt.platformSettlementId}`)), 'the same settlement on the reprint');
    assert.equal(again.at(-1)?.type, 'cut');
    await terminal.api.execute({ type: 'session.reset' });

    const afterReset = await terminal.api.execute({ type: 'history.print', settlementId: settled.settlementId });
    assert.ok(!afterReset.ok, 'nothing prints once the patient has left the list');
  });

  it('还款: a credit debt on the list is repaid with a payment code: declined first (still owed), then repaid once', async () => {
    const atConfirm = nextStep(terminal, ['confirm', 'error']);
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    await terminal.api.execute({ type: 'credential.text', text: await code('resident') });
    const confirm = await atConfirm;
    assert.equal(confirm.step, 'confirm', JSON.stringify(confirm.error));
    const paid = await terminal.api.execute({ type: 'session.confirm', settlementId: confirm.settlementId!, method: 'credit', confirmedFen: confirm.split?.cashFen });
    assert.ok(paid.ok && paid.session.receipt, JSON.stringify(paid));
    const id = confirm.settlementId!;
    await terminal.api.execute({ type: 'session.reset' });

    const view = await identifyForHistory('resident');
    assert.equal(view.step, 'history', JSON.stringify(view.error));
    const owed = view.history!.visits.find((v) => v.settlementId === id);
    assert.equal(owed?.cashWay, 'credit');
    assert.equal(owed?.repayable, true, 'the closed visit with a debt owed offers 还款');
    const fen = owed!.cashFen!;
    const platform = terminal.simulators.platform!;

    const poor = platform.mintPayCode(1);
    const declined = await terminal.api.execute({ type: 'history.repay', settlementId: id, payCode: poor });
    assert.ok(declined.ok, JSON.stringify(declined));
    assert.equal(declined.session.history?.repay?.outcome, 'declined');
    assert.equal(declined.session.history?.visits.find((v) => v.settlementId === id)?.repayable, true, 'still owed, still offered');

    // The second code comes from the scanner, as credential text, while 还款 is open for this debt.
    const stray = await terminal.api.execute({ type: 'history.repayFor', settlementId: 'not-on-the-list' });
    assert.ok(!stray.ok, 'only a debt on the list can be repaid');
    const opened = await terminal.api.execute({ type: 'history.repayFor', settlementId: id });
    assert.ok(opened.ok);
    assert.equal(opened.session.history?.repayFor, id);
    const good = platform.mintPayCode(fen + 300);
    await terminal.api.execute({ type: 'credential.text', text: good });
    const repaid = await terminal.api.execute({ type: 'status.get' });
    assert.ok(repaid.ok, JSON.stringify(repaid));
    assert.equal(repaid.session.history?.repayFor, null, 'the form closes with the outcome');
    assert.deepEqual(repaid.session.history?.repay, { settlementId: id, fen, outcome: 'repaid', reason: null });
    const line = repaid.session.history?.visits.find((v) => v.settlementId === id);
    assert.equal(line?.cashWay, 'repaid');
    assert.equal(line?.repayable, false);
    assert.equal(platform.mobilePayLedger().wallets.find((w) => w.payer === `code:${good}`)?.balanceFen, 300, 'charged exactly the debt');
    assert.doesNotMatch(JSON.stringify(repaid), new RegExp(good), 'the code is not echoed back');

    const twice = await terminal.api.execute({ type: 'history.repay', settlementId: id, payCode: platform.mintPayCode(fen) });
    assert.ok(!twice.ok, 'a repaid debt is not offered or paid again');
    await terminal.api.execute({ type: 'session.reset' });
  });
});
