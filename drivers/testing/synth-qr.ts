// Synthetic camera frames of a QR code for tests and the devices benchmark, made from a seed so
// every run sees the same pictures and nothing large is committed: "clean" is a code held square to
// the camera; "hard" is a phone held up to a kiosk camera (tilt up to 30 degrees, perspective, soft
// focus, a screen's moire and glare, sensor noise, low contrast). Codes are written by zxing-wasm.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import type { CameraFrame } from '../camera/frame';
import { seededRandom } from '../../terminal/common/seeded-random';

export { seededRandom };

export interface QrSymbol {
  /** Modules, row-major; true is dark. */
  dark: Uint8Array;
  size: number;
}

let writer: (typeof import('zxing-wasm/writer'))['writeBarcode'] | null = null;

export async function qrSymbol(text: string): Promise<QrSymbol> {
  if (!writer) {
    const mod = await import('zxing-wasm/writer');
    const bytes = await readFile(createRequire(import.meta.url).resolve('zxing-wasm/writer/zxing_writer.wasm'));
    await mod.prepareZXingModule({ overrides: { wasmBinary: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer }, fireImmediately: true });
    writer = mod.writeBarcode;
  }
  const result = await writer(text, { format: 'QRCode', scale: 1, ecLevel: 'M', withQuietZones: false });
  if (result.error) throw new Error(`zxing-wasm could not write the code: ${result.error}`);
  const { data, width } = result.symbol;
  // The writer's symbol is 0 for dark, 255 for light.
  return { dark: Uint8Array.from(data, (v) => (v < 128 ? 1 : 0)), size: width };
}

export interface SceneOptions {
  hard: boolean;
  seed: number;
  width?: number;
  height?: number;
  /**
   * One frame of a presentation: the same phone (the scene of `seed`) in frame n of the second it is
   * held up, moved by a hand's shake (a few pixels, under a degree), with the moire's phase and the
   * sensor noise new each frame. Absent: the still scene, exactly as before.
   */
  frame?: number;
}

/** Solves the 3x3 homography that maps the unit square's corners onto `to` (x0,y0..x3,y3). */
function squareToQuad(q: number[]): number[] {
  const [x0, y0, x1, y1, x2, y2, x3, y3] = q as [number, number, number, number, number, number, number, number];
  const dx1 = x1 - x2, dx2 = x3 - x2, dx3 = x0 - x1 + x2 - x3;
  const dy1 = y1 - y2, dy2 = y3 - y2, dy3 = y0 - y1 + y2 - y3;
  const den = dx1 * dy2 - dx2 * dy1;
  const g = (dx3 * dy2 - dx2 * dy3) / den;
  const h = (dx1 * dy3 - dx3 * dy1) / den;
  return [x1 - x0 + g * x1, x3 - x0 + h * x3, x0, y1 - y0 + g * y1, y3 - y0 + h * y3, y0, g, h, 1];
}

function invert3(m: number[]): number[] {
  const [a, b, c, d, e, f, g, h, i] = m as [number, number, number, number, number, number, number, number, number];
  const A = e * i - f * h, B = -(d * i - f * g), C = d * h - e * g;
  const det = a * A + b * B + c * C;
  return [A / det, -(b * i - c * h) / det, (b * f - c * e) / det, B / det, (a * i - c * g) / det, -(a * f - c * d) / det, C / det, -(a * h - b * g) / det, (a * e - b * d) / det];
}

export function renderQrScene(symbol: QrSymbol, opts: SceneOptions): CameraFrame {
  const W = opts.width ?? 640;
  const H = opts.height ?? 480;
  const rnd = seededRandom(opts.seed);
  const quiet = 4;
  const modules = symbol.size + 2 * quiet;
  // The code (with quiet zone) spans 45-70% of the frame height, as a phone held 20-30 cm away.
  const side = H * (opts.hard ? 0.5 + rnd() * 0.25 : 0.55 + rnd() * 0.15);
  let cx = W / 2 + (rnd() - 0.5) * (W - side) * 0.5;
  let cy = H / 2 + (rnd() - 0.5) * (H - side) * 0.4;
  let angle = opts.hard ? (rnd() * 2 - 1) * (Math.PI / 6) : 0;
  // A presentation's frames draw their shake and noise from a generator of their own, so the
  // scene's draws (and every still frame of the benchmark's sets) stay as they were.
  const shake = opts.frame === undefined ? null : seededRandom(opts.seed * 131 + 7 + opts.frame * 104_729);
  if (shake) {
    cx += (shake() - 0.5) * 8;
    cy += (shake() - 0.5) * 8;
    angle += (shake() - 0.5) * 0.03;
  }
  // Perspective: the corners pulled by up to 12% of the side, as a phone tilted toward the camera.
  const pull = opts.hard ? 0.12 : 0;
  const corners: number[] = [];
  for (const [u, v] of [[-0.5, -0.5], [0.5, -0.5], [0.5, 0.5], [-0.5, 0.5]] as const) {
    const pu = u + (rnd() - 0.5) * 2 * pull;
    const pv = v + (rnd() - 0.5) * 2 * pull;
    corners.push(cx + side * (pu * Math.cos(angle) - pv * Math.sin(angle)), cy + side * (pu * Math.sin(angle) + pv * Math.cos(angle)));
  }
  const inv = invert3(squareToQuad(corners));
  // Screen colours: a phone shows near-black on near-white; a dim or bright screen squeezes both.
  const dark = opts.hard ? 40 + rnd() * 50 : 20;
  const light = opts.hard ? dark + 60 + rnd() * 80 : 235;
  const background = 90 + rnd() * 60;
  const lum = new Float32Array(W * H);
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      // Two samples a pixel across each axis: edges land between levels, as a real lens gives.
      let sum = 0;
      for (const [ox, oy] of [[0.25, 0.25], [0.75, 0.25], [0.25, 0.75], [0.75, 0.75]] as const) {
        const px = x + ox, py = y + oy;
        const w = inv[6]! * px + inv[7]! * py + inv[8]!;
        const u = (inv[0]! * px + inv[1]! * py + inv[2]!) / w;
        const v = (inv[3]! * px + inv[4]! * py + inv[5]!) / w;
        if (u < 0 || u >= 1 || v < 0 || v >= 1) {
          sum += background;
          continue;
        }
        const mx = Math.floor(u * modules) - quiet;
        const my = Math.floor(v * modules) - quiet;
        const isDark = mx >= 0 && my >= 0 && mx < symbol.size && my < symbol.size && symbol.dark[my * symbol.size + mx] === 1;
        sum += isDark ? dark : light;
      }
      lum[y * W + x] = sum / 4;
    }
  }
  let img: Float32Array = lum;
  if (opts.hard) {
    img = boxBlur(img, W, H, 1 + Math.floor(rnd() * 2));
    // Moire: the screen's pixel grid beating against the sensor's.
    const mAmp = 6 + rnd() * 10, mFx = 0.3 + rnd() * 0.6, mFy = 0.2 + rnd() * 0.6, mPhase = rnd() * 6.28 + (shake ? shake() * 6.28 : 0);
    // Glare: a soft bright blob from a ceiling light on the phone's glass.
    const gx = cx + (rnd() - 0.5) * side, gy = cy + (rnd() - 0.5) * side, gr = side * (0.15 + rnd() * 0.25), gAmp = 40 + rnd() * 70;
    const noise = 4 + rnd() * 8;
    const grain = shake ?? rnd;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const i = y * W + x;
        const d2 = ((x - gx) ** 2 + (y - gy) ** 2) / (gr * gr);
        const gauss = (grain() + grain() + grain() - 1.5) * 2 * noise;
        img[i] = img[i]! + mAmp * Math.sin(mFx * x + mFy * y + mPhase) + gAmp * Math.exp(-d2) + gauss;
      }
    }
  }
  const data = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) {
    const v = Math.max(0, Math.min(255, Math.round(img[i]!)));
    data[i * 4] = v;
    data[i * 4 + 1] = v;
    data[i * 4 + 2] = v;
    data[i * 4 + 3] = 255;
  }
  return { width: W, height: H, data };
}

function boxBlur(src: Float32Array, W: number, H: number, r: number): Float32Array {
  const tmp = new Float32Array(W * H);
  const out = new Float32Array(W * H);
  const n = 2 * r + 1;
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += src[y * W + Math.min(W - 1, Math.max(0, x + k))]!;
      tmp[y * W + x] = s / n;
    }
  }
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      let s = 0;
      for (let k = -r; k <= r; k++) s += tmp[Math.min(H - 1, Math.max(0, y + k)) * W + x]!;
      out[y * W + x] = s / n;
    }
  }
  return out;
}
