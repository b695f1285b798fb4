// The active liveness challenge the kiosk asks for when the passive score is unsure: a blink or a
// head turn, read from landmarks over a few frames. Pure functions over landmark sequences, so a
// replayed photo (which cannot blink on request) and a live face can be told apart without a model.
import { eyeAspectRatio, yawProxy, type Point } from './geometry';

export type Challenge = 'blink' | 'turn-left' | 'turn-right';

export interface ChallengeResult {
  passed: boolean;
  /** needs-landmarks: a blink asked of keypoints only (no landmark model configured). */
  reason: 'done' | 'too-few-frames' | 'no-blink' | 'no-turn' | 'face-lost' | 'needs-landmarks';
}

export interface ChallengeLimits {
  minFrames: number;
  /** A blink: the eye aspect ratio falls below this share of the open-eye level, then recovers. */
  closedRatio: number;
  /** A turn: the yaw proxy moves this far in the asked direction from the start, then comes back half way. */
  minTurn: number;
}

export const DEFAULT_CHALLENGE_LIMITS: ChallengeLimits = { minFrames: 5, closedRatio: 0.6, minTurn: 0.35 };

/** `frames`: the face's 68 landmarks a frame (a head turn also works on BlazeFace's six
 * keypoints), oldest first; null where no face was seen. */
export function evaluateChallenge(challenge: Challenge, frames: readonly (readonly Point[] | null)[], limits = DEFAULT_CHALLENGE_LIMITS): ChallengeResult {
  if (frames.length < limits.minFrames) return { passed: false, reason: 'too-few-frames' };
  if (frames.some((f) => f === null)) return { passed: false, reason: 'face-lost' };
  const seq = frames as readonly (readonly Point[])[];
  if (challenge === 'blink') {
    if (seq.some((f) => f.length < 68)) return { passed: false, reason: 'needs-landmarks' };
    const ear = seq.map(eyeAspectRatio);
    const open = Math.max(...ear.slice(0, 2), ...ear.slice(-2));
    const closedAt = ear.findIndex((e, i) => i > 0 && e < open * limits.closedRatio);
    const reopened = closedAt > 0 && ear.slice(closedAt).some((e) => e > open * (1 - (1 - limits.closedRatio) / 2));
    return reopened ? { passed: true, reason: 'done' } : { passed: false, reason: 'no-blink' };
  }
  // The yaw proxy grows when the nose moves towards the image's right: the subject turning to
  // their left as the camera sees them mirrored is the kiosk's business; here 'left' is image-left.
  const sign = challenge === 'turn-right' ? 1 : -1;
  const yaw = seq.map((f) => yawProxy(f) * sign);
  const start = yaw[0]!;
  const peakAt = yaw.reduce((best, v, i) => (v > yaw[best]! ? i : best), 0);
  const turned = yaw[peakAt]! - start >= limits.minTurn;
  const back = yaw.slice(peakAt).some((v) => v - start <= (yaw[peakAt]! - start) / 2);
  return turned && back ? { passed: true, reason: 'done' } : { passed: false, reason: 'no-turn' };
}
