// The social security card reader over HID: framed reports (length byte + bytes) both ways through
// createHidTransport, the reader's own frame codec behind it, played from a HID recording (no HID
// device exists on a test machine), and the same through the device manager's config.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { readRecording } from '../transport/replay';
import { createHidTransport, type HidDeviceHandle } from '../transport/hid';
import { createHidConversationTransport } from '../transport/hid-replay';
import { waitFor, sleep } from '../testing/wait';
import { createCardReader, type CardReaderEvent } from './device';
import { readerIdleAnswer, readerRequestFramer, SYNTHETIC_SS_CARD } from './sim-reader';
import { createDeviceManager, DeviceConfig, type ManagedCardEvent } from '../manager';

const fixturesDir = new URL('../../fixtures/', import.meta.url).pathname;
const kinds = (events: CardReaderEvent[]) => events.map((e) => (e.type === 'read-error' ? `read-error:${e.code}` : e.type));

describe('card reader over HID', () => {
  it('cuts host bytes into report-ID-first reports and reads length-prefixed reports back as bytes', async () => {
    const written: Buffer[] = [];
    const emitter = new EventEmitter();
    const handle: HidDeviceHandle = Object.assign(emitter, {
      close: async () => {},
      write: async (values: number[] | Buffer) => {
        written.push(Buffer.from(values));
        return values.length;
      },
    });
    const transport = createHidTransport({ vendorId: 1, productId: 2, mode: 'framed', open: async () => handle });
    const received: number[] = [];
    transport.onData((bytes) => received.push(...bytes));
    await transport.open();
    await transport.write(Uint8Array.from({ length: 100 }, (_, i) => i));
    // node-hid's write() takes the report ID first: 1 + a 64-byte report.
    assert.deepEqual(written.map((w) => [w.length, w[0], w[1]]), [[65, 0, 63], [65, 0, 37]]);
    assert.deepEqual([...written[1]!.subarray(2, 4)], [63, 64]);
    emitter.emit('data', Buffer.from([3, 0xaa, 0xbb, 0xcc, 0, 0, 0, 0]));
    assert.deepEqual(received, [0xaa, 0xbb, 0xcc]);
    await transport.close();
  });

  it('reads a card from the HID recording with the same events as the serial one', async () => {
    const transport = createHidConversationTransport({
      chunks: await readRecording(`${fixturesDir}devices/card-reader-hid/insert-read-remove.jsonl`),
      framer: readerRequestFramer,
      idle: readerIdleAnswer,
    });
    const reader = createCardReader({ id: 'ss-hid', transport, pollMs: 30, readTimeoutMs: 5_000 });
    const events: CardReaderEvent[] = [];
    reader.onEvent((e) => events.push(e));
    await reader.start();
    try {
      assert.equal(reader.health().state, 'ready');
      await waitFor('card removed', () => events.some((e) => e.type === 'card-removed'), 5000);
      await sleep(60);
      assert.deepEqual(kinds(events), ['card-inserted', 'card', 'card-removed']);
      const card = events.find((e) => e.type === 'card');
      assert.ok(card?.type === 'card');
      assert.equal(card.card.cardNumber, SYNTHETIC_SS_CARD.cardNumber);
      assert.equal(card.card.cardSerial, SYNTHETIC_SS_CARD.cardSerial);
      assert.equal(reader.health().errorCount, 0);
    } finally {
      await reader.stop();
    }
  });

  it('is configured like any device: HID by vendor and product id, or a HID recording', async () => {
    const hid = DeviceConfig.parse({ id: 'ss', kind: 'card-reader', transport: { type: 'hid', vendorId: 0x1234, productId: 0x5678 } });
    assert.ok(hid.kind === 'card-reader' && hid.transport.type === 'hid' && hid.transport.reportSize === 64);
    assert.equal(DeviceConfig.safeParse({ id: 'ss', kind: 'card-reader', transport: { type: 'replay', fixture: 'x.jsonl', hid: 'keyboard' } }).success, false);

    const manager = await createDeviceManager({
      fixturesDir,
      devices: [{ id: 'ss-hid', kind: 'card-reader', pollMs: 30, transport: { type: 'replay', fixture: 'devices/card-reader-hid/insert-read-remove.jsonl', hid: 'framed', playOn: 'start' } }],
    });
    const cards: ManagedCardEvent[] = [];
    manager.onCard((e) => cards.push(e));
    await manager.start();
    try {
      const card = await waitFor('a card', () => cards.find((e) => e.type === 'card'), 5000);
      assert.equal(card.deviceId, 'ss-hid');
      assert.ok(card.type === 'card' && card.card.name === SYNTHETIC_SS_CARD.name);
    } finally {
      await manager.stop();
    }
  });
});
