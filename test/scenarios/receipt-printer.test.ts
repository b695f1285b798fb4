// The receipt printer wired into the running terminal, through a socat pty with the simulated ESC/POS
// printer on the device end: a settled visit prints its slip (yuan from fen, settlement id and its
// QR, cut), and a printer out of paper shows in health from the idle poll and never holds up the
// receipt screen.
import { describe, it, beforeEach, afterEach } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { DeviceHealth, SessionView } from '../../terminal/api/schema';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { createPtyPair, type PtyPair } from '../../drivers/transport/pty';
import { serveSimPrinterOnPort, type SimPrinter } from '../../drivers/printer/sim-printer';
import { fenToYuanString } from '../../terminal/common/money';
import { nextStep } from '../../terminal/testing/terminal.testkit';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');
const HOSPITAL = '测试市第一人民医院';
/** The simulated patient the fresh-ec-qr fixture presents (fixtures/platform/people.json `employee`). */
const EMPLOYEE_CERTNO = '33010219800101123X';
const EMPLOYEE_NAME = '测试职工甲';

async function waitFor<T>(get: () => T | undefined | null | false | Promise<T | undefined | null | false>, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await get();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('receipt printer on a pty', () => {
  const open = nothingOpenAfterEach();
  let pty: PtyPair;
  let printer: SimPrinter;
  let terminal: RunningTerminal;

  // A terminal each test: the embedded HIS has one bill for the simulated patient, paid by the first.
  beforeEach(async () => {
    pty = await createPtyPair();
    printer = await serveSimPrinterOnPort(pty.devicePath);
    terminal = await startTerminal({
      config: parseConfig({
        terminal: { institutionName: HOSPITAL },
        devices: [
          { id: 'qr-1', kind: 'qr-scanner', transport: { type: 'replay', fixture: 'devices/qr-scanner/fresh-ec-qr.jsonl', playOn: 'identify', delayMs: 50 } },
          { id: 'prn-1', kind: 'printer', pollMs: 100, transport: { type: 'serial', path: pty.hostPath } },
        ],
      }),
      dataDir: mkdtempSync(join(tmpdir(), 'receipt-')),
      fixturesDir,
    });
    open.track(terminal);
  });
  afterEach(async () => {
    await terminal?.close();
    await printer?.close();
    await pty?.close();
  });

  async function settleOne(): Promise<SessionView> {
    const atConfirm = nextStep(terminal, ['confirm', 'error']);
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const view = await atConfirm;
    assert.equal(view.step, 'confirm', JSON.stringify(view.error));
    const done = await terminal.api.execute({ type: 'session.confirm', settlementId: view.settlementId! });
    assert.ok(done.ok);
    assert.equal(done.session.step, 'receipt');
    return done.session;
  }

  const printerHealth = async (): Promise<DeviceHealth | undefined> => {
    const status = await terminal.api.execute({ type: 'status.get' });
    return status.ok ? status.status.devices.find((d) => d.id === 'prn-1') : undefined;
  };

  it('prints the slip of a settled visit: hospital, amounts in yuan, settlement id and its QR, cut', async () => {
    const session = await settleOne();
    const receipt = session.receipt!;
    const cut = await waitFor(() => printer.printed.some((p) => p.type === 'cut'));
    assert.ok(cut);
    const texts = printer.printed.flatMap((p) => (p.type === 'text' ? [p.text] : []));
    const qrs = printer.printed.flatMap((p) => (p.type === 'qr' ? [p.data] : []));
    const id = receipt.platformSettlementId ?? receipt.settlementId;
    assert.equal(texts[0], HOSPITAL);
    assert.ok(texts.includes(`合计: ${fenToYuanString(receipt.split.totalFen)} 元`), texts.join(' | '));
    assert.ok(texts.includes(`医保基金支付: ${fenToYuanString(receipt.split.fundFen)} 元`));
    assert.ok(texts.includes(`个人账户支付: ${fenToYuanString(receipt.split.personalAccountFen)} 元`));
    assert.ok(texts.includes(`现金支付: ${fenToYuanString(receipt.split.cashFen)} 元`));
    assert.ok(texts.includes(`结算号: ${id}`));
    assert.ok(texts.some((t) => /^时间: \d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(t)));
    assert.deepEqual(qrs, [id]);
    assert.equal(printer.printed.at(-1)?.type, 'cut');
    assert.ok(!texts.some((t) => t.includes(EMPLOYEE_CERTNO) || t.includes(EMPLOYEE_NAME)), 'no ID number or name on the slip');
  });

  it('shows paper out in health without a print, still reaches the receipt screen, and recovers', async () => {
    assert.equal((await printerHealth())?.state, 'ready');
    printer.state.paperOut = true;
    const out = await waitFor(async () => {
      const h = await printerHealth();
      return h?.state === 'error' && h;
    }, 3000);
    assert.match(out.lastError ?? '', /^paper-out/);
    assert.equal(printer.printed.length, 0);

    const session = await settleOne();
    assert.ok(session.receipt, 'the receipt screen shows with the printer out of paper');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(printer.printed.length, 0, 'nothing came out');
    assert.equal((await printerHealth())?.state, 'error');

    printer.state.paperOut = false;
    await waitFor(async () => (await printerHealth())?.state === 'ready', 3000);
  });
});
