// One face check at the kiosk, over live camera frames: wait for a usable frame (prompting the
// patient: closer, more light, face the camera, one person), compare it with the reference, and
// demand evidence that the face is live before saying verified: the passive model's score where
// one is configured and sure, else an active challenge (head turn, or blink with 68 landmarks)
// followed by one more match so the face that turned is the face that matched. Whatever cannot
// be settled by the camera goes to staff, never to a silent pass.
import { evaluateChallenge, type Challenge, type ChallengeResult } from './active-challenge';
import { measurementsOf, qualityGate, type DecisionOptions, type FaceOutcome } from './decision';
import type { FaceConfig } from './face-config';
import type { FrameAnalysis, VerifyResult } from './face-pipeline';
import type { Frame } from './frame';
import type { Point } from './geometry';

/** What the verifier offers (FaceVerifier on its worker thread, or the pipeline in tests). */
export interface FaceCheckVerifier {
  verify(frame: Frame, reference: Float32Array, options?: DecisionOptions): Promise<VerifyResult>;
  observe(frame: Frame): Promise<FrameAnalysis>;
}

/** The camera: the next frame, or null when the camera is gone (unplugged, closed). */
export interface FrameFeed {
  next(): Promise<Frame | null>;
}

/** What the kiosk says to the patient (screen and voice), one at a time. */
export type FacePrompt =
  | 'look-at-camera'
  | 'come-closer'
  | 'more-light'
  | 'face-the-camera'
  | 'one-person-only'
  | 'hold-still'
  | Challenge;

export type FaceCheckResult =
  | { outcome: 'verified'; liveness: 'passive' | 'challenge'; similarity: number; frames: number }
  | { outcome: 'not-same-person'; similarity: number; frames: number }
  | {
      outcome: 'staff-check';
      reason: 'no-usable-frame' | 'spoof-suspected' | 'challenge-failed' | 'camera-lost';
      /** The challenge's own reason, when that is what failed. */
      detail?: ChallengeResult['reason'];
      frames: number;
    };

export interface FaceCheckOptions {
  /** Frames to wait for a usable one before staff are asked (at ~10 frames/s, 3 s). */
  maxFrames: number;
  /** Usable frames in a row below the threshold before "not the same person" is said: one frame
   * can catch a blink or motion blur. */
  mismatchFrames: number;
  /** Most frames read for the challenge (at ~5 frames/s, 6 s: a turn and back takes one or two). */
  challengeFrames: number;
  /** The challenge to ask; by default a head turn to a random side, so a recording cannot know it. */
  challenge?: Challenge;
  random?: () => number;
  onPrompt?: (prompt: FacePrompt) => void;
}

export const DEFAULT_FACE_CHECK: FaceCheckOptions = { maxFrames: 30, mismatchFrames: 2, challengeFrames: 30 };

/** What the patient is asked to do about a frame the quality gate stopped. */
export const promptFor: Partial<Record<FaceOutcome, FacePrompt>> = {
  'no-face': 'look-at-camera',
  'too-small': 'come-closer',
  'too-dark': 'more-light',
  'poor-quality': 'face-the-camera',
  'several-faces': 'one-person-only',
};

/** The quality gate on one observed frame (no reference needed): null when usable, else what
 * stopped it. Enrolment picks its candidate frame with this. */
export function gateObservation(analysis: FrameAnalysis, config: FaceConfig): FaceOutcome | null {
  return qualityGate(measurementsOf(analysis), config)?.outcome ?? null;
}

export async function runFaceCheck(
  verifier: FaceCheckVerifier,
  feed: FrameFeed,
  reference: Float32Array,
  options: Partial<FaceCheckOptions> = {},
): Promise<FaceCheckResult> {
  const o = { ...DEFAULT_FACE_CHECK, ...options };
  const prompt = o.onPrompt ?? (() => {});
  let frames = 0;
  let mismatches = 0;
  let lastPrompt: FacePrompt | null = null;
  const say = (p: FacePrompt) => {
    if (p !== lastPrompt) prompt(p);
    lastPrompt = p;
  };

  say('look-at-camera');
  while (frames < o.maxFrames) {
    const frame = await feed.next();
    if (!frame) return { outcome: 'staff-check', reason: 'camera-lost', frames };
    frames++;
    const result = await verifier.verify(frame, reference);
    const outcome = result.outcome;
    const similarity = result.measurements.similarity ?? 0;
    if (outcome === 'spoof-suspected') return { outcome: 'staff-check', reason: 'spoof-suspected', frames };
    if (outcome === 'not-same-person') {
      if (++mismatches >= o.mismatchFrames) return { outcome: 'not-same-person', similarity, frames };
      say('hold-still');
      continue;
    }
    mismatches = 0;
    const p = promptFor[outcome];
    if (p) {
      say(p);
      continue;
    }
    // A match. Live enough by the passive model alone only when one is configured and sure; with
    // no passive model (the licence-clear default) the challenge is the liveness check.
    if (outcome === 'verified' && result.measurements.liveness !== null) return { outcome: 'verified', liveness: 'passive', similarity, frames };
    return challengeThenMatch(verifier, feed, reference, o, say, frames);
  }
  return { outcome: 'staff-check', reason: 'no-usable-frame', frames };
}

async function challengeThenMatch(
  verifier: FaceCheckVerifier,
  feed: FrameFeed,
  reference: Float32Array,
  o: FaceCheckOptions,
  say: (p: FacePrompt) => void,
  framesBefore: number,
): Promise<FaceCheckResult> {
  let frames = framesBefore;
  const random = o.random ?? Math.random;
  const challenge = o.challenge ?? (random() < 0.5 ? 'turn-left' : 'turn-right');
  say(challenge);
  // Up to challengeFrames frames, done as soon as the movement is seen: an elderly patient may take
  // a few seconds to start, a quick one should not wait. A frame where the face is lost (a hand
  // passing, motion blur) is left out rather than failing the challenge.
  const seen: Point[][] = [];
  let result: ChallengeResult = { passed: false, reason: 'too-few-frames' };
  for (let k = 0; k < o.challengeFrames && !result.passed; k++) {
    const frame = await feed.next();
    if (!frame) return { outcome: 'staff-check', reason: 'camera-lost', frames };
    frames++;
    const { best } = await verifier.observe(frame);
    const points = best ? (challenge === 'blink' ? best.landmarks : best.points) : null;
    if (points) seen.push(points);
    result = evaluateChallenge(challenge, seen);
  }
  if (!result.passed) return { outcome: 'staff-check', reason: 'challenge-failed', detail: result.reason, frames };
  // The face that turned must be the face that matched: one more frame, front on.
  say('look-at-camera');
  for (let tries = 0; tries < o.maxFrames; tries++) {
    const frame = await feed.next();
    if (!frame) return { outcome: 'staff-check', reason: 'camera-lost', frames };
    frames++;
    const after = await verifier.verify(frame, reference, { challengePassed: true });
    const similarity = after.measurements.similarity ?? 0;
    if (after.outcome === 'verified') return { outcome: 'verified', liveness: 'challenge', similarity, frames };
    if (after.outcome === 'not-same-person') return { outcome: 'not-same-person', similarity, frames };
    if (after.outcome === 'spoof-suspected') return { outcome: 'staff-check', reason: 'spoof-suspected', frames };
  }
  return { outcome: 'staff-check', reason: 'no-usable-frame', frames };
}
