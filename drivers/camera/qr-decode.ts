// QR codes from camera frames. zxing-wasm (ZXing C++: sturdy on rotation, perspective, glare and
// moire, and a few times faster than the pure-JS port) reads first, then reads the frame again with
// its background flattened (glare and a dim screen taken away); @zxing/library (pure JS) follows
// with the hybrid binarizer, the global-histogram one (glare, soft focus) and a half-scale retry
// (moire averages out), as long as the frame's time budget lasts, and is all there is when the wasm
// cannot be loaded. The camera's stream goes through createQrFramePipeline, which also skips frames
// that did not change since the last one it tried. The wasm comes from node_modules, never a network.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import zxing, { type Binarizer, type LuminanceSource } from '@zxing/library';
import { performance } from 'node:perf_hooks';
import type { CameraFrame } from './frame';

// @zxing/library is CommonJS: named imports do not resolve under node's ESM loader.
const { BinaryBitmap, DecodeHintType, GlobalHistogramBinarizer, HybridBinarizer, QRCodeReader, RGBLuminanceSource } = zxing;

export type QrDecoderName = 'zxing-wasm' | 'zxing-wasm-flattened' | 'zxing-js-hybrid' | 'zxing-js-histogram' | 'zxing-js-half';
export interface QrDecodeResult {
  text: string;
  by: QrDecoderName;
}

export function luminance(frame: CameraFrame): Uint8ClampedArray {
  const out = new Uint8ClampedArray(frame.width * frame.height);
  const d = frame.data;
  for (let i = 0, j = 0; i < out.length; i++, j += 4) out[i] = (d[j]! * 77 + d[j + 1]! * 150 + d[j + 2]! * 29) >> 8;
  return out;
}

function halfScale(lum: Uint8ClampedArray, width: number, height: number): { lum: Uint8ClampedArray; width: number; height: number } {
  const w = width >> 1;
  const h = height >> 1;
  const out = new Uint8ClampedArray(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = 2 * y * width + 2 * x;
      out[y * w + x] = (lum[i]! + lum[i + 1]! + lum[i + width]! + lum[i + width + 1]!) >> 2;
    }
  }
  return { lum: out, width: w, height: h };
}

/**
 * Luminance with its slow background taken away (each pixel minus the mean of the (2r+1)^2 square
 * around it, contrast tripled) as a grey RGBA frame: a glare blob or a dim half of a phone screen
 * no longer hides the modules from a binarizer. An integral image makes it one pass whatever r is.
 */
export function flattenedFrame(lum: Uint8ClampedArray, W: number, H: number, r: number): CameraFrame {
  const stride = W + 1;
  const I = new Float64Array(stride * (H + 1));
  for (let y = 0; y < H; y++) {
    let row = 0;
    for (let x = 0; x < W; x++) {
      row += lum[y * W + x]!;
      I[(y + 1) * stride + x + 1] = I[y * stride + x + 1]! + row;
    }
  }
  const out = new Uint8Array(W * H * 4);
  for (let y = 0; y < H; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(H, y + r + 1);
    for (let x = 0; x < W; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(W, x + r + 1);
      const mean = (I[y1 * stride + x1]! - I[y0 * stride + x1]! - I[y1 * stride + x0]! + I[y0 * stride + x0]!) / ((y1 - y0) * (x1 - x0));
      const v = Math.max(0, Math.min(255, 128 + (lum[y * W + x]! - mean) * 3));
      const j = (y * W + x) * 4;
      out[j] = out[j + 1] = out[j + 2] = v;
      out[j + 3] = 255;
    }
  }
  return { width: W, height: H, data: out };
}

/**
 * What zxing-wasm is shown when the frame as taken did not read: first the half-scale frame
 * flattened over 8 pixels (moire averaged out, glare taken away; ~3 ms), then one of these by the
 * frame's number, so a phone held up for a second is looked at in each way several times.
 */
const FLATTENED_VARIANTS: ReadonlyArray<{ half: boolean; r: number }> = [
  { half: false, r: 16 },
  { half: true, r: 4 },
  { half: false, r: 8 },
];

const hints = new Map<zxing.DecodeHintType, unknown>([[DecodeHintType.TRY_HARDER, true]]);

function tryZxingJs(source: LuminanceSource, binarizer: (s: LuminanceSource) => Binarizer): string | null {
  try {
    return new QRCodeReader().decode(new BinaryBitmap(binarizer(source)), hints).getText();
  } catch {
    // NotFound, Checksum and Format exceptions all mean "not in this frame".
    return null;
  }
}

/** @zxing/library alone with the hybrid binarizer: the baseline. */
export function decodeQrZxingJs(frame: CameraFrame): string | null {
  return tryZxingJs(new RGBLuminanceSource(luminance(frame), frame.width, frame.height), (s) => new HybridBinarizer(s));
}

type ReadBarcodes = (typeof import('zxing-wasm/reader'))['readBarcodes'];
let wasmReader: ReadBarcodes | null = null;
/** Why the wasm could not be loaded, once that has been tried and failed: the JS tries carry on alone. */
let wasmMissing: string | null = null;

/** Loads zxing-wasm's reader with its wasm binary from node_modules. */
export async function loadZxingWasm(): Promise<ReadBarcodes> {
  if (wasmReader) return wasmReader;
  const mod = await import('zxing-wasm/reader');
  const wasmPath = createRequire(import.meta.url).resolve('zxing-wasm/reader/zxing_reader.wasm');
  const bytes = await readFile(wasmPath);
  const wasmBinary = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  await mod.prepareZXingModule({ overrides: { wasmBinary }, fireImmediately: true });
  wasmReader = mod.readBarcodes;
  return wasmReader;
}

/** The wasm reader, or null when it is missing (tried once; the reason stays in qrWasmMissing()). */
async function wasmIfPresent(loader?: () => Promise<ReadBarcodes>): Promise<ReadBarcodes | null> {
  if (loader) return loader().catch(() => null);
  if (wasmReader) return wasmReader;
  if (wasmMissing !== null) return null;
  try {
    return await loadZxingWasm();
  } catch (error) {
    wasmMissing = error instanceof Error ? error.message : String(error);
    return null;
  }
}

/** Why zxing-wasm is not in use, or null when it is (or has not been needed yet). */
export function qrWasmMissing(): string | null {
  return wasmMissing;
}

async function readWithWasm(read: ReadBarcodes, frame: CameraFrame): Promise<string | null> {
  const image = { data: new Uint8ClampedArray(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength), width: frame.width, height: frame.height, colorSpace: 'srgb' } as ImageData;
  const results = await read(image, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 });
  const hit = results.find((r) => r.isValid);
  return hit ? hit.text : null;
}

/** zxing-wasm alone: the other baseline. */
export async function decodeQrZxingWasm(frame: CameraFrame): Promise<string | null> {
  return readWithWasm(await loadZxingWasm(), frame);
}

/** A camera at 15 frames/s: the time one frame may take before the next is due. */
export const QR_FRAME_BUDGET_MS = Math.floor(1000 / 15);

export interface QrDecodeOptions {
  /** false: the JS tries only, as when the wasm is missing. */
  wasm?: boolean;
  /** No new try starts once this much of the frame's time has gone (the one running finishes). */
  budgetMs?: number;
  /** For tests: how the wasm is loaded (a loader that throws stands for a missing wasm). */
  loadWasm?: () => Promise<ReadBarcodes>;
  now?: () => number;
  /** The frame's number in its stream: picks the flattened view tried second (see FLATTENED_VARIANTS). */
  attempt?: number;
}

/** The pipeline the terminal uses on one frame: zxing-wasm first, then the JS tries within the budget. */
export async function decodeQrFrame(frame: CameraFrame, opts: QrDecodeOptions = {}): Promise<QrDecodeResult | null> {
  const now = opts.now ?? (() => performance.now());
  const started = now();
  const budget = opts.budgetMs ?? QR_FRAME_BUDGET_MS;
  const within = () => now() - started < budget;
  let lum: Uint8ClampedArray | null = null;
  if (opts.wasm !== false) {
    const read = await wasmIfPresent(opts.loadWasm);
    if (read) {
      const text = await readWithWasm(read, frame);
      if (text !== null) return { text, by: 'zxing-wasm' };
      lum = luminance(frame);
      const half = halfScale(lum, frame.width, frame.height);
      const variant = FLATTENED_VARIANTS[(opts.attempt ?? 0) % FLATTENED_VARIANTS.length]!;
      for (const view of [{ half: true, r: 8 }, variant]) {
        if (!within()) return null;
        const src = view.half ? half : { lum, width: frame.width, height: frame.height };
        const flat = await readWithWasm(read, flattenedFrame(src.lum, src.width, src.height, view.r));
        if (flat !== null) return { text: flat, by: 'zxing-wasm-flattened' };
      }
    }
  }
  if (!within()) return null;
  lum ??= luminance(frame);
  const source = new RGBLuminanceSource(lum, frame.width, frame.height);
  const hybrid = tryZxingJs(source, (s) => new HybridBinarizer(s));
  if (hybrid !== null) return { text: hybrid, by: 'zxing-js-hybrid' };
  if (!within()) return null;
  const histogram = tryZxingJs(source, (s) => new GlobalHistogramBinarizer(s));
  if (histogram !== null) return { text: histogram, by: 'zxing-js-histogram' };
  if (!within()) return null;
  const half = halfScale(lum, frame.width, frame.height);
  const halfText = tryZxingJs(new RGBLuminanceSource(half.lum, half.width, half.height), (s) => new HybridBinarizer(s));
  return halfText !== null ? { text: halfText, by: 'zxing-js-half' } : null;
}

/**
 * A coarse picture of a frame for change detection: the mean luminance of 32x32-pixel blocks from
 * every 4th pixel of every 4th row (64 samples a block: sensor noise of sigma 8 leaves the mean
 * within ~1 level). Costs a 16th of a pass over the frame.
 */
export function frameSignature(frame: CameraFrame, block = 32, step = 4): Float32Array {
  const bw = Math.ceil(frame.width / block);
  const bh = Math.ceil(frame.height / block);
  const sums = new Float32Array(bw * bh);
  const counts = new Uint16Array(bw * bh);
  const d = frame.data;
  for (let y = 0; y < frame.height; y += step) {
    const row = Math.floor(y / block) * bw;
    for (let x = 0; x < frame.width; x += step) {
      const j = (y * frame.width + x) * 4;
      const b = row + Math.floor(x / block);
      sums[b]! += (d[j]! * 77 + d[j + 1]! * 150 + d[j + 2]! * 29) >> 8;
      counts[b]!++;
    }
  }
  for (let i = 0; i < sums.length; i++) sums[i] = sums[i]! / Math.max(1, counts[i]!);
  return sums;
}

/** The largest change of any block's mean between two signatures (Infinity when the shapes differ). */
export function signatureChange(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) return Infinity;
  let max = 0;
  for (let i = 0; i < a.length; i++) max = Math.max(max, Math.abs(a[i]! - b[i]!));
  return max;
}

export interface QrFramePipeline {
  /** The code in this frame, or null: none found, the budget ran out, or the frame was as the last one tried. */
  decode(frame: CameraFrame): Promise<QrDecodeResult | null>;
  stats(): { frames: number; decoded: number; skippedUnchanged: number };
  /** Forgets the last frame tried: the next frame is decoded even if nothing in it moved (a code held up before the identify step). */
  reset(): void;
}

/**
 * The camera's QR pipeline over a stream of frames. A frame whose every block is within
 * `changeThreshold` levels of the last frame tried is skipped: nothing moved, so it holds what that
 * one held (a code there was already reported, and the device manager drops repeats anyway; no code
 * there means none here). Anything moving in front of the camera (a phone coming up, a hand's shake)
 * changes blocks by far more.
 */
export function createQrFramePipeline(opts: QrDecodeOptions & { changeThreshold?: number } = {}): QrFramePipeline {
  const threshold = opts.changeThreshold ?? 6;
  let reference: Float32Array | null = null;
  let frames = 0;
  let decoded = 0;
  let skippedUnchanged = 0;
  return {
    async decode(frame) {
      frames++;
      const signature = frameSignature(frame);
      if (reference && signatureChange(reference, signature) <= threshold) {
        skippedUnchanged++;
        return null;
      }
      reference = signature;
      return decodeQrFrame(frame, { ...opts, attempt: decoded++ });
    },
    stats: () => ({ frames, decoded, skippedUnchanged }),
    reset() {
      reference = null;
    },
  };
}
