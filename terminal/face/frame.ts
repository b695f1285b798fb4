// Camera frames and the few pixel operations the face pipeline needs (crop, resize, affine warp,
// grey levels), in plain TypeScript so the worker needs no image library.

/** An RGBA image as the camera driver and the ID-card photo decoder hand it over. */
export interface Frame {
  width: number;
  height: number;
  /** RGBA, row-major, 4 bytes a pixel. */
  data: Uint8Array;
}

/** 2x3 affine matrix mapping destination pixel -> source pixel: [a, b, c, d, e, f] so that
 * sx = a*x + b*y + c, sy = d*x + e*y + f. */
export type Affine = readonly [number, number, number, number, number, number];

export function assertFrame(frame: Frame): void {
  if (!Number.isInteger(frame.width) || !Number.isInteger(frame.height) || frame.width <= 0 || frame.height <= 0) {
    throw new Error(`frame size ${frame.width}x${frame.height} is not a positive integer size`);
  }
  if (frame.data.length !== frame.width * frame.height * 4) {
    throw new Error(`frame data has ${frame.data.length} bytes, RGBA ${frame.width}x${frame.height} needs ${frame.width * frame.height * 4}`);
  }
}

// Bilinear sampling: outside the frame the edge pixel repeats (like OpenCV's BORDER_REPLICATE), so
// a face near the edge does not pick up a black band.

/** Warps the frame into an outWidth x outHeight RGBA frame through `toSource`. The bilinear sample
 * of `sample` for the three channels at once: one clamp and one set of weights a pixel, not three
 * (the same values; this loop was the verify path's largest JS cost). */
export function warpAffine(frame: Frame, toSource: Affine, outWidth: number, outHeight: number): Frame {
  const out = new Uint8Array(outWidth * outHeight * 4);
  const [a, b, c, d, e, f] = toSource;
  const { width, height, data } = frame;
  const maxX = width - 1;
  const maxY = height - 1;
  for (let y = 0; y < outHeight; y++) {
    for (let x = 0; x < outWidth; x++) {
      // Pixel centres: destination (x+0.5) maps to source (sx+0.5).
      const sx = a * (x + 0.5) + b * (y + 0.5) + c - 0.5;
      const sy = d * (x + 0.5) + e * (y + 0.5) + f - 0.5;
      const cx = Math.min(Math.max(sx, 0), maxX);
      const cy = Math.min(Math.max(sy, 0), maxY);
      const x0 = Math.floor(cx);
      const y0 = Math.floor(cy);
      const x1 = Math.min(x0 + 1, maxX);
      const y1 = Math.min(y0 + 1, maxY);
      const fx = cx - x0;
      const fy = cy - y0;
      const i00 = (y0 * width + x0) * 4;
      const i10 = (y0 * width + x1) * 4;
      const i01 = (y1 * width + x0) * 4;
      const i11 = (y1 * width + x1) * 4;
      const o = (y * outWidth + x) * 4;
      for (let ch = 0; ch < 3; ch++) {
        out[o + ch] = (data[i00 + ch]! * (1 - fx) + data[i10 + ch]! * fx) * (1 - fy) + (data[i01 + ch]! * (1 - fx) + data[i11 + ch]! * fx) * fy;
      }
      out[o + 3] = 255;
    }
  }
  return { width: outWidth, height: outHeight, data: out };
}

export interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

/** Crops `box` (may reach outside the frame) and resizes it to outWidth x outHeight. Downscaling by
 * more than 2x first averages blocks, so a 1920-pixel photo does not alias into a 64-pixel crop. */
export function cropResize(frame: Frame, box: Box, outWidth: number, outHeight: number): Frame {
  const step = Math.floor(Math.min(box.width / outWidth, box.height / outHeight) / 2);
  const src = step >= 2 ? boxDownscale(frame, step) : frame;
  const k = src === frame ? 1 : step;
  return warpAffine(src, [box.width / outWidth / k, 0, box.x / k, 0, box.height / outHeight / k, box.y / k], outWidth, outHeight);
}

/** Averages factor x factor blocks (the last partial blocks are dropped). */
export function boxDownscale(frame: Frame, factor: number): Frame {
  const width = Math.floor(frame.width / factor);
  const height = Math.floor(frame.height / factor);
  const out = new Uint8Array(width * height * 4);
  const n = factor * factor;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      for (let dy = 0; dy < factor; dy++) {
        let i = ((y * factor + dy) * frame.width + x * factor) * 4;
        for (let dx = 0; dx < factor; dx++, i += 4) {
          r += frame.data[i]!;
          g += frame.data[i + 1]!;
          b += frame.data[i + 2]!;
        }
      }
      const o = (y * width + x) * 4;
      out[o] = r / n;
      out[o + 1] = g / n;
      out[o + 2] = b / n;
      out[o + 3] = 255;
    }
  }
  return { width, height, data: out };
}

/** Resizes a whole frame (the detector's fixed input). */
export function resize(frame: Frame, outWidth: number, outHeight: number): Frame {
  return cropResize(frame, { x: 0, y: 0, width: frame.width, height: frame.height }, outWidth, outHeight);
}

/** ITU-R BT.601 luma, 0..255, one value a pixel. */
export function grey(frame: Frame): Float32Array {
  const out = new Float32Array(frame.width * frame.height);
  for (let i = 0, j = 0; i < out.length; i++, j += 4) {
    out[i] = 0.299 * frame.data[j]! + 0.587 * frame.data[j + 1]! + 0.114 * frame.data[j + 2]!;
  }
  return out;
}
