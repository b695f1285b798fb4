// The devices benchmark (`npm run bench:devices`): QR decoding from camera frames on a clean and a
// hard synthetic set (seeded, made at bench time) by the terminal's pipeline (the headline), beside
// @zxing/library alone and zxing-wasm alone in the same run, the pipeline without its wasm (the
// fallback), whole presentations (a phone held up for a second at 15 frames/s), codec throughput, 100,000 fuzz cases a codec and decoder
// (frame codecs, HID reports, ESC/POS, the keyboard-wedge burst detector, both base-info parsers), and
// the time from the last byte written on a pty to the session event of the running terminal, beside
// the same to the scanner driver's own event. Last line: one JSON object. `--qr-only` stops after
// the QR figures (`--frames=n`, `--presentations=n` make the sets smaller for a short run).
import { performance } from 'node:perf_hooks';
import { SerialPort } from 'serialport';
import { qrSymbol, renderQrScene, seededRandom } from '../drivers/testing/synth-qr';
import { createQrFramePipeline, decodeQrFrame, decodeQrZxingJs, decodeQrZxingWasm, loadZxingWasm, QR_FRAME_BUDGET_MS } from '../drivers/camera/qr-decode';
import type { CameraFrame } from '../drivers/camera/frame';
import { fuzzCodec, type FuzzResult } from '../drivers/testing/fuzz/codec-fuzz';
import { samFuzzTarget } from '../drivers/testing/fuzz/id-card-target';
import { cardReaderFuzzTarget } from '../drivers/testing/fuzz/card-reader-target';
import { qrScannerFuzzTarget } from '../drivers/testing/fuzz/qr-scanner-target';
import { createSamResponseDecoder } from '../drivers/id-card/codec';
import { syntheticBaseInfoAnswer } from '../drivers/id-card/sim-reader';
import { createReaderAnswerDecoder, encodeCardBaseInfo, encodeReaderAnswer } from '../drivers/card-reader/codec';
import { SYNTHETIC_SS_CARD } from '../drivers/card-reader/sim-reader';
import { createQrScannerCodec } from '../drivers/qr-scanner/codec';
import { createQrScanner } from '../drivers/qr-scanner/device';
import { createSerialTransport } from '../drivers/transport/serial';
import { createPtyPair } from '../drivers/transport/pty';
import { fuzzHidReports } from '../drivers/testing/fuzz/hid-target';
import { fuzzWedge } from '../drivers/testing/fuzz/keyboard-wedge-target';
import { fuzzEscPos } from '../drivers/testing/fuzz/printer-target';
import { fuzzBaseInfo } from '../drivers/testing/fuzz/id-card-target';
import { fuzzCardBaseInfo } from '../drivers/testing/fuzz/card-reader-target';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfig } from '../terminal/config/config';
import { startTerminal } from '../terminal/app/start-terminal';
import type { SessionView } from '../terminal/api/schema';

const args = new Map(process.argv.slice(2).map((a) => a.replace(/^--/, '').split('=') as [string, string]));
const SET_SIZE = Number(args.get('frames') ?? 160);
const FUZZ_CASES = Number(args.get('fuzz') ?? 100_000);
const SEED = Number(args.get('seed') ?? 42);
const PRESENTATIONS = Number(args.get('presentations') ?? 60);
const QR_ONLY = args.has('qr-only');

const percentile = (values: number[], p: number) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
};
const round = (n: number, d = 2) => Math.round(n * 10 ** d) / 10 ** d;
const log = (...parts: unknown[]) => console.log(...parts);

function codeText(rnd: () => number, i: number): string {
  // Lengths of real codes: pay codes (18 digits) to 医保码 payloads (~100 characters).
  return `NHSAEC1.EC${Math.floor(rnd() * 1e12).toString(36).toUpperCase()}.${1700000000 + i}.${Math.floor(rnd() * 1e15).toString(16)}${'x'.repeat(Math.floor(rnd() * 60))}`;
}

async function makeSet(hard: boolean): Promise<Array<{ frame: CameraFrame; text: string }>> {
  const rnd = seededRandom(SEED + (hard ? 1 : 0));
  const set = [];
  for (let i = 0; i < SET_SIZE; i++) {
    const text = codeText(rnd, i);
    set.push({ frame: renderQrScene(await qrSymbol(text), { hard, seed: SEED * 1000 + i + (hard ? 500_000 : 0) }), text });
  }
  return set;
}

interface PresentationFigures {
  success: number;
  /** Frames until the first read (1 = the first frame), p50 and worst. */
  frames_p50: number;
  frames_max: number;
  /** Decode time of a presentation's frames until the read, p50 and p95. */
  ms_p50: number;
  ms_p95: number;
  /** Per frame of the presentation (each decoded), the same pipeline's success: how independent the frames are. */
  per_frame_success: number;
  over_budget_frames: number;
}

/**
 * A phone held up for a second at 15 frames/s on hard scenes (new scenes, not the sets'): each frame
 * goes through the camera's pipeline; the presentation succeeds when a frame reads the right code.
 */
async function presentations(count: number): Promise<PresentationFigures> {
  const rnd = seededRandom(SEED + 2);
  let ok = 0;
  let frameHits = 0;
  let framesTried = 0;
  let overBudget = 0;
  const framesToRead: number[] = [];
  const times: number[] = [];
  for (let p = 0; p < count; p++) {
    const text = codeText(rnd, p);
    const symbol = await qrSymbol(text);
    const pipeline = createQrFramePipeline();
    let read = 0;
    let spent = 0;
    for (let f = 0; f < 15; f++) {
      const frame = renderQrScene(symbol, { hard: true, seed: SEED * 1000 + 900_000 + p, frame: f });
      const t0 = performance.now();
      const got = await pipeline.decode(frame);
      const ms = performance.now() - t0;
      if (ms > QR_FRAME_BUDGET_MS) overBudget++;
      framesTried++;
      if (got?.text === text) {
        frameHits++;
        if (read === 0) {
          read = f + 1;
          times.push(spent + ms);
        }
      }
      if (read === 0) spent += ms;
    }
    if (read > 0) {
      ok++;
      framesToRead.push(read);
    }
  }
  return {
    success: round(ok / count, 4),
    frames_p50: percentile(framesToRead, 50),
    frames_max: Math.max(0, ...framesToRead),
    ms_p50: round(percentile(times, 50)),
    ms_p95: round(percentile(times, 95)),
    per_frame_success: round(frameHits / framesTried, 4),
    over_budget_frames: overBudget,
  };
}

/** An idle camera (the same picture again and again): how many frames the pipeline decodes. */
async function stillScene(frames: number, frame: CameraFrame): Promise<{ decoded: number; skipped: number }> {
  const pipeline = createQrFramePipeline();
  for (let i = 0; i < frames; i++) await pipeline.decode({ ...frame, data: frame.data.slice() });
  const stats = pipeline.stats();
  return { decoded: stats.decoded, skipped: stats.skippedUnchanged };
}

interface DecodeFigures {
  p50: number;
  p95: number;
  success: number;
}

async function measure(set: Array<{ frame: CameraFrame; text: string }>, decode: (f: CameraFrame) => Promise<string | null> | string | null): Promise<DecodeFigures & { by?: Record<string, number> }> {
  const times: number[] = [];
  let ok = 0;
  for (const { frame, text } of set) {
    const t0 = performance.now();
    const got = await decode(frame);
    times.push(performance.now() - t0);
    if (got === text) ok++;
  }
  return { p50: round(percentile(times, 50)), p95: round(percentile(times, 95)), success: round(ok / set.length, 4) };
}

function throughput(name: string, frame: Uint8Array, create: () => { push(c: Uint8Array): unknown[] }): number {
  const decoder = create();
  const n = Math.max(2000, Math.floor(20_000_000 / frame.length));
  const t0 = performance.now();
  let events = 0;
  for (let i = 0; i < n; i++) events += decoder.push(frame).length;
  const fps = n / ((performance.now() - t0) / 1000);
  if (events !== n) throw new Error(`${name}: ${events} events for ${n} frames`);
  log(`codec ${name}: ${Math.round(fps)} frames/s (${frame.length} bytes a frame)`);
  return Math.round(fps);
}

async function ptyToEvent(samples: number): Promise<number[]> {
  const pair = await createPtyPair();
  const scanner = createQrScanner({ id: 'bench', transport: createSerialTransport({ path: pair.hostPath, baudRate: 115200 }), suffix: 'CRLF' });
  let resolveScan: (() => void) | null = null;
  scanner.onScan(() => resolveScan?.());
  await scanner.start();
  const port = new SerialPort({ path: pair.devicePath, baudRate: 115200, autoOpen: false });
  port.on('error', () => {});
  await new Promise<void>((r, j) => port.open((e) => (e ? j(e) : r())));
  const out: number[] = [];
  try {
    for (let i = 0; i < samples; i++) {
      const code = `ZY${String(2024081500000 + i)}`;
      await new Promise<void>((r) => port.write(code, () => port.drain(() => r())));
      await new Promise((r) => setTimeout(r, 5));
      const seen = new Promise<void>((r) => (resolveScan = r));
      // The clock starts as the frame's last bytes (its suffix) are handed to the pty.
      const t0 = performance.now();
      port.write('\r\n');
      await seen;
      out.push(performance.now() - t0);
    }
  } finally {
    await new Promise<void>((r) => port.close(() => r()));
    await scanner.stop();
    await pair.close();
  }
  return out;
}

/** Writes bytes and resolves once they have left for the pty. */
const writeAll = (port: SerialPort, data: string) => new Promise<void>((r) => port.write(data, () => port.drain(() => r())));

/**
 * The whole path a patient's scan takes: pty -> serial driver -> device manager -> core -> the
 * session event a host's subscriber (the UI) gets. A visit barcode at the identify step is answered
 * by the session at once ("not a 医保码"), so no platform round trip is in the figure.
 */
async function ptyToTerminalEvent(samples: number): Promise<number[]> {
  const pair = await createPtyPair();
  const dataDir = mkdtempSync(join(tmpdir(), 'bench-devices-'));
  const terminal = await startTerminal({
    config: parseConfig({ devices: [{ id: 'qr-bench', kind: 'qr-scanner', suffix: 'CRLF', transport: { type: 'serial', path: pair.hostPath, baudRate: 115200 } }] }),
    dataDir,
    fixturesDir: new URL('../fixtures/', import.meta.url).pathname,
  });
  const port = new SerialPort({ path: pair.devicePath, baudRate: 115200, autoOpen: false });
  port.on('error', () => {});
  await new Promise<void>((r, j) => port.open((e) => (e ? j(e) : r())));
  let waiting: ((s: SessionView) => void) | null = null;
  const unsubscribe = terminal.api.subscribe((event) => {
    if (event.type === 'session' && event.session.step !== 'identify' && event.session.step !== 'idle') waiting?.(event.session);
  });
  const out: number[] = [];
  try {
    // The serial driver opens the port in the background: wait until it is ready before timing.
    for (let i = 0; i < 200; i++) {
      const status = await terminal.api.execute({ type: 'status.get' });
      if (status.ok && status.status.devices[0]?.state === 'ready') break;
      await new Promise((r) => setTimeout(r, 10));
    }
    for (let i = 0; i < samples; i++) {
      await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
      await writeAll(port, `ZY${String(2024081500000 + i)}`);
      await new Promise((r) => setTimeout(r, 5));
      const seen = new Promise<SessionView>((r) => (waiting = r));
      const t0 = performance.now();
      port.write('\r\n');
      const session = await seen;
      out.push(performance.now() - t0);
      waiting = null;
      if (session.step !== 'error') throw new Error(`unexpected step ${session.step}`);
      await terminal.api.execute({ type: 'session.reset' });
    }
  } finally {
    unsubscribe();
    await new Promise<void>((r) => port.close(() => r()));
    await terminal.close();
    await pair.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
  return out;
}

async function main(): Promise<void> {
  const started = performance.now();
  await loadZxingWasm();
  const clean = await makeSet(false);
  const hard = await makeSet(true);
  log(`sets: ${clean.length} clean, ${hard.length} hard frames of 640x480 (seed ${SEED})`);

  // Warm both decoders (the wasm's optimising tier, the JS's JIT) so no figure carries the first calls.
  for (const { frame } of [...clean.slice(0, 10), ...hard.slice(0, 10)]) {
    decodeQrZxingJs(frame);
    await decodeQrZxingWasm(frame);
  }
  const jsClean = await measure(clean, decodeQrZxingJs);
  const jsHard = await measure(hard, decodeQrZxingJs);
  const wasmClean = await measure(clean, decodeQrZxingWasm);
  const wasmHard = await measure(hard, decodeQrZxingWasm);
  const jsOnlyClean = await measure(clean, async (f) => (await decodeQrFrame(f, { wasm: false }))?.text ?? null);
  const jsOnlyHard = await measure(hard, async (f) => (await decodeQrFrame(f, { wasm: false }))?.text ?? null);
  const pipeClean = await measure(clean, async (f) => (await decodeQrFrame(f))?.text ?? null);
  const pipeHard = await measure(hard, async (f) => (await decodeQrFrame(f))?.text ?? null);
  const shown = await presentations(PRESENTATIONS);
  const idle = await stillScene(30, hard[0]!.frame);
  log('pipeline (wasm first)    clean', pipeClean, 'hard', pipeHard);
  log('  baseline @zxing/library (hybrid) alone  clean', jsClean, 'hard', jsHard);
  log('  baseline zxing-wasm alone               clean', wasmClean, 'hard', wasmHard);
  log('  pipeline without the wasm (fallback)    clean', jsOnlyClean, 'hard', jsOnlyHard);
  log(`presentations (1 s at 15 fps, hard): ${PRESENTATIONS}`, shown);
  log(`idle camera, 30 identical frames: ${idle.decoded} decoded, ${idle.skipped} skipped as unchanged`);
  const qrFigures = {
    // The headline: the terminal's pipeline.
    qr_decode_success_rate: pipeClean.success,
    qr_decode_ms_p50: pipeClean.p50,
    qr_decode_ms_p95: pipeClean.p95,
    qr_hard_success_rate: pipeHard.success,
    qr_hard_ms_p50: pipeHard.p50,
    qr_hard_ms_p95: pipeHard.p95,
    qr_presentation_success_rate: shown.success,
    qr_presentation_frames_to_read_p50: shown.frames_p50,
    qr_presentation_frames_to_read_max: shown.frames_max,
    qr_presentation_ms_to_read_p50: shown.ms_p50,
    qr_presentation_ms_to_read_p95: shown.ms_p95,
    qr_presentation_per_frame_success: shown.per_frame_success,
    qr_presentation_frames_over_budget: shown.over_budget_frames,
    qr_presentations: PRESENTATIONS,
    qr_frame_budget_ms: QR_FRAME_BUDGET_MS,
    qr_idle_frames_decoded_of_30: idle.decoded,
    // Baselines from the same run.
    zxing_js_success_rate: jsClean.success,
    zxing_js_ms_p50: jsClean.p50,
    zxing_js_hard_success_rate: jsHard.success,
    zxing_js_hard_ms_p50: jsHard.p50,
    zxing_wasm_success_rate: wasmClean.success,
    zxing_wasm_ms_p50: wasmClean.p50,
    zxing_wasm_ms_p95: wasmClean.p95,
    zxing_wasm_hard_success_rate: wasmHard.success,
    zxing_wasm_hard_ms_p50: wasmHard.p50,
    qr_fallback_success_rate: jsOnlyClean.success,
    qr_fallback_hard_success_rate: jsOnlyHard.success,
    qr_fallback_hard_ms_p50: jsOnlyHard.p50,
    qr_hard_p50_over_wasm_p50: round(pipeHard.p50 / wasmHard.p50, 3),
    frames_per_set: SET_SIZE,
  };
  if (QR_ONLY) {
    console.log(JSON.stringify({ ...qrFigures, seed: SEED, total_s: round((performance.now() - started) / 1000, 1) }));
    return;
  }

  const sam = throughput('id-card-sam base info', syntheticBaseInfoAnswer(), createSamResponseDecoder);
  const reader = throughput('ss-card-reader base info', encodeReaderAnswer(0x32, 0, encodeCardBaseInfo(SYNTHETIC_SS_CARD)), () => createReaderAnswerDecoder());
  const qr = throughput('qr-scanner line', new TextEncoder().encode(`${clean[0]!.text}\r\n`), () => createQrScannerCodec({ suffix: 'CRLF' }));

  const fuzz: FuzzResult[] = [];
  const fuzzers: Array<() => FuzzResult> = [
    ...[samFuzzTarget, cardReaderFuzzTarget, qrScannerFuzzTarget].map((target) => () => fuzzCodec(target as Parameters<typeof fuzzCodec>[0], FUZZ_CASES, SEED)),
    ...[fuzzHidReports, fuzzEscPos, fuzzWedge, fuzzBaseInfo, fuzzCardBaseInfo].map((fuzzer) => () => fuzzer(FUZZ_CASES, SEED)),
  ];
  for (const run of fuzzers) {
    const t0 = performance.now();
    const result = run();
    log(`fuzz ${result.name}: ${result.cases} cases, ${result.failures} failing properties in ${Math.round(performance.now() - t0)} ms${result.counterexample ? `: ${result.counterexample}` : ''}`);
    fuzz.push(result);
  }

  const scanLatency = await ptyToEvent(100);
  log(`pty -> scanner driver event (baseline): p50 ${round(percentile(scanLatency, 50))} ms, p95 ${round(percentile(scanLatency, 95))} ms`);
  const latency = await ptyToTerminalEvent(100);
  log(`pty -> terminal session event: p50 ${round(percentile(latency, 50))} ms, p95 ${round(percentile(latency, 95))} ms`);

  console.log(
    JSON.stringify({
      ...qrFigures,
      codec_fps_id_card: sam,
      codec_fps_card_reader: reader,
      codec_fps_qr_scanner: qr,
      fuzz_cases: fuzz.reduce((n, r) => n + r.cases, 0),
      fuzz_cases_per_codec: FUZZ_CASES,
      fuzz_failures: fuzz.reduce((n, r) => n + r.failures, 0),
      pty_to_event_ms_p50: round(percentile(latency, 50)),
      pty_to_event_ms_p95: round(percentile(latency, 95)),
      pty_to_scan_ms_p50: round(percentile(scanLatency, 50)),
      pty_to_scan_ms_p95: round(percentile(scanLatency, 95)),
      fuzz_codecs: fuzz.map((r) => r.name),
      seed: SEED,
      total_s: round((performance.now() - started) / 1000, 1),
    }),
  );
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
