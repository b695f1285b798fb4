// MediaPipe BlazeFace (Apache-2.0) outputs into face boxes with six keypoints, in frame pixels.
// The model regresses 896 anchors in two feature maps: 16x16 cells with 2 anchors and 8x8 cells
// with 6 anchors (the front 128 model's strides 8/16/16/16 and the back 256 model's 16/32/32/32 give
// the same grid). MediaPipe's SsdAnchorsCalculator puts each anchor at its cell's centre with a
// fixed size of 1; the raw values are offsets in input pixels: centre = anchor + raw/size,
// extent = raw/size, keypoint k = anchor + raw/size (x_scale = y_scale = w_scale = h_scale = input
// size). Scores are logits (sigmoid, clipped at ±100 as MediaPipe does). Overlaps are merged by
// MediaPipe's weighted NMS: a cluster's geometry is the score-weighted mean, its score the best.
import type { Point } from './geometry';
import type { Detection } from './ultraface';

/** Subject's right eye (image left), left eye, nose tip, mouth centre, right ear, left ear. */
export const BLAZEFACE_KEYPOINTS = ['rightEye', 'leftEye', 'noseTip', 'mouthCentre', 'rightEar', 'leftEar'] as const;

export interface BlazefaceLayer {
  /** Output names: scores [1, cells*cells*anchors, 1], regressors [1, same, 16]. */
  scores: string;
  boxes: string;
  cells: number;
  anchorsPerCell: number;
}

/** Anchor centres 0..1, row-major over cells, `anchorsPerCell` consecutive anchors a cell. */
export function blazefaceAnchors(layer: Pick<BlazefaceLayer, 'cells' | 'anchorsPerCell'>): Float32Array {
  const { cells, anchorsPerCell } = layer;
  const out = new Float32Array(cells * cells * anchorsPerCell * 2);
  let k = 0;
  for (let y = 0; y < cells; y++) {
    for (let x = 0; x < cells; x++) {
      for (let a = 0; a < anchorsPerCell; a++) {
        out[k++] = (x + 0.5) / cells;
        out[k++] = (y + 0.5) / cells;
      }
    }
  }
  return out;
}

export interface RawLayer {
  scores: Float32Array;
  boxes: Float32Array;
  anchors: Float32Array;
}

const sigmoid = (v: number) => 1 / (1 + Math.exp(-Math.max(-100, Math.min(100, v))));

/** Candidates above `minConfidence`, in 0..1 of the (square) input. */
export function blazefaceCandidates(layers: readonly RawLayer[], inputSize: number, minConfidence: number): Detection[] {
  const out: Detection[] = [];
  for (const { scores, boxes, anchors } of layers) {
    const n = scores.length;
    if (boxes.length !== n * 16 || anchors.length !== n * 2) {
      throw new Error(`BlazeFace layer of ${n} anchors has ${boxes.length / 16} regressors and ${anchors.length / 2} anchors`);
    }
    for (let i = 0; i < n; i++) {
      const score = sigmoid(scores[i]!);
      if (score < minConfidence) continue;
      const ax = anchors[i * 2]!;
      const ay = anchors[i * 2 + 1]!;
      const r = i * 16;
      const cx = ax + boxes[r]! / inputSize;
      const cy = ay + boxes[r + 1]! / inputSize;
      const w = boxes[r + 2]! / inputSize;
      const h = boxes[r + 3]! / inputSize;
      if (!(w > 0 && h > 0)) continue;
      const keypoints: Point[] = [];
      for (let k = 0; k < 6; k++) keypoints.push([ax + boxes[r + 4 + k * 2]! / inputSize, ay + boxes[r + 5 + k * 2]! / inputSize]);
      out.push({ x: cx - w / 2, y: cy - h / 2, width: w, height: h, score, keypoints });
    }
  }
  return out;
}

function overlap(a: Detection, b: Detection): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** MediaPipe's NonMaxSuppression with WEIGHTED overlap handling (min_suppression_threshold 0.3
 * in face_detection_*.pbtxt): every candidate overlapping the best remaining one by `iouLimit` or
 * more joins its cluster; the cluster's box and keypoints are the score-weighted mean. */
export function weightedNms(candidates: readonly Detection[], iouLimit: number, maxFaces = 16): Detection[] {
  let remaining = [...candidates].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  while (remaining.length > 0 && kept.length < maxFaces) {
    const best = remaining[0]!;
    const cluster = remaining.filter((c) => overlap(best, c) >= iouLimit);
    remaining = remaining.filter((c) => overlap(best, c) < iouLimit);
    let total = 0;
    let x1 = 0;
    let y1 = 0;
    let x2 = 0;
    let y2 = 0;
    const kp = (best.keypoints ?? []).map(() => [0, 0] as [number, number]);
    for (const c of cluster) {
      total += c.score;
      x1 += c.x * c.score;
      y1 += c.y * c.score;
      x2 += (c.x + c.width) * c.score;
      y2 += (c.y + c.height) * c.score;
      c.keypoints?.forEach((p, k) => {
        const acc = kp[k];
        if (acc) {
          acc[0] += p[0] * c.score;
          acc[1] += p[1] * c.score;
        }
      });
    }
    kept.push({
      x: x1 / total,
      y: y1 / total,
      width: (x2 - x1) / total,
      height: (y2 - y1) / total,
      score: best.score,
      keypoints: kp.map(([x, y]) => [x / total, y / total] as Point),
    });
  }
  return kept;
}

/** The letterbox `blazefaceInput` used: the square the frame was fitted into, in frame pixels. */
export interface Letterbox {
  x: number;
  y: number;
  side: number;
}

/** MediaPipe feeds BlazeFace the whole frame fitted into a square, keeping its aspect (padding the
 * short side): the square, centred on the frame, in frame pixels. */
export function letterbox(width: number, height: number): Letterbox {
  const side = Math.max(width, height);
  return { x: (width - side) / 2, y: (height - side) / 2, side };
}

/** Decodes both layers, merges overlaps, and maps boxes and keypoints from the square input back
 * into frame pixels. */
export function decodeBlazeface(
  layers: readonly RawLayer[],
  inputSize: number,
  box: Letterbox,
  minConfidence: number,
  iouLimit: number,
): Detection[] {
  const faces = weightedNms(blazefaceCandidates(layers, inputSize, minConfidence), iouLimit);
  const px = (p: Point): Point => [box.x + p[0] * box.side, box.y + p[1] * box.side];
  return faces.map((f) => ({
    x: box.x + f.x * box.side,
    y: box.y + f.y * box.side,
    width: f.width * box.side,
    height: f.height * box.side,
    score: f.score,
    keypoints: (f.keypoints ?? []).map(px),
  }));
}
