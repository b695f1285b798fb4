// Opens ONNX sessions the way a kiosk with two cores needs them, and turns image crops into input
// tensors by a model's InputSpec. Spinning threads are off: sessions run back to back (detect,
// landmarks, embed) would otherwise spin against each other (a probe went from 15 to 42 ms a frame).
import { readFileSync } from 'node:fs';
import * as ort from 'onnxruntime-node';
import { buildDlibResnetOnnx } from './dlib-resnet-onnx';
import { resolveModelPath, type InputSpec } from './face-config';
import type { Frame } from './frame';

/**
 * ONNX Runtime options a benchmark compares against the defaults (bench:face --session-only);
 * the pipeline opens with none of them unless told.
 */
export interface SessionTuning {
  graphOptimizationLevel?: 'disabled' | 'basic' | 'extended' | 'all';
  /** ORT's session config entries, e.g. 'session.set_denormal_as_zero': '1'. */
  sessionConfig?: Record<string, string>;
  enableCpuMemArena?: boolean;
  enableMemPattern?: boolean;
  /**
   * One input buffer per model input, written afresh each run, instead of a new Float32Array a
   * run. Only for a pipeline whose runs never overlap (the benchmark's): two verifies in flight
   * would write one buffer.
   */
  reuseInputBuffers?: boolean;
}

export async function openSession(model: string, threads: number, tuning: SessionTuning = {}): Promise<ort.InferenceSession> {
  const bytes = model === 'builtin:dlib-resnet' ? buildDlibResnetOnnx() : readFileSync(resolveModelPath(model));
  return ort.InferenceSession.create(bytes, {
    executionProviders: ['cpu'],
    graphOptimizationLevel: tuning.graphOptimizationLevel ?? 'all',
    executionMode: 'sequential',
    intraOpNumThreads: threads,
    interOpNumThreads: 1,
    ...(tuning.enableCpuMemArena === undefined ? {} : { enableCpuMemArena: tuning.enableCpuMemArena }),
    ...(tuning.enableMemPattern === undefined ? {} : { enableMemPattern: tuning.enableMemPattern }),
    extra: nested({ 'session.intra_op.allow_spinning': '0', 'session.inter_op.allow_spinning': '0', ...tuning.sessionConfig }),
  });
}

/** 'session.set_denormal_as_zero' -> { session: { set_denormal_as_zero } }: how ORT's JS API takes config entries. */
function nested(entries: Record<string, string>): Record<string, unknown> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [key, value] of Object.entries(entries)) {
    const [head, ...rest] = key.split('.');
    if (rest.length === 0) throw new Error(`ORT config entry ${key}: expected a dotted name`);
    let node = (out[head!] ??= {});
    for (const part of rest.slice(0, -1)) node = (node[part] ??= {}) as Record<string, unknown>;
    node[rest.at(-1)!] = value;
  }
  return out;
}

/** `crop` must already be spec.width x spec.height; `into`, when given, is filled instead of a new array. */
export function toTensor(crop: Frame, spec: InputSpec, into?: Float32Array): ort.Tensor {
  if (crop.width !== spec.width || crop.height !== spec.height) {
    throw new Error(`crop ${crop.width}x${crop.height} for a ${spec.width}x${spec.height} input`);
  }
  const order = spec.channels === 'BGR' ? [2, 1, 0] : [0, 1, 2];
  const c = spec.channels === 'GRAY' ? 1 : 3;
  const n = spec.width * spec.height;
  const out = into?.length === n * c ? into : new Float32Array(n * c);
  // Per channel: the source byte, and value = v * scale + offset (= (v - mean) / std), worked out
  // once here rather than per pixel; each channel's plane (NCHW) or stride (NHWC) written in one loop.
  const d = crop.data;
  const planar = spec.layout === 'NCHW';
  for (let k = 0; k < c; k++) {
    const mean = spec.mean[Math.min(k, spec.mean.length - 1)]!;
    const std = spec.std[Math.min(k, spec.std.length - 1)]!;
    const base = planar ? k * n : k;
    const step = planar ? 1 : c;
    if (c === 1) {
      for (let i = 0, p = 0, o = base; i < n; i++, p += 4, o += step) out[o] = (0.299 * d[p]! + 0.587 * d[p + 1]! + 0.114 * d[p + 2]! - mean) / std;
    } else {
      const src = order[k]!;
      for (let i = 0, p = src, o = base; i < n; i++, p += 4, o += step) out[o] = (d[p]! - mean) / std;
    }
  }
  const dims = spec.layout === 'NCHW' ? [1, c, spec.height, spec.width] : [1, spec.height, spec.width, c];
  return new ort.Tensor('float32', out, dims);
}

export async function runOne(session: ort.InferenceSession, feeds: Record<string, ort.Tensor>, output: string): Promise<Float32Array> {
  const result = await session.run(feeds);
  const tensor = result[output];
  if (!tensor) throw new Error(`model has no output ${output} (it has ${session.outputNames.join(', ')})`);
  return tensor.data as Float32Array;
}
