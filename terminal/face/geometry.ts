// Landmark geometry: the five alignment points from 68, the similarity transform onto a template,
// and head pose and eye openness proxies read from the points (no extra model needed).
import type { Affine } from './frame';

export type Point = readonly [number, number];

const mean = (pts: readonly Point[]): Point => [
  pts.reduce((s, p) => s + p[0], 0) / pts.length,
  pts.reduce((s, p) => s + p[1], 0) / pts.length,
];

function at(points: readonly Point[], i: number): Point {
  const p = points[i];
  if (!p) throw new Error(`landmark ${i} missing (have ${points.length})`);
  return p;
}

/** Eye centres, nose tip, mouth corners (subject's right eye first, as it appears on the left of
 * the image), from the 68-point iBUG layout. */
export function fivePoints(l68: readonly Point[]): Point[] {
  const range = (a: number, b: number) => Array.from({ length: b - a + 1 }, (_, k) => at(l68, a + k));
  return [mean(range(36, 41)), mean(range(42, 47)), at(l68, 30), at(l68, 48), at(l68, 54)];
}

/** The alignment points from 68 landmarks (five) or from BlazeFace's six keypoints (four: eye
 * centres, nose tip, mouth centre; the ears are left out), in the same order as fivePoints. */
export function alignmentPoints(points: readonly Point[]): Point[] {
  if (points.length >= 68) return fivePoints(points);
  if (points.length === 6) return points.slice(0, 4);
  throw new Error(`alignment needs 68 landmarks or 6 keypoints, got ${points.length}`);
}

/** The recogniser's five-point template reduced to the points `alignmentPoints` gives: with four,
 * the mouth centre is the mid-point of the template's mouth corners. */
export function templateFor(template: readonly Point[], count: number): Point[] {
  if (count === template.length) return [...template];
  if (count === 4 && template.length === 5) {
    const [a, b, c, l, r] = template as [Point, Point, Point, Point, Point];
    return [a, b, c, [(l[0] + r[0]) / 2, (l[1] + r[1]) / 2]];
  }
  throw new Error(`no ${count}-point form of a ${template.length}-point template`);
}

/** Least-squares similarity (scale, rotation, shift) taking `from` onto `to` (Umeyama, 2D). */
export function similarity(from: readonly Point[], to: readonly Point[]): Affine {
  if (from.length !== to.length || from.length < 2) throw new Error('similarity needs matching point sets of 2 or more');
  const [fx, fy] = mean(from);
  const [tx, ty] = mean(to);
  let norm = 0;
  let a = 0;
  let b = 0;
  for (let i = 0; i < from.length; i++) {
    const px = at(from, i)[0] - fx;
    const py = at(from, i)[1] - fy;
    const qx = at(to, i)[0] - tx;
    const qy = at(to, i)[1] - ty;
    norm += px * px + py * py;
    a += px * qx + py * qy;
    b += px * qy - py * qx;
  }
  a /= norm;
  b /= norm;
  return [a, -b, tx - (a * fx - b * fy), b, a, ty - (b * fx + a * fy)];
}

/** Signed head yaw proxy: where the nose tip sits between the eyes, -1..1, 0 when frontal; from
 * 68 landmarks or BlazeFace's six keypoints. */
export function yawProxy(points: readonly Point[]): number {
  const [left, right, nose] = alignmentPoints(points) as [Point, Point, Point];
  // Measured along the eye line, so a tilted (rolled) head does not read as a turned one.
  const ex = right[0] - left[0];
  const ey = right[1] - left[1];
  const span2 = ex * ex + ey * ey;
  if (span2 <= 0) return 1;
  return (((nose[0] - left[0]) * ex + (nose[1] - left[1]) * ey) / span2 - 0.5) * 2;
}

export function rollDegrees(points: readonly Point[]): number {
  const [left, right] = alignmentPoints(points) as [Point, Point];
  return (Math.atan2(right[1] - left[1], right[0] - left[0]) * 180) / Math.PI;
}

const dist = (a: Point, b: Point) => Math.hypot(a[0] - b[0], a[1] - b[1]);

/** Eye aspect ratio (Soukupova & Cech 2016), both eyes averaged: ~0.3 open, under ~0.15 closed. */
export function eyeAspectRatio(l68: readonly Point[]): number {
  const ear = (s: number) =>
    (dist(at(l68, s + 1), at(l68, s + 5)) + dist(at(l68, s + 2), at(l68, s + 4))) / (2 * dist(at(l68, s), at(l68, s + 3)));
  return (ear(36) + ear(42)) / 2;
}
