// The whole pipeline on a worker thread, on real faces from face-api's sample photos: the same face
// under other crops, light, rotation, blur and noise is verified against an ID-card-sized photo of
// it; people standing side by side in one photo (so certainly different people) are not.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEFAULT_FACE_CONFIG, modelMissing, parseFaceConfig } from './face-config';
import { cosineSimilarity } from './face-pipeline';
import { FaceVerifier } from './face-verifier';
import type { FaceAuditEvent } from './decision';
import type { Box, Frame } from './frame';
import { blur, camera, gaussianNoise, idCardPhoto, lighting, placeFace } from '../testing/face/augment';
import { loadSamplePhoto } from '../testing/face/sample-photos';

const threshold = parseFaceConfig().decision.matchThreshold;
// The default detector is BlazeFace from .cache/model-packages (scripts/fetch-model-packages.mjs).
const skip = modelMissing(parseFaceConfig().detector.model) ?? false;
const audits: FaceAuditEvent[] = [];
let verifier: FaceVerifier;
const people: { photo: Frame; box: Box; reference: Float32Array }[] = [];

before(async () => {
  if (skip) return;
  verifier = await FaceVerifier.open(DEFAULT_FACE_CONFIG, { onAudit: (e) => audits.push(e) });
  const photo = loadSamplePhoto('sample6.jpg');
  const { faces } = await verifier.observe(photo);
  for (const box of faces) {
    const reference = await verifier.enrol(idCardPhoto(photo, box));
    if (reference) people.push({ photo, box, reference });
  }
});

after(async () => {
  if (!skip) await verifier.close();
});

const at = (faceSide: number, rotationDegrees = 0) => ({ faceSide, centerX: 320, centerY: 230, rotationDegrees });

test('the same face under other crops, light, rotation, blur and noise scores above the threshold', { skip }, async () => {
  assert.ok(people.length >= 4, `expected 4+ enrolled faces in sample6, got ${people.length}`);
  // The second largest of the four faces BlazeFace finds in sample6 (the README's genuine figures
  // cover all of them).
  const person = people[1]!;
  const variants: Record<string, Frame> = {
    plain: placeFace(person.photo, person.box, at(200)),
    small: placeFace(person.photo, person.box, { ...at(120), centerX: 200 }),
    dim: lighting(placeFace(person.photo, person.box, at(200)), 0.8, 1.15),
    bright: lighting(placeFace(person.photo, person.box, at(200)), 1.25, 0.9),
    rotated: placeFace(person.photo, person.box, at(190, 8)),
    blurred: blur(placeFace(person.photo, person.box, at(200)), 1),
    noisy: gaussianNoise(placeFace(person.photo, person.box, at(180, -5)), 10, 7),
  };
  for (const [name, frame] of Object.entries(variants)) {
    const result = await verifier.verify(camera(frame, 1), person.reference);
    assert.equal(result.outcome, 'verified', `${name}: ${result.outcome} ${result.reasons.join(',')} similarity ${result.measurements.similarity}`);
    assert.ok(result.measurements.similarity! >= threshold);
    assert.ok(result.timings.totalMs < 1000, `${name} took ${result.timings.totalMs} ms`);
  }
  assert.equal(audits.length, Object.keys(variants).length, 'one audit event per verification');
});

test('different people from one photo score below the threshold', { skip }, () => {
  let pairs = 0;
  for (let i = 0; i < people.length; i++) {
    for (let j = i + 1; j < people.length; j++) {
      const s = cosineSimilarity(people[i]!.reference, people[j]!.reference);
      assert.ok(s < threshold, `faces ${i} and ${j}: ${s}`);
      pairs++;
    }
  }
  assert.ok(pairs >= 6);
});

test('someone else in front of the camera is not-same-person; empty, tiny and dark frames say why', { skip }, async () => {
  const [a, b] = people;
  const other = await verifier.verify(camera(placeFace(b!.photo, b!.box, at(200)), 2), a!.reference);
  assert.equal(other.outcome, 'not-same-person');
  const empty: Frame = { width: 640, height: 480, data: new Uint8Array(640 * 480 * 4).fill(190) };
  assert.equal((await verifier.verify(empty, a!.reference)).outcome, 'no-face');
  // 70 px: found (the refine pass brings it into BlazeFace's range) but under the 80 px minimum.
  assert.equal((await verifier.verify(placeFace(a!.photo, a!.box, { ...at(70), centerX: 500 }), a!.reference)).outcome, 'too-small');
  assert.equal((await verifier.verify(lighting(placeFace(a!.photo, a!.box, at(200)), 0.25), a!.reference)).outcome, 'too-dark');
  const audit = audits.at(-1)!;
  assert.equal(audit.outcome, 'too-dark');
  assert.ok(!JSON.stringify(audit).includes('data'), 'no pixels in the audit event');
});
