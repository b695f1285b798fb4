// Simulated devices for development, demos and hospital IT: makes a virtual serial cable (socat pty
// pair), prints the end the terminal should open, and plays recordings onto the other end.
//
//   tsx drivers/sim-devices.ts [--speed N] [--wait-ms N] [--gap-ms N] [--repeat]
//       [--platform-fixtures fixtures/platform/] fixtures/devices/qr-scanner/*.jsonl
//
// Template `ec-qr` chunks become fresh codes the platform simulator accepts (same fixtures dir).
//
// Prints one JSON line {"hostPath": ...} then {"played": file} after each recording; Ctrl-C ends.
import { basename } from 'node:path';
import { parseArgs } from 'node:util';
import { createPtyPair, playRecordingToPort } from './transport/pty';
import { readRecording } from './transport/replay';
import { delay } from './transport/recording';
import { createSimEcQrResolver } from './qr-scanner/sim-ec-qr';

async function main(): Promise<void> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      speed: { type: 'string', default: '1' },
      'wait-ms': { type: 'string', default: '2000' },
      'gap-ms': { type: 'string', default: '1000' },
      repeat: { type: 'boolean', default: false },
      'platform-fixtures': { type: 'string' },
    },
  });
  if (positionals.length === 0) throw new Error('usage: sim-devices [--speed N] [--wait-ms N] [--gap-ms N] [--repeat] recording.jsonl...');
  const resolve = await createSimEcQrResolver({ platformFixturesDir: values['platform-fixtures'] });
  const recordings = await Promise.all(positionals.map(async (file) => ({ file, chunks: await readRecording(file) })));
  const pair = await createPtyPair();
  const stop = new AbortController();
  const shutdown = () => stop.abort();
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  console.log(JSON.stringify({ hostPath: pair.hostPath }));
  try {
    // Time for the terminal to open the host end: bytes written before that are lost to it.
    await delay(Number(values['wait-ms']), stop.signal);
    do {
      for (const { file, chunks } of recordings) {
        if (stop.signal.aborted) break;
        await playRecordingToPort(pair.devicePath, chunks, { speed: Number(values.speed), resolve, signal: stop.signal });
        console.log(JSON.stringify({ played: basename(file) }));
        await delay(Number(values['gap-ms']), stop.signal);
      }
    } while (values.repeat && !stop.signal.aborted);
    // Keep the cable plugged in until told to stop.
    if (!stop.signal.aborted) await new Promise<void>((resolve) => stop.signal.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    await pair.close();
  }
}

if (process.argv[1] && import.meta.url === new URL(`file://${process.argv[1]}`).href) {
  main().catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  });
}
