// 异地就医 and 就医一卡通 at the kiosk, through the same API the screens use and the real simulator:
// the 异地 mark with the insured area's name on the confirm step, the receipt and the printed slip
// (decoded from its ESC/POS bytes); a local patient not marked; a maternity and a work-injury
// discharge paid by their own fund, checked in the simulator's ledger.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { receiptItems } from '../../terminal/app/receipt-print';
import { createEscPosDecoder, encodeReceipt } from '../../drivers/printer/escpos';
import type { Receipt, SessionView } from '../../terminal/api/schema';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');

/** The slip's text lines, as the printer decodes the bytes the terminal would send it. */
function slipText(receipt: Receipt): string[] {
  const events = createEscPosDecoder().push(encodeReceipt(receiptItems(receipt, { hospitalName: '模拟医院' })));
  return events.flatMap((e) => (e.type === 'text' ? [e.text] : []));
}

describe('异地 and 就医一卡通 at the kiosk', () => {
  const open = nothingOpenAfterEach();
  let terminal: RunningTerminal;
  before(async () => {
    // The embedded defaults: terminal area and simulator area agree (330100).
    terminal = await startTerminal({
      config: parseConfig({ devices: [], settlement: { usePersonalAccount: false } }),
      dataDir: mkdtempSync(join(tmpdir(), 'cross-region-')),
      fixturesDir,
    });
    open.track(terminal);
  });
  after(() => terminal.close());

  async function discharge(key: string): Promise<{ confirm: SessionView; receipt: Receipt }> {
    await terminal.api.execute({ type: 'session.begin', service: 'discharge' });
    const atConfirm = await terminal.api.execute({ type: 'credential.text', text: terminal.simulators.platform!.mintEcQr(key) });
    assert.ok(atConfirm.ok && atConfirm.session.step === 'confirm', JSON.stringify(atConfirm));
    const done = await terminal.api.execute({ type: 'session.confirm', settlementId: atConfirm.session.settlementId!, confirmedFen: atConfirm.session.split?.cashFen });
    assert.ok(done.ok && done.session.step === 'receipt' && done.session.receipt, JSON.stringify(done));
    const receipt = done.session.receipt;
    await terminal.api.execute({ type: 'session.reset' });
    return { confirm: atConfirm.session, receipt };
  }

  const ledgerSettlement = (psnNo: string) => terminal.simulators.platform!.ledger().settlements.filter((s) => s.psnNo === psnNo && s.status === 'settled').at(-1);

  it('a cross-region patient is marked 异地 with the insured area on the confirm step, the receipt and the slip', async () => {
    const { confirm, receipt } = await discharge('cross-province-inpatient');
    assert.equal(confirm.patient?.crossRegion, true);
    assert.equal(confirm.patient?.insuredAreaName, '四川省成都市');
    assert.deepEqual(receipt.crossRegion, { insuredAreaName: '四川省成都市' });
    const slip = slipText(receipt);
    assert.ok(slip.includes('异地就医 参保地: 四川省成都市'), slip.join('\n'));
    // Filed (备案): the ordinary split of INSURANCE-API.md, no reason line.
    assert.equal(receipt.split.basicFundFen, 3_455_022);
    assert.equal(receipt.split.policyNote, undefined);
  });

  it('a maternity discharge (med_type 52) is paid by the maternity fund, on its own line; a local patient is not 异地', async () => {
    // Bill IP202401200010: A 5,000.00 + B 1,000.00 (no 先行自付 under 510) in scope, C 200.00.
    // Maternity fund 100% of 6,000.00 = 6,000.00; basic fund 0; cash 200.00.
    const { confirm, receipt } = await discharge('maternity');
    assert.equal(confirm.patient?.crossRegion, false);
    assert.equal(confirm.patient?.insuredAreaName, undefined);
    assert.equal(receipt.crossRegion, undefined);
    const s = receipt.split;
    assert.deepEqual([s.totalFen, s.fundFen, s.maternityFundFen, s.basicFundFen, s.cashFen], [620_000, 600_000, 600_000, 0, 20_000]);
    const slip = slipText(receipt);
    // Inside the funds' total: indented under 医保基金支付, as every fund line of the 一单式 slip.
    assert.ok(slip.includes('  其中生育保险基金: 6000.00 元'), slip.join('\n'));
    assert.ok(!slip.some((l) => l.includes('异地')));
    const booked = ledgerSettlement('33000000000000000110');
    assert.equal(booked?.insutype, '510');
    assert.equal(booked?.medType, '52');
    assert.equal(booked?.split.hifpFen, 600_000);
    // The basic fund's year is untouched: no deductible or admission counted for the 310 policy.
    const account = terminal.simulators.platform!.ledger().accounts.find((a) => a.psnNo === '33000000000000000110');
    assert.deepEqual([account?.ytd.deductibleFen.inpatient, account?.ytd.basicFundFen.inpatient, account?.ytd.admissions], [0, 0, 0]);
  });

  it('a 工伤 discharge (the HIS registered it under 410) is paid by the work-injury fund, on its own line', async () => {
    // Bill IP202401200011: A 8,000.00 + B 2,000.00 paid in full by the work-injury fund; C 500.00 cash.
    const { receipt } = await discharge('work-injury');
    const s = receipt.split;
    assert.deepEqual([s.totalFen, s.workInjuryFundFen, s.basicFundFen, s.personalAccountFen, s.cashFen], [1_050_000, 1_000_000, 0, 0, 50_000], JSON.stringify(s));
    assert.ok(slipText(receipt).includes('  其中工伤保险基金: 10000.00 元'), slipText(receipt).join('\n'));
    const booked = ledgerSettlement('33000000000000000111');
    assert.equal(booked?.insutype, '410');
    assert.equal(booked?.split.hifpFen, 1_000_000);
  });
});
