// QR codes from camera frames. @zxing/library (pure JS) first with the hybrid binarizer, then the
// global-histogram one (it copes better with glare and soft focus), then a half-scale retry (moire
// from a phone screen averages out), then zxing-wasm (ZXing C++, sturdier on rotation and
// perspective) when it has been loaded. Its wasm comes from node_modules, never from a network.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import zxing, { type Binarizer, type LuminanceSource } from '@zxing/library';
import type { CameraFrame } from './frame';

// @zxing/library is CommonJS: named imports do not resolve under node's ESM loader.
const { BinaryBitmap, DecodeHintType, GlobalHistogramBinarizer, HybridBinarizer, QRCodeReader, RGBLuminanceSource } = zxing;

export type QrDecoderName = 'zxing-js-hybrid' | 'zxing-js-histogram' | 'zxing-js-half' | 'zxing-wasm';
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

export async function decodeQrZxingWasm(frame: CameraFrame): Promise<string | null> {
  const read = await loadZxingWasm();
  const image = { data: new Uint8ClampedArray(frame.data.buffer, frame.data.byteOffset, frame.data.byteLength), width: frame.width, height: frame.height, colorSpace: 'srgb' } as ImageData;
  const results = await read(image, { formats: ['QRCode'], tryHarder: true, maxNumberOfSymbols: 1 });
  const hit = results.find((r) => r.isValid);
  return hit ? hit.text : null;
}

/** The pipeline the terminal uses: cheap tries first, the sturdier decoder last. */
export async function decodeQrFrame(frame: CameraFrame, opts: { wasmFallback?: boolean } = {}): Promise<QrDecodeResult | null> {
  const lum = luminance(frame);
  const source = new RGBLuminanceSource(lum, frame.width, frame.height);
  const hybrid = tryZxingJs(source, (s) => new HybridBinarizer(s));
  if (hybrid !== null) return { text: hybrid, by: 'zxing-js-hybrid' };
  const histogram = tryZxingJs(source, (s) => new GlobalHistogramBinarizer(s));
  if (histogram !== null) return { text: histogram, by: 'zxing-js-histogram' };
  const half = halfScale(lum, frame.width, frame.height);
  const halfText = tryZxingJs(new RGBLuminanceSource(half.lum, half.width, half.height), (s) => new HybridBinarizer(s));
  if (halfText !== null) return { text: halfText, by: 'zxing-js-half' };
  if (opts.wasmFallback === false) return null;
  const wasm = await decodeQrZxingWasm(frame);
  return wasm !== null ? { text: wasm, by: 'zxing-wasm' } : null;
}
