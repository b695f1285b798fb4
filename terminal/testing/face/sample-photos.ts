// Test inputs only: the sample photos @vladmandic/face-api ships in demo/ (group photos of real
// people), decoded to Frames. Nothing from them is committed or logged.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import jpeg from 'jpeg-js';
import type { Frame } from '../../face/frame';

export const SAMPLE_PHOTO_NAMES = ['sample1.jpg', 'sample2.jpg', 'sample3.jpg', 'sample4.jpg', 'sample5.jpg', 'sample6.jpg'];

export function samplePhotoDir(): string {
  return join(dirname(createRequire(import.meta.url).resolve('@vladmandic/face-api/package.json')), 'demo');
}

export function loadSamplePhoto(name: string): Frame {
  const decoded = jpeg.decode(readFileSync(join(samplePhotoDir(), name)), { useTArray: true, formatAsRGBA: true, maxMemoryUsageInMB: 1024 });
  return { width: decoded.width, height: decoded.height, data: new Uint8Array(decoded.data.buffer, decoded.data.byteOffset, decoded.data.length) };
}
