// Camera conditions and presentation attacks synthesised from a real photo, for tests and the
// benchmark: a face placed into a 640x480 kiosk frame under other crops, light, rotation, blur and
// noise; and the same face replayed on a screen (moire, glare) or held up as a flat print (paper
// texture, perspective). Seeded, so a failing case replays exactly.
import { warpAffine, type Affine, type Box, type Frame } from '../../face/frame';
import { seededRandom } from '../../common/seeded-random';

export { seededRandom };

export interface Placement {
  /** Face box side in the output frame, px. */
  faceSide: number;
  /** Face centre in the output frame. */
  centerX: number;
  centerY: number;
  rotationDegrees: number;
  /** Only the photo within this many face sides of the face centre shows; the rest is a plain wall,
   * so the neighbours in a group photo do not walk into the kiosk frame. */
  context?: number;
  /** Grey level of that wall. */
  wall?: number;
}

/** Renders the photo so that `face` (a box in the photo) lands as described in a width x height frame. */
export function placeFace(photo: Frame, face: Box, p: Placement, width = 640, height = 480): Frame {
  const scale = Math.max(face.width, face.height) / p.faceSide;
  const r = (p.rotationDegrees * Math.PI) / 180;
  const cos = Math.cos(r) * scale;
  const sin = Math.sin(r) * scale;
  const fx = face.x + face.width / 2;
  const fy = face.y + face.height / 2;
  // destination -> source: rotate about the face centre, then scale into the photo.
  const m: Affine = [cos, -sin, fx - cos * p.centerX + sin * p.centerY, sin, cos, fy - sin * p.centerX - cos * p.centerY];
  const out = warpAffine(photo, m, width, height);
  const reach = (p.context ?? 0.85) * p.faceSide;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const dx = (x - p.centerX) / reach;
      const dy = (y - p.centerY) / (reach * 1.25);
      if (dx * dx + dy * dy > 1) out.data.fill(p.wall ?? 200, (y * width + x) * 4, (y * width + x) * 4 + 3);
    }
  }
  return out;
}

function mapPixels(frame: Frame, f: (r: number, g: number, b: number, x: number, y: number) => [number, number, number]): Frame {
  const out = new Uint8Array(frame.data.length);
  for (let y = 0; y < frame.height; y++) {
    for (let x = 0; x < frame.width; x++) {
      const i = (y * frame.width + x) * 4;
      const [r, g, b] = f(frame.data[i]!, frame.data[i + 1]!, frame.data[i + 2]!, x, y);
      out[i] = r;
      out[i + 1] = g;
      out[i + 2] = b;
      out[i + 3] = 255;
    }
  }
  return { ...frame, data: out };
}

/** Gain and gamma: <1 gain darkens (a dim corridor), >1 brightens. */
export function lighting(frame: Frame, gain: number, gamma = 1): Frame {
  const lut = Array.from({ length: 256 }, (_, v) => Math.min(255, 255 * Math.pow(v / 255, gamma) * gain));
  return mapPixels(frame, (r, g, b) => [lut[r]!, lut[g]!, lut[b]!]);
}

export function gaussianNoise(frame: Frame, sigma: number, seed: number): Frame {
  const rnd = seededRandom(seed);
  const normal = () => Math.sqrt(-2 * Math.log(rnd() + 1e-12)) * Math.cos(2 * Math.PI * rnd());
  return mapPixels(frame, (r, g, b) => [r + normal() * sigma, g + normal() * sigma, b + normal() * sigma]);
}

/** Separable box blur applied `passes` times (3 passes approximate a Gaussian). */
export function blur(frame: Frame, radius: number, passes = 3): Frame {
  let cur = frame;
  for (let p = 0; p < passes; p++) cur = boxBlur(boxBlur(cur, radius, true), radius, false);
  return cur;
}

function boxBlur(frame: Frame, radius: number, horizontal: boolean): Frame {
  const { width, height, data } = frame;
  const out = new Uint8Array(data.length);
  const n = 2 * radius + 1;
  for (let line = 0; line < (horizontal ? height : width); line++) {
    const len = horizontal ? width : height;
    const idx = (k: number) => {
      const c = Math.min(Math.max(k, 0), len - 1);
      return (horizontal ? line * width + c : c * width + line) * 4;
    };
    for (let ch = 0; ch < 3; ch++) {
      let sum = 0;
      for (let k = -radius; k <= radius; k++) sum += data[idx(k) + ch]!;
      for (let k = 0; k < len; k++) {
        out[idx(k) + ch] = sum / n;
        sum += data[idx(k + radius + 1) + ch]! - data[idx(k - radius) + ch]!;
      }
    }
  }
  for (let i = 3; i < out.length; i += 4) out[i] = 255;
  return { width, height, data: out };
}

/** A phone or tablet held up to the camera: the face re-rendered on a screen inside the frame,
 * with the screen's bezel, pixel grid beating against the sensor (moire), a glare patch, a cooler
 * white point and lost contrast. */
export function screenReplay(faceFrame: Frame, seed: number): Frame {
  const rnd = seededRandom(seed);
  const period = 2.5 + rnd() * 2;
  const angle = rnd() * Math.PI;
  const gx = 0.3 + rnd() * 0.4;
  const gy = 0.2 + rnd() * 0.4;
  const { width, height } = faceFrame;
  const inner = { x0: width * 0.08, y0: height * 0.04, x1: width * 0.92, y1: height * 0.96 };
  return mapPixels(faceFrame, (r, g, b, x, y) => {
    if (x < inner.x0 || x > inner.x1 || y < inner.y0 || y > inner.y1) return [18, 18, 20];
    const u = x * Math.cos(angle) + y * Math.sin(angle);
    const moire = 1 + 0.12 * Math.sin((2 * Math.PI * u) / period);
    const d = Math.hypot(x / width - gx, y / height - gy);
    const glare = 120 * Math.exp(-(d * d) / 0.01);
    const tone = (v: number, k: number) => (40 + v * 0.75 * k) * moire + glare;
    return [tone(r, 0.92), tone(g, 0.98), tone(b, 1.08)];
  });
}

/** A flat print held up: paper grain, a warm cast, lower contrast, ink dot pattern, and a
 * perspective-like tilt of the sheet. */
export function flatPrint(faceFrame: Frame, seed: number): Frame {
  const rnd = seededRandom(seed);
  const grain = seededRandom(seed + 1);
  const printed = mapPixels(faceFrame, (r, g, b, x, y) => {
    const dots = 1 + 0.06 * Math.sin(x * 1.9) * Math.sin(y * 1.9);
    const paper = (grain() - 0.5) * 18;
    const tone = (v: number, k: number) => (35 + v * 0.7 * k) * dots + paper;
    return [tone(r, 1.05), tone(g, 1.0), tone(b, 0.88)];
  });
  // Tilt: a shear and squeeze about the centre, as a sheet held slightly turned.
  const shear = (rnd() - 0.5) * 0.25;
  const squeeze = 1 + rnd() * 0.15;
  const cx = faceFrame.width / 2;
  const cy = faceFrame.height / 2;
  const m: Affine = [squeeze, shear, cx - squeeze * cx - shear * cy, shear * 0.3, 1, cy - shear * 0.3 * cx - cy];
  return warpAffine(printed, m, faceFrame.width, faceFrame.height);
}

/** What the ID card reader's photo block decodes to: 102x126, head and shoulders on white. */
export function idCardPhoto(photo: Frame, face: Box): Frame {
  return placeFace(photo, face, { faceSide: 62, centerX: 51, centerY: 60, rotationDegrees: 0, context: 0.8, wall: 245 }, 102, 126);
}

/** The kiosk camera: mild sensor noise on whatever is in front of it, person or attack alike. */
export function camera(frame: Frame, seed: number): Frame {
  return gaussianNoise(frame, 4, seed);
}

/** Face-free 640x480 frames for counting false detections, `count` of them, seeded: plain walls,
 * lit gradients, random skin-toned and dark shapes (ellipses, bars), and `photos` cut into 32-px
 * blocks and shuffled (natural image texture with no face left whole). All through `camera`. */
export function faceFreeFrames(photos: readonly Frame[], count: number, seed: number, width = 640, height = 480): Frame[] {
  const rnd = seededRandom(seed);
  const out: Frame[] = [];
  for (let k = 0; k < count; k++) {
    const kind = k % 4;
    const data = new Uint8Array(width * height * 4);
    const set = (x: number, y: number, c: readonly number[]) => {
      const i = (y * width + x) * 4;
      data[i] = c[0]!;
      data[i + 1] = c[1]!;
      data[i + 2] = c[2]!;
      data[i + 3] = 255;
    };
    if (kind === 0 || kind === 1) {
      // A wall, flat or lit from one side.
      const base = [40 + rnd() * 190, 40 + rnd() * 190, 40 + rnd() * 190];
      const slope = kind === 1 ? (rnd() - 0.5) * 0.6 : 0;
      for (let y = 0; y < height; y++) for (let x = 0; x < width; x++) set(x, y, base.map((v) => v * (1 + slope * (x / width - 0.5) * 2)));
      if (kind === 1) {
        // Shapes on it: skin-toned ellipses, dark blobs and bars, placed at random.
        for (let s = 0; s < 12; s++) {
          const skin = rnd() < 0.5;
          const c = skin ? [180 + rnd() * 50, 130 + rnd() * 40, 100 + rnd() * 40] : [rnd() * 90, rnd() * 90, rnd() * 90];
          const cx = rnd() * width;
          const cy = rnd() * height;
          const rx = 8 + rnd() * (skin ? 110 : 40);
          const ry = rx * (0.4 + rnd() * 1.4);
          const bar = rnd() < 0.3;
          for (let y = Math.max(0, Math.floor(cy - ry)); y < Math.min(height, cy + ry); y++) {
            for (let x = Math.max(0, Math.floor(cx - rx)); x < Math.min(width, cx + rx); x++) {
              const dx = (x - cx) / rx;
              const dy = (y - cy) / ry;
              if (bar || dx * dx + dy * dy <= 1) set(x, y, c);
            }
          }
        }
      }
    } else {
      // A real photo resized to the frame, cut into 32-px blocks and shuffled.
      const photo = photos[k % Math.max(1, photos.length)];
      if (!photo) continue;
      const sx = photo.width / width;
      const sy = photo.height / height;
      const small = warpAffine(photo, [sx, 0, 0, 0, sy, 0], width, height);
      const b = 32;
      const cols = Math.floor(width / b);
      const rows = Math.floor(height / b);
      const order = Array.from({ length: cols * rows }, (_, i) => i);
      for (let i = order.length - 1; i > 0; i--) {
        const j = Math.floor(rnd() * (i + 1));
        [order[i], order[j]] = [order[j]!, order[i]!];
      }
      for (let t = 0; t < order.length; t++) {
        const from = order[t]!;
        const fx = (from % cols) * b;
        const fy = Math.floor(from / cols) * b;
        const tx = (t % cols) * b;
        const ty = Math.floor(t / cols) * b;
        // kind 3 also turns every block a quarter turn, so no edge continues into the next block.
        for (let y = 0; y < b; y++) {
          for (let x = 0; x < b; x++) {
            const [px, py] = kind === 3 ? [y, b - 1 - x] : [x, y];
            const i = ((fy + py) * width + fx + px) * 4;
            set(tx + x, ty + y, [small.data[i]!, small.data[i + 1]!, small.data[i + 2]!]);
          }
        }
      }
    }
    out.push(camera({ width, height, data }, seed + k));
  }
  return out;
}

/** A head turned sideways, as 2-D keypoints see it: the image is squeezed on one side of the
 * vertical line through `noseX` and stretched on the other, so the nose moves along the eye line
 * (the yaw proxy reads -amount for amount > 0: the nose towards the image's left). Not a 3-D
 * rotation: enough to drive the head-turn challenge with real detector output. */
export function turnHead(frame: Frame, noseX: number, amount: number): Frame {
  const out = new Uint8Array(frame.data.length);
  for (let x = 0; x < frame.width; x++) {
    const dx = x - noseX;
    const sx = Math.round(noseX + dx / (dx < 0 ? 1 - amount : 1 + amount));
    const src = Math.min(Math.max(sx, 0), frame.width - 1);
    for (let y = 0; y < frame.height; y++) {
      const i = (y * frame.width + x) * 4;
      const j = (y * frame.width + src) * 4;
      out[i] = frame.data[j]!;
      out[i + 1] = frame.data[j + 1]!;
      out[i + 2] = frame.data[j + 2]!;
      out[i + 3] = 255;
    }
  }
  return { ...frame, data: out };
}
