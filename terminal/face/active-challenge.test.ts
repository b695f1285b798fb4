import assert from 'node:assert/strict';
import { test } from 'node:test';
import { evaluateChallenge } from './active-challenge';
import { eyeAspectRatio, yawProxy, type Point } from './geometry';

// An open-eyed frontal face in the 68-point layout: only the points the challenge reads matter.
function face(eyeOpen: number, noseShift = 0): Point[] {
  const pts: Point[] = Array.from({ length: 68 }, () => [100, 100] as Point);
  const eye = (start: number, cx: number) => {
    pts[start] = [cx - 15, 80];
    pts[start + 1] = [cx - 5, 80 - eyeOpen];
    pts[start + 2] = [cx + 5, 80 - eyeOpen];
    pts[start + 3] = [cx + 15, 80];
    pts[start + 4] = [cx + 5, 80 + eyeOpen];
    pts[start + 5] = [cx - 5, 80 + eyeOpen];
  };
  eye(36, 70);
  eye(42, 130);
  pts[30] = [100 + noseShift, 110];
  return pts;
}

test('a blink passes; a still face (a photo) does not', () => {
  assert.ok(eyeAspectRatio(face(5)) > 0.3 && eyeAspectRatio(face(1)) < 0.1);
  const blink = [5, 5, 4, 1, 1, 4, 5].map((o) => face(o));
  assert.deepEqual(evaluateChallenge('blink', blink), { passed: true, reason: 'done' });
  const still = [5, 5, 4.8, 5, 5.1, 5, 5].map((o) => face(o));
  assert.deepEqual(evaluateChallenge('blink', still), { passed: false, reason: 'no-blink' });
  assert.equal(evaluateChallenge('blink', blink.slice(0, 3)).reason, 'too-few-frames');
  assert.equal(evaluateChallenge('blink', [...blink.slice(0, 4), null, ...blink.slice(5)]).reason, 'face-lost');
});

test('a head turn in the asked direction and back passes; the other direction does not', () => {
  assert.ok(yawProxy(face(5, 20)) > 0.3);
  const right = [0, 5, 15, 25, 20, 5, 0].map((s) => face(5, s));
  assert.equal(evaluateChallenge('turn-right', right).passed, true);
  assert.equal(evaluateChallenge('turn-left', right).passed, false);
  const stayedTurned = [0, 10, 25, 25, 25, 25].map((s) => face(5, s));
  assert.equal(evaluateChallenge('turn-right', stayedTurned).passed, false);
});

test('BlazeFace keypoints carry a head turn; a blink asked of them says it needs landmarks', () => {
  // Six keypoints: eyes, nose, mouth, ears; the nose moves towards the image's right and back.
  const kp = (nose: number): Point[] => [[70, 80], [130, 80], [100 + nose, 110], [100, 130], [40, 90], [160, 90]];
  const right = [0, 5, 15, 25, 20, 5, 0].map(kp);
  assert.equal(evaluateChallenge('turn-right', right).passed, true);
  assert.equal(evaluateChallenge('turn-left', right).passed, false);
  assert.deepEqual(evaluateChallenge('blink', right), { passed: false, reason: 'needs-landmarks' });
});
