// Recording real devices: a recording played onto a pty's device end is recorded on the host end
// (the CLI for a scanner; the library for an ID card SAM that must be asked), and what was recorded
// is the same bytes and plays back through the drivers to the same events.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createPtyPair, playRecordingToPort } from './transport/pty';
import { readRecording } from './transport/replay';
import { chunkBytes, inboundChunks } from './transport/recording';
import { serveConversationOnPort, createConversationTransport } from './transport/conversation';
import { createSerialTransport } from './transport/serial';
import { samIdleAnswer, samRequestFramer, SYNTHETIC_CARD } from './id-card/sim-reader';
import { createIdCardReader, type IdCardEvent } from './id-card/device';
import { recordDevice } from './record';
import { waitFor, sleep } from './testing/wait';
import type { RecordedChunk } from './transport/types';
import { createHidReplayOpener, createHidReplayTransport } from './transport/hid-replay';
import { createQrScanner, type TimedScanEvent } from './qr-scanner/device';

const fixture = (path: string) => new URL(`../fixtures/devices/${path}.jsonl`, import.meta.url).pathname;

async function bytesOf(chunks: RecordedChunk[]): Promise<string> {
  const parts = await Promise.all(inboundChunks(chunks).map((c) => chunkBytes(c)));
  return parts.map((p) => Buffer.from(p).toString('hex')).join('');
}

describe('record', () => {
  it('records a scanner from the CLI: the played bytes, in time order, with their gaps', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'record-'));
    const pair = await createPtyPair();
    const out = join(dir, 'scan.jsonl');
    const played = await readRecording(fixture('qr-scanner/cut-off-frame'));
    const script = new URL('./record.ts', import.meta.url).pathname;
    const child = spawn(process.execPath, ['--import', 'tsx', script, '--device', 'qr', '--serial', pair.hostPath, '--baud', '115200', '--out', out, '--seconds', '2.5'], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    let markReady: () => void = () => {};
    const ready = new Promise<void>((resolve) => (markReady = resolve));
    child.stderr!.on('data', (d: Buffer) => {
      stderr += d.toString('utf8');
      if (stderr.includes('"recording"')) markReady();
    });
    const exited = once(child, 'exit');
    try {
      // Played only once the recorder says its port is open: a fixed sleep lost the race under load.
      await Promise.race([ready, exited.then(() => assert.fail(`recorder exited before it was ready: ${stderr}`))]);
      await playRecordingToPort(pair.devicePath, played, { baudRate: 115200 });
      await exited;
    } finally {
      if (child.exitCode === null) child.kill('SIGTERM');
      await pair.close();
    }
    try {
      assert.equal(child.exitCode, 0, stderr);
      const recorded = await readRecording(out);
      assert.ok(recorded.every((c) => c.dir === 'in'));
      assert.equal(await bytesOf(recorded), await bytesOf(played));
      // The 400 ms of silence in the middle is kept (the chunks on either side of it stay apart).
      const gaps = recorded.slice(1).map((c, i) => c.t_ms - recorded[i]!.t_ms);
      assert.ok(Math.max(...gaps) >= 300, `gaps ${gaps}`);
      // Progress is counts, never the code.
      assert.match(stderr, /"scan:[a-z-]+":1/);
      assert.ok(!stderr.includes('ZY2024') && !stderr.includes('NHSAEC1'));
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('records an ID card reader conversation that replays to the same card', async () => {
    const pair = await createPtyPair();
    const stop = new AbortController();
    const served = serveConversationOnPort(pair.devicePath, {
      chunks: await readRecording(fixture('id-card/read-card')),
      framer: samRequestFramer,
      idle: samIdleAnswer,
      signal: stop.signal,
    });
    let chunks: RecordedChunk[];
    try {
      await sleep(50);
      chunks = await recordDevice({ device: 'id-card', transport: createSerialTransport({ path: pair.hostPath, baudRate: 115200 }), seconds: 1.2 });
    } finally {
      stop.abort();
      await served;
      await pair.close();
    }
    assert.ok(chunks.some((c) => c.dir === 'out') && chunks.some((c) => c.dir === 'in'));
    for (let i = 1; i < chunks.length; i++) assert.ok(chunks[i]!.t_ms >= chunks[i - 1]!.t_ms);
    // Played back in-process, the recording gives the reader the same card.
    const reader = createIdCardReader({
      id: 'id-replayed',
      transport: createConversationTransport({ chunks, framer: samRequestFramer, idle: samIdleAnswer }),
      pollMs: 30,
    });
    const events: IdCardEvent[] = [];
    reader.onEvent((e) => events.push(e));
    try {
      await reader.start();
      await waitFor('card', () => events.find((e) => e.type === 'card'));
    } finally {
      await reader.stop();
    }
    const card = events.find((e) => e.type === 'card');
    assert.equal(card?.type === 'card' && card.info.idNumber, SYNTHETIC_CARD.idNumber);
  });
});

describe('record a HID scanner', () => {
  // No HID device exists here: the recorded HID path (createHidReplayOpener) stands in for node-hid,
  // below the same HID transport and decoder a real scanner's reports go through.
  for (const [name, mode] of [['keyboard-ec-qr', 'keyboard'], ['pos-ec-qr', 'pos']] as const) {
    it(`keeps a ${mode}-mode scanner's whole reports, which play back through the HID path to the same scan`, async () => {
      const source = await readRecording(fixture(`qr-scanner-hid/${name}`));
      const device = createHidReplayOpener({ chunks: source, mode, speed: 20 });
      const counts: Array<Record<string, number>> = [];
      const stop = new AbortController();
      const recording = recordDevice({ device: 'qr-hid', hid: { target: { path: 'replay' }, mode, open: device }, seconds: 60, signal: stop.signal, onProgress: (c) => counts.push(c) });
      // Until the scanner's decoded scan is counted, then stop: readiness, not the clock.
      await waitFor('the scan counted', () => counts.some((c) => (c['scan:ec-qr'] ?? 0) >= 1), 30_000);
      await device.finished();
      stop.abort();
      const recorded = await recording;
      const hexes = (chunks: RecordedChunk[]) => chunks.filter((c): c is Extract<RecordedChunk, { hex: string }> => 'hex' in c && c.dir === 'in').map((c) => c.hex);
      assert.deepEqual(hexes(recorded), hexes(source), 'every report, whole and in order');

      // The file plays back as a qr-scanner-hid fixture: the HID transport and decoder, then the QR codec.
      const scans: TimedScanEvent[] = [];
      const replay = createHidReplayTransport({ chunks: recorded, mode, speed: 20 });
      const scanner = createQrScanner({ id: 'qr-replayed', transport: replay, suffix: 'CRLF' });
      scanner.onScan((e) => scans.push(e));
      await scanner.start();
      try {
        await waitFor('the replayed scan', () => scans.length >= 1, 30_000);
      } finally {
        await scanner.stop();
      }
      assert.equal(scans[0]!.kind, 'ec-qr');
      assert.match(scans[0]!.text, /^NHSAEC1\./);
    });
  }
});
