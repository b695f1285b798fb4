// The receipt printer: the ESC/POS codec alone (round trip, status bits, fuzzing the decoder), then
// the device through a socat pty pair with a simulated printer on the device end.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { createPtyPair } from '../transport/pty';
import { createSerialTransport } from '../transport/serial';
import { sleep, waitFor } from '../testing/wait';
import { createEscPosDecoder, encodeReceipt, encodeStatus, isStatusByte, parseStatus, type PrintItem } from './escpos';
import { createReceiptPrinter } from './device';
import { serveSimPrinterOnPort } from './sim-printer';

const receipt: PrintItem[] = [
  { type: 'text', text: '某某市人民医院 门诊结算单', align: 'center', bold: true },
  { type: 'text', text: '医保统筹支付: 123.45 元\n个人账户支付: 10.00 元' },
  { type: 'text', text: '𠀀 GB18030 四字节字', align: 'right' },
  { type: 'qr', data: 'SETTLE-0001-甲' },
  { type: 'feed', lines: 3 },
  { type: 'cut' },
];

describe('ESC/POS codec', () => {
  it('round-trips text (GB18030, including 4-byte characters), QR and cut', () => {
    const events = createEscPosDecoder().push(encodeReceipt(receipt));
    assert.deepEqual(
      events.map((e) => (e.type === 'text' ? `${e.align}${e.bold ? '*' : ''}:${e.text}` : e.type === 'qr' ? `qr:${e.data}` : e.type)),
      ['center*:某某市人民医院 门诊结算单', 'left:医保统筹支付: 123.45 元', 'left:个人账户支付: 10.00 元', 'right:𠀀 GB18030 四字节字', 'qr:SETTLE-0001-甲', 'cut'],
    );
  });

  it('reads paper-out and cover-open from DLE EOT answers', () => {
    const s = { coverOpen: true, paperOut: false, paperNearEnd: true };
    assert.deepEqual(parseStatus(encodeStatus(2, s), encodeStatus(4, s)), s);
    assert.deepEqual(parseStatus(0x12, 0x72), { coverOpen: false, paperOut: true, paperNearEnd: false });
    assert.equal(isStatusByte(0x12), true);
    assert.equal(isStatusByte(0x41), false);
  });

  it('fuzz: the printer-side decoder takes any bytes in any chunking', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 1024 }), fc.nat({ max: 1024 }), (bytes, cut) => {
        const d = createEscPosDecoder();
        for (const e of [...d.push(bytes.subarray(0, cut)), ...d.push(bytes.subarray(cut))]) assert.ok(['text', 'qr', 'cut', 'status-request', 'error'].includes(e.type));
      }),
      { numRuns: 2000, seed: 7 },
    );
  });
});

describe('receipt printer over a serial port', () => {
  async function rig(state: { paperOut?: boolean; coverOpen?: boolean } = {}, pollMs?: number) {
    const pair = await createPtyPair();
    const sim = await serveSimPrinterOnPort(pair.devicePath, { state });
    const printer = createReceiptPrinter({ id: 'prn-1', transport: createSerialTransport({ path: pair.hostPath, baudRate: 115200 }), pollMs, reconnect: { initialMs: 20, maxMs: 100 } });
    await printer.start();
    return {
      sim,
      printer,
      async close() {
        await printer.stop();
        await sim.close();
        await pair.close();
      },
    };
  }

  it('prints a receipt the simulated printer reads back line for line', async () => {
    const r = await rig();
    try {
      assert.equal(r.printer.health().state, 'ready');
      const result = await r.printer.print(receipt);
      assert.deepEqual(result, { ok: true, status: { coverOpen: false, paperOut: false, paperNearEnd: false } });
      assert.deepEqual(r.sim.printed.map((e) => e.type), ['text', 'text', 'text', 'text', 'qr', 'cut']);
      assert.equal(r.printer.health().errorCount, 0);
    } finally {
      await r.close();
    }
  });

  it('refuses to print with the paper out, and with the cover open, and says which', async () => {
    const r = await rig({ paperOut: true });
    try {
      const out = await r.printer.print(receipt);
      assert.deepEqual(out.ok ? null : out.reason, 'paper-out');
      assert.equal(r.sim.printed.length, 0);
      r.sim.state = { paperOut: false, coverOpen: true, paperNearEnd: false };
      const cover = await r.printer.print(receipt);
      assert.deepEqual(cover.ok ? null : cover.reason, 'cover-open');
      r.sim.state.coverOpen = false;
      assert.equal((await r.printer.print(receipt)).ok, true);
      assert.equal(r.printer.health().errorCount, 2);
      await sleep(10);
    } finally {
      await r.close();
    }
  });

  it('shows paper out and cover open in health from the idle poll, without a print, and clears when fixed', async () => {
    const r = await rig({}, 50);
    try {
      assert.equal(r.printer.health().state, 'ready');
      r.sim.state.paperOut = true;
      await waitFor('paper-out error', () => r.printer.health().state === 'error');
      assert.match(r.printer.health().lastError ?? '', /^paper-out/);
      r.sim.state = { paperOut: false, coverOpen: true, paperNearEnd: false };
      await waitFor('cover-open error', () => /^cover-open/.test(r.printer.health().lastError ?? ''));
      r.sim.state.coverOpen = false;
      await waitFor('ready again', () => r.printer.health().state === 'ready');
      assert.equal(r.sim.printed.length, 0, 'the poll printed nothing');
    } finally {
      await r.close();
    }
  });
});
