// Decodes Ultra-Light-style detector outputs (already decoded corner boxes 0..1 with two-class
// scores) into face boxes in frame pixels, with non-maximum suppression.
import type { Box } from './frame';
import type { Point } from './geometry';

export interface Detection extends Box {
  score: number;
  /** Keypoints in frame pixels when the detector gives them (BlazeFace: see blazeface.ts). */
  keypoints?: Point[];
}

export function iou(a: Box, b: Box): number {
  const x1 = Math.max(a.x, b.x);
  const y1 = Math.max(a.y, b.y);
  const x2 = Math.min(a.x + a.width, b.x + b.width);
  const y2 = Math.min(a.y + a.height, b.y + b.height);
  const inter = Math.max(0, x2 - x1) * Math.max(0, y2 - y1);
  const union = a.width * a.height + b.width * b.height - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy NMS, best score first, bounded to `maxFaces` results. */
export function nonMaxSuppression(candidates: Detection[], iouLimit: number, maxFaces = 16): Detection[] {
  const sorted = [...candidates].sort((a, b) => b.score - a.score);
  const kept: Detection[] = [];
  for (const c of sorted) {
    if (kept.length >= maxFaces) break;
    if (kept.every((k) => iou(k, c) < iouLimit)) kept.push(c);
  }
  return kept;
}

export function decodeUltraface(
  scores: Float32Array,
  boxes: Float32Array,
  frameWidth: number,
  frameHeight: number,
  minConfidence: number,
  iouLimit: number,
): Detection[] {
  const n = scores.length / 2;
  const candidates: Detection[] = [];
  for (let i = 0; i < n; i++) {
    const score = scores[i * 2 + 1]!;
    if (score < minConfidence) continue;
    const x1 = boxes[i * 4]! * frameWidth;
    const y1 = boxes[i * 4 + 1]! * frameHeight;
    const x2 = boxes[i * 4 + 2]! * frameWidth;
    const y2 = boxes[i * 4 + 3]! * frameHeight;
    if (x2 <= x1 || y2 <= y1) continue;
    candidates.push({ x: x1, y: y1, width: x2 - x1, height: y2 - y1, score });
  }
  return nonMaxSuppression(candidates, iouLimit);
}

/** The square around a box's centre with side = the box's height (the crop the landmark model
 * was trained on, as faceplugin's own code makes it). */
export function squareAround(box: Box, scale = 1): Box {
  const side = Math.max(box.width, box.height) * scale;
  const cx = box.x + box.width / 2;
  const cy = box.y + box.height / 2;
  return { x: cx - side / 2, y: cy - side / 2, width: side, height: side };
}
