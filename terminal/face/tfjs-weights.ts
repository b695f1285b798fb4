// Reads a TF.js weights manifest and its .bin shards (the format @vladmandic/face-api ships) into
// float32 arrays, dequantising exactly as tfjs-core's io.decodeWeights does (v * scale + min), so a
// model converted from them matches the TF.js reference.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface NamedWeight {
  shape: number[];
  values: Float32Array;
}

interface ManifestEntry {
  name: string;
  shape: number[];
  dtype: string;
  quantization?: { dtype: string; scale: number; min: number };
}

export function readTfjsWeights(manifestPath: string): Map<string, NamedWeight> {
  const groups = JSON.parse(readFileSync(manifestPath, 'utf8')) as { paths: string[]; weights: ManifestEntry[] }[];
  const out = new Map<string, NamedWeight>();
  for (const group of groups) {
    const buffers = group.paths.map((p) => readFileSync(join(dirname(manifestPath), p)));
    const bytes = Buffer.concat(buffers);
    let offset = 0;
    for (const entry of group.weights) {
      const count = entry.shape.reduce((a, b) => a * b, 1);
      const values = new Float32Array(count);
      const q = entry.quantization;
      if (entry.dtype !== 'float32') throw new Error(`weight ${entry.name}: dtype ${entry.dtype} not supported`);
      if (q && q.dtype === 'uint8') {
        for (let i = 0; i < count; i++) values[i] = bytes[offset + i]! * q.scale + q.min;
        offset += count;
      } else if (q && q.dtype === 'uint16') {
        for (let i = 0; i < count; i++) values[i] = bytes.readUInt16LE(offset + i * 2) * q.scale + q.min;
        offset += count * 2;
      } else if (!q) {
        for (let i = 0; i < count; i++) values[i] = bytes.readFloatLE(offset + i * 4);
        offset += count * 4;
      } else {
        throw new Error(`weight ${entry.name}: quantization ${q.dtype} not supported`);
      }
      out.set(entry.name, { shape: entry.shape, values });
    }
    if (offset !== bytes.length) throw new Error(`${manifestPath}: ${bytes.length - offset} bytes left after the last weight`);
  }
  return out;
}
