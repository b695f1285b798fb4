// The social security card reader over real serial ports: a simulated reader answers from each
// fixture on the device end of a socat pty pair; createSerialTransport + createCardReader read it.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createPtyPair } from '../transport/pty';
import { readRecording } from '../transport/replay';
import { createSerialTransport } from '../transport/serial';
import { serveConversationOnPort } from '../transport/conversation';
import { waitFor, sleep } from '../testing/wait';
import { createCardReader, type CardReader, type CardReaderEvent } from './device';
import { readerIdleAnswer, readerRequestFramer, SYNTHETIC_SS_CARD } from './sim-reader';

const fixture = (name: string) => new URL(`../../fixtures/devices/card-reader/${name}.jsonl`, import.meta.url).pathname;

async function overPty<T>(name: string, run: (reader: CardReader, events: CardReaderEvent[]) => Promise<T>) {
  const pair = await createPtyPair();
  const stop = new AbortController();
  const served = serveConversationOnPort(pair.devicePath, {
    chunks: await readRecording(fixture(name)),
    framer: readerRequestFramer,
    idle: readerIdleAnswer,
    signal: stop.signal,
  });
  const reader = createCardReader({
    id: 'ss-1',
    transport: createSerialTransport({ path: pair.hostPath, baudRate: 115200 }),
    pollMs: 30,
    // Every read in these recordings is answered (a pulled card by its status): the deadline only
    // turns a hang into an error, so it is generous for a loaded machine.
    readTimeoutMs: 5_000,
    reconnect: { initialMs: 20, maxMs: 100 },
  });
  const events: CardReaderEvent[] = [];
  reader.onEvent((e) => events.push(e));
  try {
    await sleep(50);
    await reader.start();
    assert.equal(reader.health().state, 'ready');
    const result = await run(reader, events);
    return { result, events, health: reader.health() };
  } finally {
    await reader.stop();
    stop.abort();
    await served;
    await pair.close();
  }
}

const kinds = (events: CardReaderEvent[]) => events.map((e) => (e.type === 'read-error' ? `read-error:${e.code}` : e.type));
const until = (n: number, type: CardReaderEvent['type']) => (reader: CardReader, events: CardReaderEvent[]) =>
  waitFor(`${n} ${type}`, () => events.filter((e) => e.type === type).length >= n).then(() => sleep(60));

describe('social security card reader over a serial port', () => {
  it('card inserted, read, removed', async () => {
    const { events, health } = await overPty('insert-read-remove', until(1, 'card-removed'));
    assert.deepEqual(kinds(events), ['card-inserted', 'card', 'card-removed']);
    const card = events[1];
    assert.ok(card?.type === 'card');
    assert.deepEqual(card.card, SYNTHETIC_SS_CARD);
    assert.equal(health.errorCount, 0);
  });

  it('reads an answer that arrives in pieces', async () => {
    const { events } = await overPty('split-answer', until(1, 'card'));
    assert.deepEqual(kinds(events), ['card-inserted', 'card']);
  });

  it('a card pulled mid-read: read-error without data, removed, then read whole', async () => {
    const { events, health } = await overPty('card-pulled-mid-read', until(1, 'card'));
    assert.deepEqual(kinds(events), ['card-inserted', 'read-error:card-removed', 'card-removed', 'card-inserted', 'card']);
    assert.ok(!JSON.stringify(events.slice(0, 3)).includes(SYNTHETIC_SS_CARD.idNumber));
    assert.ok(!(health.lastError ?? '').includes(SYNTHETIC_SS_CARD.idNumber));
  });

  it('a corrupted answer is refused and counted; the next read is whole', async () => {
    const { events, health } = await overPty('bad-checksum', until(1, 'card'));
    assert.deepEqual(kinds(events), ['card-inserted', 'read-error:bad-data', 'card-removed', 'card-inserted', 'card']);
    assert.ok(health.errorCount >= 2);
  });

  it('reads through noise with stray STX/ETX bytes', async () => {
    const { events, health } = await overPty('noise-between-frames', until(1, 'card'));
    assert.deepEqual(kinds(events), ['card-inserted', 'card']);
    assert.ok(health.errorCount >= 1);
  });

  it('asks the PIN pad and gets the PIN back, never into health', async () => {
    const { result, health } = await overPty('pin-entry', (reader) => reader.readPin(30));
    assert.deepEqual(result, { type: 'pin', pin: '123456' });
    assert.ok(!JSON.stringify(health).includes('123456'));
  });
});
