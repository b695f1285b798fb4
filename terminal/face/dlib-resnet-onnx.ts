// Ports dlib's face recognition ResNet (dlib_face_recognition_resnet_model_v1: public-domain
// weights, 99.38 % on LFW, 128-d) from the TF.js weights @vladmandic/face-api ships to an ONNX
// graph, op for op as face-api's FaceRecognitionNet.forwardInput runs it, so onnxruntime-node can
// run the recogniser whose licence lets a hospital ship it.
// Input: [N, 3, 150, 150] float RGB 0..255 (the graph subtracts dlib's mean and divides by 255).
// Output: `descriptor` [N, 128].
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { OnnxGraphBuilder } from './onnx-proto';
import { readTfjsWeights, type NamedWeight } from './tfjs-weights';

export const DLIB_INPUT_SIZE = 150;
export const DLIB_MEAN_RGB = [122.782, 117.001, 104.298] as const;

const MANIFEST = 'face_recognition_model-weights_manifest.json';

/** The packaged app carries the weights beside the model packages (resources/model-packages/face-api,
 * where FACE_MODEL_PACKAGES points), so @vladmandic/face-api is a build-time package only. */
export function faceApiRecogniserManifest(): string {
  const packaged = process.env.FACE_MODEL_PACKAGES ? join(process.env.FACE_MODEL_PACKAGES, 'face-api', 'model', MANIFEST) : null;
  if (packaged && existsSync(packaged)) return packaged;
  return createRequire(import.meta.url).resolve(`@vladmandic/face-api/model/${MANIFEST}`);
}

function weight(weights: Map<string, NamedWeight>, name: string): NamedWeight {
  const w = weights.get(name);
  if (!w) throw new Error(`face recogniser weights lack ${name}`);
  return w;
}

/** TF filters [kh, kw, in, out] times dlib's per-channel affine "scale" layer folded into one ONNX
 * Conv [out, in, kh, kw] with bias: (conv(x) + bias) * s + t = conv_{W*s}(x) + (bias * s + t). */
function foldedConv(weights: Map<string, NamedWeight>, prefix: string) {
  const filters = weight(weights, `${prefix}/conv/filters`);
  const bias = weight(weights, `${prefix}/conv/bias`).values;
  const scale = weight(weights, `${prefix}/scale/weights`).values;
  const shift = weight(weights, `${prefix}/scale/biases`).values;
  const [kh, kw, cin, cout] = filters.shape as [number, number, number, number];
  const w = new Float32Array(cout * cin * kh * kw);
  for (let y = 0; y < kh; y++) {
    for (let x = 0; x < kw; x++) {
      for (let i = 0; i < cin; i++) {
        for (let o = 0; o < cout; o++) {
          w[((o * cin + i) * kh + y) * kw + x] = filters.values[((y * kw + x) * cin + i) * cout + o]! * scale[o]!;
        }
      }
    }
  }
  const b = new Float32Array(cout);
  for (let o = 0; o < cout; o++) b[o] = bias[o]! * scale[o]! + shift[o]!;
  return { w, b, dims: [cout, cin, kh, kw], cout, cin, k: kh };
}

export function buildDlibResnetOnnx(manifestPath = faceApiRecogniserManifest()): Uint8Array {
  const weights = readTfjsWeights(manifestPath);
  const g = new OnnxGraphBuilder('dlib_face_recognition_resnet_model_v1');

  // Spatial sizes are tracked to reproduce face-api's zero padding where a strided conv comes out
  // one pixel smaller than the 2x2 average pool beside it.
  let size = DLIB_INPUT_SIZE;

  const conv = (x: string, prefix: string, stride: 1 | 2, relu: boolean): string => {
    const c = foldedConv(weights, prefix);
    const wName = g.floatTensor(`${prefix}/W`, c.dims, c.w);
    const bName = g.floatTensor(`${prefix}/B`, [c.cout], c.b);
    // face-api: 'same' padding at stride 1, 'valid' at stride 2.
    const pad = stride === 1 ? (c.k - 1) / 2 : 0;
    const out = g.node('Conv', [x, wName, bName], {
      kernel_shape: [c.k, c.k],
      strides: [stride, stride],
      pads: [pad, pad, pad, pad],
    });
    return relu ? g.node('Relu', [out]) : out;
  };

  const residual = (x: string, prefix: string): string => {
    const a = conv(x, `${prefix}/conv1`, 1, true);
    const b = conv(a, `${prefix}/conv2`, 1, false);
    return g.node('Relu', [g.node('Add', [b, x])]);
  };

  const residualDown = (x: string, prefix: string): string => {
    const c1 = foldedConv(weights, `${prefix}/conv1`);
    const convSize = Math.floor((size - 3) / 2) + 1;
    const poolSize = Math.floor((size - 2) / 2) + 1;
    let out = conv(conv(x, `${prefix}/conv1`, 2, true), `${prefix}/conv2`, 1, false);
    let pooled = g.node('AveragePool', [x], { kernel_shape: [2, 2], strides: [2, 2] });
    if (poolSize !== convSize) {
      const d = poolSize - convSize;
      out = g.node('Pad', [out, g.int64Tensor(`${prefix}/pad_hw`, [0, 0, 0, 0, 0, 0, d, d])]);
    }
    if (c1.cin !== c1.cout) {
      pooled = g.node('Pad', [pooled, g.int64Tensor(`${prefix}/pad_c`, [0, 0, 0, 0, 0, c1.cout - c1.cin, 0, 0])]);
    }
    size = poolSize;
    return g.node('Relu', [g.node('Add', [pooled, out])]);
  };

  const mean = g.floatTensor('mean_rgb', [1, 3, 1, 1], new Float32Array(DLIB_MEAN_RGB));
  const divisor = g.floatTensor('divisor', [1], new Float32Array([255]));
  let x = g.node('Div', [g.node('Sub', ['input', mean]), divisor]);

  x = conv(x, 'conv32_down', 2, true);
  size = Math.floor((size - 7) / 2) + 1;
  x = g.node('MaxPool', [x], { kernel_shape: [3, 3], strides: [2, 2] });
  size = Math.floor((size - 3) / 2) + 1;

  for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) x = residual(x, p);
  x = residualDown(x, 'conv64_down');
  for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) x = residual(x, p);
  x = residualDown(x, 'conv128_down');
  for (const p of ['conv128_1', 'conv128_2']) x = residual(x, p);
  x = residualDown(x, 'conv256_down');
  for (const p of ['conv256_1', 'conv256_2']) x = residual(x, p);
  x = residualDown(x, 'conv256_down_out');

  x = g.node('ReduceMean', [x], { axes: [2, 3], keepdims: 0 });
  const fc = weight(weights, 'fc');
  g.node('MatMul', [x, g.floatTensor('fc', fc.shape, fc.values)]);
  g.nameLastOutput('descriptor');

  return g.toBytes(
    { name: 'input', shape: ['batch', 3, DLIB_INPUT_SIZE, DLIB_INPUT_SIZE] },
    { name: 'descriptor', shape: ['batch', 128] },
  );
}
