// The TF.js reference of dlib's face recogniser: face-api's FaceRecognitionNet.forwardInput
// transcribed onto tfjs-core (face-api's own node bundles need the @tensorflow/tfjs meta package,
// which the terminal does not ship), loading face-api's weights through tfjs-core's own decoder.
// Used by the port's equivalence test and the benchmark only; tfjs is a dev dependency.
import * as tf from '@tensorflow/tfjs-core';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { DLIB_MEAN_RGB, faceApiRecogniserManifest } from '../../face/dlib-resnet-onnx';

export type TfBackend = 'cpu' | 'wasm';

export async function useTfBackend(backend: TfBackend): Promise<void> {
  if (backend === 'cpu') await import('@tensorflow/tfjs-backend-cpu');
  else await import('@tensorflow/tfjs-backend-wasm');
  await tf.setBackend(backend);
  await tf.ready();
}

interface Layer {
  filters: tf.Tensor4D;
  bias: tf.Tensor1D;
  scaleW: tf.Tensor1D;
  scaleB: tf.Tensor1D;
}

export class DlibResnetTfjs {
  private constructor(private readonly w: tf.NamedTensorMap) {}

  static load(manifestPath = faceApiRecogniserManifest()): DlibResnetTfjs {
    const groups = JSON.parse(readFileSync(manifestPath, 'utf8')) as { paths: string[]; weights: tf.io.WeightsManifestEntry[] }[];
    const map: tf.NamedTensorMap = {};
    for (const group of groups) {
      const bytes = Buffer.concat(group.paths.map((p) => readFileSync(join(dirname(manifestPath), p))));
      const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
      Object.assign(map, tf.io.decodeWeights(buffer, group.weights));
    }
    return new DlibResnetTfjs(map);
  }

  private layer(prefix: string): Layer {
    const get = <T extends tf.Tensor>(n: string) => {
      const t = this.w[`${prefix}/${n}`];
      if (!t) throw new Error(`missing ${prefix}/${n}`);
      return t as T;
    };
    return { filters: get('conv/filters'), bias: get('conv/bias'), scaleW: get('scale/weights'), scaleB: get('scale/biases') };
  }

  private convLayer(x: tf.Tensor4D, prefix: string, strides: 1 | 2, relu: boolean, padding: 'valid' | 'same'): tf.Tensor4D {
    const l = this.layer(prefix);
    let out = tf.add(tf.conv2d(x, l.filters, strides, padding), l.bias) as tf.Tensor4D;
    out = tf.add(tf.mul(out, l.scaleW), l.scaleB) as tf.Tensor4D;
    return relu ? tf.relu(out) : out;
  }

  private residual(x: tf.Tensor4D, p: string): tf.Tensor4D {
    const out = this.convLayer(this.convLayer(x, `${p}/conv1`, 1, true, 'same'), `${p}/conv2`, 1, false, 'same');
    return tf.relu(tf.add(out, x)) as tf.Tensor4D;
  }

  private residualDown(x: tf.Tensor4D, p: string): tf.Tensor4D {
    let out = this.convLayer(this.convLayer(x, `${p}/conv1`, 2, true, 'valid'), `${p}/conv2`, 1, false, 'same');
    let pooled = tf.avgPool(x, 2, 2, 'valid') as tf.Tensor4D;
    const zeros = tf.zeros<tf.Rank.R4>(pooled.shape);
    if (pooled.shape[1] !== out.shape[1] || pooled.shape[2] !== out.shape[2]) {
      const padX = [...out.shape] as [number, number, number, number];
      padX[1] = 1;
      out = tf.concat([out, tf.zeros<tf.Rank.R4>(padX)], 1);
      const padY = [...out.shape] as [number, number, number, number];
      padY[2] = 1;
      out = tf.concat([out, tf.zeros<tf.Rank.R4>(padY)], 2);
    }
    if (pooled.shape[3] !== out.shape[3]) pooled = tf.concat([pooled, zeros], 3);
    return tf.relu(tf.add(pooled, out)) as tf.Tensor4D;
  }

  /** input: NHWC float RGB 0..255, [n, 150, 150, 3]; returns n descriptors of 128. */
  forward(input: Float32Array, n: number): Float32Array[] {
    const result = tf.tidy(() => {
      const batch = tf.tensor4d(input, [n, 150, 150, 3]);
      const x = tf.div(tf.sub(batch, tf.tensor1d([...DLIB_MEAN_RGB])), 255) as tf.Tensor4D;
      let out = this.convLayer(x, 'conv32_down', 2, true, 'valid');
      out = tf.maxPool(out, 3, 2, 'valid');
      for (const p of ['conv32_1', 'conv32_2', 'conv32_3']) out = this.residual(out, p);
      out = this.residualDown(out, 'conv64_down');
      for (const p of ['conv64_1', 'conv64_2', 'conv64_3']) out = this.residual(out, p);
      out = this.residualDown(out, 'conv128_down');
      for (const p of ['conv128_1', 'conv128_2']) out = this.residual(out, p);
      out = this.residualDown(out, 'conv256_down');
      for (const p of ['conv256_1', 'conv256_2']) out = this.residual(out, p);
      out = this.residualDown(out, 'conv256_down_out');
      return tf.matMul(tf.mean(out, [1, 2]) as tf.Tensor2D, this.w['fc'] as tf.Tensor2D);
    });
    const data = result.dataSync() as Float32Array;
    result.dispose();
    return Array.from({ length: n }, (_, i) => data.slice(i * 128, (i + 1) * 128));
  }

  dispose(): void {
    for (const t of Object.values(this.w)) t.dispose();
  }
}
