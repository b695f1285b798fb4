// Presentation attacks against the face check as the kiosk runs it by default (no passive model:
// the head-turn challenge is the liveness check), on real faces: the same face shown on a phone
// screen or as a flat print, held still in front of the camera, must never come out verified; the
// live face that turns as asked must. The attacks are the staged ones of testing/augment.ts and the
// claim is only about them (README.md: what is not claimed).
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEFAULT_FACE_CONFIG, modelMissing, parseFaceConfig } from './face-config';
import { runFaceCheck, type FaceCheckVerifier, type FrameFeed } from './face-check';
import { FacePipeline } from './face-pipeline';
import type { Box, Frame } from './frame';
import { camera, flatPrint, idCardPhoto, placeFace, screenReplay, turnHead } from '../testing/face/augment';
import { loadSamplePhoto } from '../testing/face/sample-photos';

const skip = modelMissing(parseFaceConfig().detector.model) ?? false;
let pipeline: FacePipeline;
let verifier: FaceCheckVerifier;
const people: { photo: Frame; box: Box; reference: Float32Array }[] = [];

before(async () => {
  if (skip) return;
  pipeline = await FacePipeline.open(DEFAULT_FACE_CONFIG);
  // A held-still attack cycles three noise draws over 34 frames, so most frames are ones the
  // models have already seen. The pipeline keeps no state between frames and the CPU models give
  // the same numbers for the same pixels, so each distinct question is asked of the models once
  // and the check still sees every frame's answer in order (a third of the inference time).
  const verified = new Map<Frame, Map<string, ReturnType<FaceCheckVerifier['verify']>>>();
  const observed = new Map<Frame, ReturnType<FaceCheckVerifier['observe']>>();
  const referenceIds = new Map<Float32Array, number>();
  verifier = {
    verify: (f, r, o) => {
      const byQuestion = verified.get(f) ?? new Map<string, ReturnType<FaceCheckVerifier['verify']>>();
      verified.set(f, byQuestion);
      if (!referenceIds.has(r)) referenceIds.set(r, referenceIds.size);
      const key = `${referenceIds.get(r)}:${JSON.stringify(o ?? {})}`;
      if (!byQuestion.has(key)) byQuestion.set(key, pipeline.verify(f, r, o));
      return byQuestion.get(key)!;
    },
    observe: (f) => {
      if (!observed.has(f)) observed.set(f, pipeline.analyse(f));
      return observed.get(f)!;
    },
  };
  for (const name of ['sample1.jpg', 'sample6.jpg']) {
    const photo = loadSamplePhoto(name);
    for (const box of await pipeline.detect(photo)) {
      const reference = await pipeline.enrol(idCardPhoto(photo, box));
      if (reference) people.push({ photo, box, reference });
    }
  }
});

after(async () => {
  if (!skip) await pipeline.close();
});

const feedOf = (frames: Frame[]): FrameFeed => {
  let i = 0;
  return { next: async () => frames[i++] ?? null };
};
const at = { faceSide: 200, centerX: 320, centerY: 230, rotationDegrees: 0 };

test('a face held up on a screen or as a print never passes the default check; the live face turning as asked does', { skip }, async () => {
  assert.ok(people.length >= 6, `${people.length} faces`);
  const outcomes: Record<'live' | 'screen' | 'print', Record<string, number>> = { live: {}, screen: {}, print: {} };
  const count = (kind: keyof typeof outcomes, outcome: string) => (outcomes[kind][outcome] = (outcomes[kind][outcome] ?? 0) + 1);
  for (const [i, p] of people.entries()) {
    const base = placeFace(p.photo, p.box, at);
    for (const [kind, attack] of [['screen', screenReplay(base, i)], ['print', flatPrint(base, i)]] as const) {
      // Held still: the sensor's noise changes frame to frame (three noise draws, cycled), the
      // presentation does not.
      const noisy = [0, 1, 2].map((k) => camera(attack, 100 * i + k));
      const frames = Array.from({ length: 34 }, (_, k) => noisy[k % noisy.length]!);
      const result = await runFaceCheck(verifier, feedOf(frames), p.reference, { challenge: i % 2 ? 'turn-left' : 'turn-right' });
      count(kind, result.outcome === 'staff-check' ? `staff-check:${result.reason}` : result.outcome);
    }
    const sign = i % 2 ? 1 : -1;
    const turning = [0, 0, 0.1, 0.25, 0.4, 0.5, 0.5, 0.4, 0.25, 0.1, 0, 0, 0].map((a, k) => camera(turnHead(base, 320, a * sign), 200 * i + k));
    const still = [0, 1, 2].map((k) => camera(base, 300 + k));
    const live = await runFaceCheck(verifier, feedOf([camera(base, 1), ...turning, ...Array.from({ length: 40 }, (_, k) => still[k % still.length]!)]), p.reference, {
      challenge: i % 2 ? 'turn-left' : 'turn-right',
    });
    count('live', live.outcome === 'staff-check' ? `staff-check:${live.reason}` : live.outcome);
  }
  console.log(JSON.stringify({ faces: people.length, outcomes }));
  assert.equal(outcomes.screen.verified ?? 0, 0, 'no screen replay verified');
  assert.equal(outcomes.print.verified ?? 0, 0, 'no flat print verified');
  // Some live faces are stopped by the quality gate (pose) or fail the match, as the README's FRR
  // says; most turn and pass.
  assert.ok((outcomes.live.verified ?? 0) >= Math.ceil(people.length * 0.6), JSON.stringify(outcomes.live));
});
