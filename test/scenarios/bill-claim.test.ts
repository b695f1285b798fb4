// One HIS bill, two kiosks (issue 11, item 2). Two whole terminals, each with its own data folder and
// terminal id, share ONE HIS simulator and ONE platform simulator: the bill is claimed at the HIS
// before anything reaches the platform, so the second kiosk is refused before it pre-settles, and the
// platform settles the bill once. A claim nobody renews lapses and another kiosk may then take the
// bill; a cancel frees it at once. The HIS clock is the test's, so expiry needs no waiting.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { hashPin } from '../../terminal/staff/staff-pin';
import { startHisSimulator, type HisSimulator } from '../../terminal/sim/his/server';
import { startPlatformSimulator, type PlatformSimulator } from '../../terminal/sim/platform/server';
import { CLAIM_TTL_SECONDS } from '../../terminal/kiosk/bill-claim';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');
const PIN = '482915';
const EMPLOYEE_BILL = 'OP202401150001';
const RESIDENT_BILL = 'OP202401150002';
const CROSS_REGION_BILL = 'OP202401150003';
const AID_DISCHARGE_BILL = 'IP202401100004';

describe('one HIS bill, two kiosks', () => {
  const open = nothingOpenAfterEach();
  let platform: PlatformSimulator;
  let his: HisSimulator;
  let hisOffsetMs = 0;
  const terminals: RunningTerminal[] = [];
  let a: RunningTerminal;
  let b: RunningTerminal;

  const start = async (id: string, slot: string): Promise<RunningTerminal> => {
    const terminal = await startTerminal({
      config: parseConfig({
        terminal: { id, msgidSlot: slot },
        platform: { mode: 'remote', baseUrl: platform.url, signer: { type: 'none' } },
        // The HIS simulator does not admit inpatients on the platform: the kiosk admits (2401) itself.
        his: { mode: 'remote', baseUrl: his.url, timeoutMs: 10_000, registersAdmissions: false },
        admin: { pinScrypt: hashPin(PIN) },
        devices: [],
        settlement: { replayIntervalMs: 600_000 },
      }),
      dataDir: mkdtempSync(join(tmpdir(), `bill-claim-${id}-`)),
      fixturesDir,
    });
    terminals.push(open.track(terminal, { pin: PIN, books: platform }));
    return terminal;
  };

  before(async () => {
    platform = await startPlatformSimulator({ fixturesDir });
    open.track(platform);
    his = await startHisSimulator({ fixturesDir, now: () => new Date(Date.now() + hisOffsetMs) });
    a = await start('KIOSK-A', '1');
    b = await start('KIOSK-B', '2');
  });
  after(async () => {
    for (const t of terminals) await t.close().catch(() => undefined);
    await his?.close();
    await platform?.close();
  });

  const toConfirm = async (terminal: RunningTerminal, person: string) => {
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const result = await terminal.api.execute({ type: 'credential.text', text: platform.mintEcQr(person) });
    assert.ok(result.ok, JSON.stringify(result));
    return result.session;
  };
  const settledFor = (psnNos: ReadonlySet<string>) => platform.ledger().settlements.filter((s) => psnNos.has(s.psnNo)).length;
  const visitsOnPlatform = () => platform.ledger().visits.length;
  /** A release is sent as the visit ends; the HIS hears it a moment later (bounded: no clock involved). */
  const claimFreed = async (billId: string) => {
    for (let i = 0; i < 200 && his.claimOf(billId); i++) await delay(10);
    return his.claimOf(billId) === null;
  };

  it('the second kiosk is refused before it pre-settles; the first settles; the platform charged once', async () => {
    const atA = await toConfirm(a, 'employee');
    assert.equal(atA.step, 'confirm', JSON.stringify(atA));
    assert.equal(his.claimOf(EMPLOYEE_BILL)?.terminalId, 'KIOSK-A');
    const psnNos = new Set(platform.ledger().visits.slice(-1).map((v) => v.psnNo));

    const visitsBefore = visitsOnPlatform();
    const atB = await toConfirm(b, 'employee');
    assert.equal(atB.step, 'error');
    assert.equal(atB.error?.code, 'bill-claimed-elsewhere');
    assert.match(atB.error?.message ?? '', /正在其他窗口或机器上缴费/);
    assert.equal(atB.settlementId, null, 'no visit opened on kiosk B');
    assert.equal(visitsOnPlatform(), visitsBefore, 'kiosk B sent nothing to the platform: no registration, no pre-settlement');
    await b.api.execute({ type: 'session.reset' });

    const paid = await a.api.execute({ type: 'session.confirm', settlementId: atA.settlementId! });
    assert.ok(paid.ok && paid.session.step === 'receipt', JSON.stringify(paid));
    assert.deepEqual(
      his.paidBills().filter((p) => p.billId === EMPLOYEE_BILL).map((p) => p.setlId),
      [paid.session.receipt?.platformSettlementId],
      'the HIS heard of the one settlement, under the claim',
    );
    assert.equal(his.claimOf(EMPLOYEE_BILL), null, 'the paid notice ended the claim');
    assert.equal(settledFor(psnNos), 1, 'exactly one settlement on the platform');

    // Paid now: the HIS no longer offers it, so kiosk B has nothing to pay.
    const again = await toConfirm(b, 'employee');
    assert.equal(again.error?.code, 'no-bill');
    await b.api.execute({ type: 'session.reset' });
    assert.equal(settledFor(psnNos), 1);
  });

  it('a cancel at the split frees the bill at once for another kiosk', async () => {
    const atA = await toConfirm(a, 'resident');
    assert.equal(atA.step, 'confirm', JSON.stringify(atA));
    assert.equal((await toConfirm(b, 'resident')).error?.code, 'bill-claimed-elsewhere');
    await b.api.execute({ type: 'session.reset' });

    await a.api.execute({ type: 'session.reset' });
    assert.ok(await claimFreed(RESIDENT_BILL), 'released when the patient walked away');

    const atB = await toConfirm(b, 'resident');
    assert.equal(atB.step, 'confirm', JSON.stringify(atB));
    assert.equal(his.claimOf(RESIDENT_BILL)?.terminalId, 'KIOSK-B');
    const psnNos = new Set(platform.ledger().visits.slice(-1).map((v) => v.psnNo));
    const paid = await b.api.execute({ type: 'session.confirm', settlementId: atB.settlementId! });
    assert.ok(paid.ok && paid.session.step === 'receipt', JSON.stringify(paid));
    assert.equal(settledFor(psnNos), 1);
  });

  it('the bedside path claims too: a nurse cannot start a discharge another kiosk is paying', async () => {
    await a.api.execute({ type: 'bedside.begin', pin: PIN, billId: AID_DISCHARGE_BILL });
    const atA = await a.api.execute({ type: 'credential.text', text: platform.mintEcQr('medical-aid') });
    assert.ok(atA.ok && atA.session.step === 'confirm', JSON.stringify(atA));
    const visitsBefore = visitsOnPlatform();
    await b.api.execute({ type: 'bedside.begin', pin: PIN, billId: AID_DISCHARGE_BILL });
    const atB = await b.api.execute({ type: 'credential.text', text: platform.mintEcQr('medical-aid') });
    assert.ok(atB.ok);
    assert.equal(atB.session.error?.code, 'bill-claimed-elsewhere');
    assert.equal(visitsOnPlatform(), visitsBefore, 'no admission sent from kiosk B');
    await b.api.execute({ type: 'session.reset' });
    await a.api.execute({ type: 'session.reset' });
    assert.ok(await claimFreed(AID_DISCHARGE_BILL));
  });

  it('a claim nobody renews expires, and another kiosk then takes the bill', async () => {
    const atA = await toConfirm(a, 'cross-region');
    assert.equal(atA.step, 'confirm', JSON.stringify(atA));
    // Kiosk A goes dark with the patient at the split: nothing releases or renews its claim.
    await a.close();
    // Its registration stays open on the platform until kiosk A runs again and its unconfirmed
    // visit times out (2205, 2202 from its journal), which this scenario does not go on to.
    const dark = 'kiosk A went dark with the patient at the split; it undoes the visit when it runs again';
    const crossRegion = platform.ledger().visits.at(-1)!.psnNo;
    open.expect({ kind: 'registration', psnNo: crossRegion, reason: dark });
    open.expect({ kind: 'fee-line', psnNo: crossRegion, count: 1, reason: dark });
    assert.equal((await toConfirm(b, 'cross-region')).error?.code, 'bill-claimed-elsewhere');
    await b.api.execute({ type: 'session.reset' });

    hisOffsetMs += (CLAIM_TTL_SECONDS + 1) * 1000;
    assert.equal(his.claimOf(CROSS_REGION_BILL), null, 'lapsed');
    const atB = await toConfirm(b, 'cross-region');
    assert.equal(atB.step, 'confirm', JSON.stringify(atB));
    assert.equal(his.claimOf(CROSS_REGION_BILL)?.terminalId, 'KIOSK-B');
    const psnNos = new Set(platform.ledger().visits.slice(-1).map((v) => v.psnNo));
    const paid = await b.api.execute({ type: 'session.confirm', settlementId: atB.settlementId! });
    assert.ok(paid.ok && paid.session.step === 'receipt', JSON.stringify(paid));
    assert.equal(settledFor(psnNos), 1, 'kiosk A never settled; kiosk B did, once');
    assert.equal(his.paidBills().filter((p) => p.billId === CROSS_REGION_BILL).length, 1);
  });
});
