// 一单式 to paper: the seed's 51,423.22-yuan discharge settled through the terminal's API, and its
// slip decoded from the ESC/POS bytes the printer would get: every fund the platform paid named as
// on the confirm screen (the 大病 line included), the account balance the platform returned, the
// items' classes (甲/乙/丙), the cross-region marker; and the e-invoice number and QR when the HIS
// returned one. Then the ledger has nothing open.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal } from '../../terminal/app/start-terminal';
import { receiptItems } from '../../terminal/app/receipt-print';
import { createEscPosDecoder, encodeReceipt } from '../../drivers/printer/escpos';
import type { Receipt } from '../../terminal/api/schema';
import { assertNothingOpen, nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');
const open = nothingOpenAfterEach();

/** What a printer makes of the slip's bytes: its text lines and QR codes. */
function printed(receipt: Receipt) {
  const out = createEscPosDecoder().push(encodeReceipt(receiptItems(receipt, { hospitalName: '模拟医院' })));
  return { text: out.flatMap((o) => (o.type === 'text' ? [o.text] : [])), qrs: out.flatMap((o) => (o.type === 'qr' ? [o.data] : [])) };
}

it('prints the 51,423.22 discharge with its 大病 line, the balance the platform returned, item classes and the cross-region marker', async () => {
  const terminal = await startTerminal({
    config: parseConfig({ devices: [], settlement: { usePersonalAccount: false } }),
    dataDir: mkdtempSync(join(tmpdir(), 'slip-')),
    fixturesDir,
  });
  open.track(terminal);
  try {
    await terminal.api.execute({ type: 'session.begin', service: 'discharge' });
    const atConfirm = await terminal.api.execute({ type: 'credential.text', text: terminal.simulators.platform!.mintEcQr('cross-province-inpatient') });
    assert.ok(atConfirm.ok && atConfirm.session.step === 'confirm');
    // A large charge to the 医保码 is confirmed by its amount (issue 14).
    const done = await terminal.api.execute({ type: 'session.confirm', settlementId: atConfirm.session.settlementId!, confirmedFen: atConfirm.session.split?.cashFen ?? 0 });
    assert.ok(done.ok && done.session.step === 'receipt');
    const receipt = done.session.receipt!;
    const account = terminal.simulators.platform!.ledger().accounts.find((a) => a.psnNo === '51000000000000000106')!;
    assert.equal(receipt.balanceAfterFen, account.balanceFen, 'balance-after is the balance the platform returned');
    assert.deepEqual(receipt.split, done.session.split, 'the receipt shows the split the confirm screen showed');

    const { text, qrs } = printed(receipt);
    const slip = text.join('\n');
    assert.match(slip, /合计: 51423\.22 元/);
    assert.match(slip, /其中统筹基金: 34550\.22 元/);
    assert.match(slip, /其中大病保险: 4125\.80 元/, 'the 大病 line reaches paper');
    assert.match(slip, /现金支付: 12747\.20 元/);
    assert.match(slip, /个人账户余额: /);
    assert.match(slip, /异地就医/);
    assert.match(slip, /\[(甲类|乙类|丙类)\]/, 'items carry their class');
    assert.equal(text.filter((l) => /\[(甲类|乙类|丙类)\]/.test(l)).length, receipt.items?.length);
    assert.deepEqual(qrs, [receipt.platformSettlementId]);
    assertNothingOpen(terminal.simulators.platform!);

    // With an e-invoice from the HIS: its number printed and its QR after the settlement's.
    const withInvoice = printed({ ...receipt, einvoice: { number: 'EI4401202400001234', qr: 'https://einvoice.example/v?no=EI4401202400001234' } });
    assert.ok(withInvoice.text.some((l) => l === '电子票据号: EI4401202400001234'));
    assert.deepEqual(withInvoice.qrs, [receipt.platformSettlementId, 'https://einvoice.example/v?no=EI4401202400001234']);
  } finally {
    await terminal.close();
  }
});

it('names the employee large-amount fund (hifob_pay) instead of "other funds"', async () => {
  const { splitFromSetlinfo } = await import('../../terminal/settlement/split');
  const split = splitFromSetlinfo({ medfee_sumamt: 1000, fund_pay_sumamt: 900, hifp_pay: 600, hifob_pay: 300, acct_pay: 0, psn_cash_pay: 100, balc: 12.5 });
  assert.equal(split.largeAmountFundFen, 30_000);
  assert.equal(split.otherFundFen, 0);
  assert.equal(split.balanceAfterFen, 1_250);
  const slip = printed({ settlementId: 'S', platformSettlementId: 'P', settledAt: '2024-01-15T01:00:00Z', split, balanceAfterFen: split.balanceAfterFen ?? null }).text.join('\n');
  assert.match(slip, /其中职工大额医疗费用补助: 300\.00 元/);
  assert.doesNotMatch(slip, /其他基金/);
});
