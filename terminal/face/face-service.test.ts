// The face step in the core on real faces: frames pushed as a camera would, the verifier on its
// worker, a real journal. A patient enrols by turning as asked, then pays by ID card and face; a
// stranger with that card is refused; every check lands in the journal's audit trail.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { modelMissing, parseFaceConfig } from './face-config';
import type { FacePrompt } from './face-check';
import { FacePipeline } from './face-pipeline';
import type { Box, Frame } from './frame';
import { camera, placeFace, turnHead } from '../testing/face/augment';
import { loadSamplePhoto } from '../testing/face/sample-photos';
import { formatMsgid } from '../insurance/msgid';
import { openJournal, type Journal } from '../journal/journal';
import { createFaceService, type FaceService } from './face-service';

const skip = modelMissing(parseFaceConfig().detector.model) ?? false;
const ID_A = '110101199003074518';
const ID_B = '110101195001011234';
let journal: Journal;
let faces: FaceService;
let photo: Frame;
let boxes: Box[] = [];

before(async () => {
  if (skip) return;
  journal = openJournal({ dataDir: mkdtempSync(join(tmpdir(), 'face-service-')), institutionCode: 'H44030500001', formatMsgid });
  faces = createFaceService({ journal, frameTimeoutMs: 3000, check: { challenge: 'turn-left' } });
  photo = loadSamplePhoto('sample6.jpg');
  const finder = await FacePipeline.open();
  boxes = await finder.detect(photo);
  await finder.close();
});

after(async () => {
  if (skip) return;
  await faces.close();
  journal.close();
});

const place = (box: Box, seed: number, turn = 0) =>
  camera(turnHead(placeFace(photo, box, { faceSide: 200, centerX: 320, centerY: 230, rotationDegrees: 0 }), 320, turn), seed);
/** A patient in front of the camera at ~5 frames/s: looks at it, and turns to the image's left and
 * back when (and only when) asked to, as a person reacting to the prompt would. */
function patient(box: Box): { prompt: (p: FacePrompt) => void; stop: () => void; prompts: FacePrompt[] } {
  const turn = [0.1, 0.25, 0.4, 0.5, 0.5, 0.4, 0.25, 0.1];
  const prompts: FacePrompt[] = [];
  let turning = -1;
  let k = 0;
  const timer = setInterval(() => {
    k++;
    const amount = turning >= 0 && turning < turn.length ? turn[turning++]! : 0;
    faces.push(place(box, k, amount));
  }, 200);
  return {
    prompts,
    prompt: (p) => {
      prompts.push(p);
      if (p === 'turn-left') turning = 0;
    },
    stop: () => clearInterval(timer),
  };
}

/** Someone who only stands there (a stranger, or a photo held up). */
function still(frames: Frame[]): () => void {
  let k = 0;
  const timer = setInterval(() => faces.push(frames[k++ % frames.length]!), 200);
  return () => clearInterval(timer);
}

test('a patient enrols by turning as asked; later the same face verifies and a stranger does not', { skip }, async () => {
  let a = patient(boxes[0]!);
  const enrolled = await faces.enrol(ID_A, a.prompt, new AbortController().signal).finally(a.stop);
  assert.equal(enrolled.outcome, 'verified', JSON.stringify(enrolled));
  assert.ok(a.prompts.includes('turn-left'), a.prompts.join());
  assert.ok(faces.isEnrolled(ID_A) && !faces.isEnrolled(ID_B));

  a = patient(boxes[0]!);
  const same = await faces.verify(ID_A, a.prompt, new AbortController().signal).finally(a.stop);
  assert.equal(same.outcome, 'verified', JSON.stringify(same));

  const stop = still([place(boxes[1]!, 1), place(boxes[1]!, 2), place(boxes[1]!, 3)]);
  const stranger = await faces.verify(ID_A, () => {}, new AbortController().signal).finally(stop);
  assert.equal(stranger.outcome, 'not-same-person');

  // The enrolled face held up as a photo: it matches but cannot turn on request.
  const photoHeldUp = still([place(boxes[0]!, 7)]);
  const held = await faces.verify(ID_A, () => {}, new AbortController().signal).finally(photoHeldUp);
  assert.equal(held.outcome, 'staff-check');

  assert.deepEqual(await faces.verify(ID_B, () => {}, new AbortController().signal), { outcome: 'not-enrolled' });
  const audits = journal.faceAudits(1000);
  assert.ok(audits.length >= 6, `${audits.length} audit rows`);
  assert.ok(audits.some((x) => x.outcome === 'not-same-person') && audits.some((x) => x.outcome === 'verified' && x.event.challengePassed === true));
});

test('no frames means the camera is gone; a reset mid-check ends it at once', { skip }, async () => {
  const started = Date.now();
  const lost = await faces.verify(ID_A, () => {}, new AbortController().signal);
  assert.deepEqual(lost, { outcome: 'staff-check', reason: 'camera-lost', frames: 0 });
  assert.ok(Date.now() - started >= 2900);
  const abort = new AbortController();
  setTimeout(() => abort.abort(), 100);
  const t = Date.now();
  assert.equal((await faces.verify(ID_A, () => {}, abort.signal)).outcome, 'staff-check');
  assert.ok(Date.now() - t < 1500, 'aborted promptly');
  assert.equal(faces.forget(ID_A), true);
  assert.equal(faces.isEnrolled(ID_A), false);
});
