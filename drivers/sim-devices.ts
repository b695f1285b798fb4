// Simulated devices for development, demos and hospital IT: makes virtual serial cables (socat pty
// pairs), prints the end the terminal should open, and plays recordings onto the other end.
//
//   tsx drivers/sim-devices.ts [--speed N] [--wait-ms N] [--gap-ms N] [--repeat] [--no-wait-attach]
//       [--platform-fixtures fixtures/platform/] fixtures/devices/<device>/*.jsonl ...
//
// By the recording's folder:
// - qr-scanner/: all played in turn on one pair: {"device":"qr-scanner","hostPath":...}, then
//   {"played": file} after each.
// - id-card/, card-reader/: a simulated reader a recording, each on its own pair, answering the
//   terminal's requests from the file: {"device":"id-card","fixture":...,"hostPath":...}.
// - qr-scanner-hid/: each recording's HID reports go through the HID transport and report decoder
//   (the path a USB HID scanner takes) and the decoded bytes out on a pair, so a terminal configured
//   for a serial scanner sees what the HID path makes of them: {"device":"qr-scanner-hid",...}.
//   Keyboard mode if every report is 8 bytes, else HID POS data mode.
// A scanner's recording plays only once a terminal has opened its host end ({"attached": ...}), then
// after --wait-ms (its open finishing): bytes sent before that are lost to it. --no-wait-attach
// plays after --wait-ms alone (where /proc cannot tell who has a port open).
// Template `ec-qr` chunks become fresh codes the platform simulator accepts (same fixtures dir).
// The QR pair's line comes first. Ctrl-C ends.
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { SerialPort } from 'serialport';
import { createPtyPair, playRecordingToPort, watchHostOpen, type PtyPair } from './transport/pty';
import { readRecording } from './transport/replay';
import { delay } from './transport/recording';
import { serveConversationOnPort } from './transport/conversation';
import { createHidReplayTransport } from './transport/hid-replay';
import type { RecordedChunk, TemplateResolver } from './transport/types';
import { createSimEcQrResolver } from './qr-scanner/sim-ec-qr';
import { samIdleAnswer, samRequestFramer } from './id-card/sim-reader';
import { readerIdleAnswer, readerRequestFramer } from './card-reader/sim-reader';

type SimKind = 'qr-scanner' | 'qr-scanner-hid' | 'id-card' | 'card-reader';

export function simKindOf(file: string): SimKind {
  const folder = file.split(/[\\/]/).slice(-2, -1)[0];
  return folder === 'qr-scanner-hid' || folder === 'id-card' || folder === 'card-reader' ? folder : 'qr-scanner';
}

export function hidModeOf(chunks: RecordedChunk[]): 'keyboard' | 'pos' {
  return chunks.every((c) => !('hex' in c) || c.hex.length === 16) ? 'keyboard' : 'pos';
}

/** A reader on its own pair, answering from the recording until stopped. */
async function serveReader(kind: 'id-card' | 'card-reader', file: string, chunks: RecordedChunk[], resolve: TemplateResolver, signal: AbortSignal, pairs: PtyPair[]) {
  const pair = await createPtyPair();
  pairs.push(pair);
  const served = serveConversationOnPort(pair.devicePath, {
    chunks,
    framer: kind === 'id-card' ? samRequestFramer : readerRequestFramer,
    idle: kind === 'id-card' ? samIdleAnswer : readerIdleAnswer,
    resolve,
    signal,
    onFinished: () => console.log(JSON.stringify({ played: basename(file) })),
  });
  console.log(JSON.stringify({ device: kind, fixture: basename(file), hostPath: pair.hostPath }));
  return { served };
}

/** Waits for a terminal to open the pair's host end (when asked to and /proc can tell), then for its open to finish. */
async function untilAttached(attach: { opened(signal?: AbortSignal): Promise<boolean> } | null, device: string, pair: PtyPair, waitMs: number, signal: AbortSignal): Promise<void> {
  if (attach && (await attach.opened(signal))) console.log(JSON.stringify({ attached: device, hostPath: pair.hostPath }));
  await delay(waitMs, signal);
}

/** HID reports through the HID transport, the decoded bytes out on a pair. */
async function serveHid(file: string, chunks: RecordedChunk[], opts: { resolve: TemplateResolver; speed: number; waitMs: number; waitAttach: boolean; signal: AbortSignal; pairs: PtyPair[] }) {
  const pair = await createPtyPair();
  opts.pairs.push(pair);
  const mode = hidModeOf(chunks);
  const attach = opts.waitAttach ? await watchHostOpen(pair) : null;
  console.log(JSON.stringify({ device: 'qr-scanner-hid', mode, fixture: basename(file), hostPath: pair.hostPath }));
  const port = new SerialPort({ path: pair.devicePath, baudRate: 115200, autoOpen: false });
  port.on('error', () => {});
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  const transport = createHidReplayTransport({ chunks, mode, speed: opts.speed, resolve: opts.resolve });
  transport.onData((bytes) => port.write(Buffer.from(bytes)));
  transport.onClose((reason) => {
    if (reason) console.log(JSON.stringify({ unplugged: basename(file) }));
  });
  try {
    await untilAttached(attach, 'qr-scanner-hid', pair, opts.waitMs, opts.signal);
    // Each open is one plug-in: a recording with unplug events is opened again after each.
    const plugIns = chunks.filter((c) => 'event' in c).length + 1;
    for (let i = 0; i < plugIns && !opts.signal.aborted; i++) {
      if (i > 0) {
        await transport.close();
        await delay(200 / opts.speed, opts.signal);
      }
      await transport.open();
      await transport.finished();
    }
    console.log(JSON.stringify({ played: basename(file) }));
    if (!opts.signal.aborted) await new Promise<void>((resolve) => opts.signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    await transport.close();
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      speed: { type: 'string', default: '1' },
      // After the terminal attached: its serial open (settings, flush) finishing.
      'wait-ms': { type: 'string', default: '500' },
      'no-wait-attach': { type: 'boolean', default: false },
      'gap-ms': { type: 'string', default: '1000' },
      repeat: { type: 'boolean', default: false },
      'platform-fixtures': { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new Error('usage: sim-devices [--speed N] [--wait-ms N] [--gap-ms N] [--repeat] [--no-wait-attach] recording.jsonl...');
  const waitAttach = !values['no-wait-attach'];
  const resolve = await createSimEcQrResolver({ platformFixturesDir: values['platform-fixtures'] });
  const recordings = await Promise.all(positionals.map(async (file) => ({ file, kind: simKindOf(file), chunks: await readRecording(file) })));
  const speed = Number(values.speed);
  const waitMs = Number(values['wait-ms']);
  const stop = new AbortController();
  const shutdown = () => stop.abort();
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  const pairs: PtyPair[] = [];
  const running: Array<Promise<void>> = [];
  try {
    const scanner = recordings.filter((r) => r.kind === 'qr-scanner');
    if (scanner.length > 0) {
      const pair = await createPtyPair();
      pairs.push(pair);
      const attach = waitAttach ? await watchHostOpen(pair) : null;
      console.log(JSON.stringify({ device: 'qr-scanner', hostPath: pair.hostPath }));
      running.push(
        (async () => {
          // Not before a terminal has the host end open: bytes written before that are lost to it.
          await untilAttached(attach, 'qr-scanner', pair, waitMs, stop.signal);
          do {
            for (const { file, chunks } of scanner) {
              if (stop.signal.aborted) break;
              await playRecordingToPort(pair.devicePath, chunks, { speed, resolve, signal: stop.signal });
              console.log(JSON.stringify({ played: basename(file) }));
              await delay(Number(values['gap-ms']), stop.signal);
            }
          } while (values.repeat && !stop.signal.aborted);
        })(),
      );
    }
    for (const { file, kind, chunks } of recordings) {
      if (kind === 'id-card' || kind === 'card-reader') running.push((await serveReader(kind, file, chunks, resolve, stop.signal, pairs)).served);
      else if (kind === 'qr-scanner-hid') running.push(serveHid(file, chunks, { resolve, speed, waitMs, waitAttach, signal: stop.signal, pairs }));
    }
    await Promise.all(running);
    // Keep the cables plugged in until told to stop.
    if (!stop.signal.aborted) await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    stop.abort();
    await Promise.allSettled(running);
    for (const pair of pairs) await pair.close();
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
