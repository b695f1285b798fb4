// Recording files and the replay transport: parsing, timing, templates and the unplug ending.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createReplayTransport, parseRecording, readRecording } from './replay';
import type { RecordedChunk } from './types';
import { sleep } from '../testing/wait';

const fixture = (name: string) => new URL(`../../fixtures/devices/qr-scanner/${name}`, import.meta.url).pathname;

describe('recordings', () => {
  it('reads every qr-scanner fixture', async () => {
    for (const name of ['fresh-ec-qr', 'expired-ec-qr', 'split-frame', 'noise-between-frames', 'cut-off-frame', 'hospital-barcode', 'pay-code', 'unplugged-mid-scan']) {
      const chunks = await readRecording(fixture(`${name}.jsonl`));
      assert.ok(chunks.length > 0, name);
    }
    assert.deepEqual(await readRecording(fixture('fresh-ec-qr.jsonl')), [
      { t_ms: 0, dir: 'in', template: 'ec-qr', arg: 'employee', suffix: '\r\n' },
    ]);
  });

  it('refuses malformed lines with the line number', () => {
    assert.throws(() => parseRecording('{"t_ms":0,"dir":"in","hex":"0"}', 'x'), /x:1: hex/);
    assert.throws(() => parseRecording('# c\n{"t_ms":0,"dir":"up","hex":"00"}', 'x'), /x:2: dir/);
    assert.throws(() => parseRecording('{"t_ms":5,"dir":"in","hex":"00"}\n{"t_ms":1,"dir":"in","hex":"00"}'), /backwards/);
    assert.throws(() => parseRecording('nope'), /not JSON/);
    assert.throws(() => parseRecording('{"t_ms":0,"dir":"in"}'), /needs "hex", "template" or "event"/);
    assert.throws(() => parseRecording('{"t_ms":0,"dir":"in","event":"explode"}'), /event must be "unplug"/);
    assert.throws(() => parseRecording('{"t_ms":0,"dir":"out","event":"unplug"}'), /unplug is dir "in"/);
  });

  it('plays a recorded unplug as a pulled cable, and the rest once opened again', async () => {
    const transport = createReplayTransport({ chunks: await readRecording(fixture('unplugged-mid-scan.jsonl')), speed: 5 });
    const got = collect(transport);
    const reasons: Array<Error | null> = [];
    transport.onClose((r) => reasons.push(r));
    await transport.open();
    await transport.finished();
    assert.equal(got.length, 1);
    assert.ok(!got[0]!.text.includes('\r'), 'half a frame, no suffix');
    assert.match(String(reasons[0]), /device unplugged \(recorded\)/);
    await transport.open();
    await transport.finished();
    assert.deepEqual(got.slice(1).map((g) => g.text), ['ZY2024081500123\r\n']);
    // After the last plug-in played through, a close and open start from the top.
    await transport.close();
    await transport.open();
    await transport.finished();
    assert.equal(got.length, 3);
    assert.equal(got[2]!.text, got[0]!.text);
    await transport.close();
  });
});

function collect(transport: ReturnType<typeof createReplayTransport>) {
  const got: Array<{ at: number; text: string }> = [];
  const start = Date.now();
  transport.onData((c) => got.push({ at: Date.now() - start, text: Buffer.from(c).toString('latin1') }));
  return got;
}

describe('createReplayTransport', () => {
  const chunks: RecordedChunk[] = [
    { t_ms: 0, dir: 'in', hex: '41' },
    { t_ms: 5, dir: 'out', hex: 'ff' },
    { t_ms: 200, dir: 'in', template: 'ec-qr', arg: 'resident', suffix: '\r\n' },
  ];

  it('plays in-chunks with their timing, resolving templates at play time', async () => {
    let resolvedAt = 0;
    const transport = createReplayTransport({
      chunks,
      resolve: async (template, arg) => {
        resolvedAt = Date.now();
        return `${template}/${arg}`;
      },
    });
    const got = collect(transport);
    const opened = Date.now();
    await transport.open();
    await transport.finished();
    assert.deepEqual(got.map((g) => g.text), ['A', 'ec-qr/resident\r\n']);
    assert.ok(got[1]!.at >= 180, `second chunk after ${got[1]!.at} ms`);
    assert.ok(resolvedAt - opened >= 180, 'template resolved when played, not when opened');
    await transport.write(Uint8Array.of(1, 2));
    assert.deepEqual(transport.written, [Uint8Array.of(1, 2)]);
    await transport.close();
  });

  it('speeds up, and unplugs at the end when asked', async () => {
    const transport = createReplayTransport({ chunks, speed: 20, resolve: async () => 'X', atEnd: 'unplug' });
    const got = collect(transport);
    const closed = new Promise<Error | null>((r) => transport.onClose(r));
    await transport.open();
    const reason = await closed;
    assert.ok(reason instanceof Error);
    assert.ok(got[1]!.at < 150);
    // A reopen plays the recording again, as a re-plugged device would start over.
    await transport.open();
    await transport.finished();
    assert.equal(got.length, 4);
    await transport.close();
  });

  it('close() stops playback and reports a clean close', async () => {
    const transport = createReplayTransport({ chunks, resolve: async () => 'X' });
    const got = collect(transport);
    const reasons: Array<Error | null> = [];
    transport.onClose((r) => reasons.push(r));
    await transport.open();
    await sleep(30);
    await transport.close();
    await sleep(250);
    assert.deepEqual(got.map((g) => g.text), ['A']);
    assert.deepEqual(reasons, [null]);
  });

  it('a template without a resolver ends like a lost device', async () => {
    const transport = createReplayTransport({ chunks, speed: 100 });
    const closed = new Promise<Error | null>((r) => transport.onClose(r));
    await transport.open();
    assert.match(String(await closed), /needs a resolver/);
  });
});
