// Face benchmark: pipeline timings on 640x480 frames, genuine and impostor score distributions on
// face-api's sample photos, FAR/FRR at the configured threshold, passive-liveness APCER/BPCER on
// staged attacks, and in the same run the TF.js WASM reference of the recogniser. Last line: JSON.
import { DlibResnetTfjs, useTfBackend } from '../terminal/face/dlib-resnet-tfjs-reference';
import { DEFAULT_FACE_CONFIG, parseFaceConfig, withFaceplugin } from '../terminal/face/face-config';
import { cosineSimilarity, FacePipeline } from '../terminal/face/face-pipeline';
import type { Box, Frame } from '../terminal/face/frame';
import { blur, camera, flatPrint, gaussianNoise, idCardPhoto, lighting, placeFace, screenReplay } from '../terminal/face/testing/augment';
import { loadSamplePhoto, SAMPLE_PHOTO_NAMES } from '../terminal/face/testing/sample-photos';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};
const stats = (xs: number[]) => ({ n: xs.length, mean: xs.reduce((a, b) => a + b, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs) });
const r = (v: number, d = 4) => Math.round(v * 10 ** d) / 10 ** d;

const config = parseFaceConfig();
const threshold = config.decision.matchThreshold;
const pipeline = await FacePipeline.open(withFaceplugin(DEFAULT_FACE_CONFIG, { liveness: true }));

interface Person { photo: Frame; box: Box; reference: Float32Array; photoName: string }
const people: Person[] = [];
for (const name of SAMPLE_PHOTO_NAMES) {
  const photo = loadSamplePhoto(name);
  for (const box of await pipeline.detect(photo)) {
    const reference = await pipeline.enrol(idCardPhoto(photo, box));
    if (reference) people.push({ photo, box, reference, photoName: name });
  }
}

const at = (faceSide: number, rotationDegrees = 0) => ({ faceSide, centerX: 320, centerY: 230, rotationDegrees });
const detectMs: number[] = [];
const verifyMs: number[] = [];
const genuine: number[] = [];
let genuineRejected = 0;
let genuineStopped = 0;
const live: { bona: number[]; screen: number[]; print: number[] } = { bona: [], screen: [], print: [] };
for (let i = 0; i < people.length; i++) {
  const p = people[i]!;
  const base = placeFace(p.photo, p.box, at(200));
  const variants = [base, placeFace(p.photo, p.box, { ...at(130), centerX: 220 }), lighting(base, 0.8, 1.15), lighting(base, 1.2, 0.9), placeFace(p.photo, p.box, at(190, 8)), blur(base, 1), gaussianNoise(placeFace(p.photo, p.box, at(180, -5)), 10, i)];
  for (const [k, v] of variants.entries()) {
    const res = await pipeline.verify(camera(v, i * 10 + k), p.reference);
    detectMs.push(res.timings.detectMs);
    verifyMs.push(res.timings.totalMs);
    if (res.measurements.similarity === null) { genuineStopped++; continue; }
    genuine.push(res.measurements.similarity);
    if (res.measurements.similarity < threshold) genuineRejected++;
    if (res.measurements.liveness !== null) live.bona.push(res.measurements.liveness);
  }
  for (const [kind, attack] of [['screen', screenReplay(base, i)], ['print', flatPrint(base, i)]] as const) {
    const res = await pipeline.verify(camera(attack, i), p.reference);
    if (res.measurements.liveness !== null) live[kind].push(res.measurements.liveness);
  }
}
const samePhoto: number[] = [];
const crossPhoto: number[] = [];
for (let i = 0; i < people.length; i++) {
  for (let j = i + 1; j < people.length; j++) {
    const s = cosineSimilarity(people[i]!.reference, people[j]!.reference);
    (people[i]!.photoName === people[j]!.photoName ? samePhoto : crossPhoto).push(s);
  }
}
await pipeline.close();

// The TF.js WASM reference of the recogniser on the same aligned-crop size, one face a call.
await useTfBackend('wasm');
const reference = DlibResnetTfjs.load();
const crop = new Float32Array(150 * 150 * 3).map(() => Math.random() * 255);
reference.forward(crop, 1);
const tfjsMs: number[] = [];
for (let k = 0; k < 20; k++) { const t = performance.now(); reference.forward(crop, 1); tfjsMs.push(performance.now() - t); }
reference.dispose();
const onnxOnly = await FacePipeline.open(DEFAULT_FACE_CONFIG);
const frame = camera(placeFace(people[0]!.photo, people[0]!.box, at(200)), 1);
const obs = (await onnxOnly.analyse(frame)).best!;
const onnxEmbedMs: number[] = [];
for (let k = 0; k < 20; k++) { const t = performance.now(); await onnxOnly.embed(frame, obs.landmarks); onnxEmbedMs.push(performance.now() - t); }
await onnxOnly.close();

const { live: liveT, spoof } = config.decision;
const rate = (xs: number[], f: (x: number) => boolean) => (xs.length ? r(xs.filter(f).length / xs.length) : null);
const result = {
  frame: '640x480', cores: 2, threshold,
  detect_ms_p50: r(pct(detectMs, 0.5), 1), detect_ms_p95: r(pct(detectMs, 0.95), 1),
  verify_ms_p50: r(pct(verifyMs, 0.5), 1), verify_ms_p95: r(pct(verifyMs, 0.95), 1),
  genuine: { ...stats(genuine), stopped_by_quality_gate: genuineStopped },
  impostor_same_photo: stats(samePhoto),
  impostor_cross_photo_unlabelled: stats(crossPhoto),
  far_same_photo: r(samePhoto.filter((s) => s >= threshold).length / samePhoto.length),
  far_cross_photo_upper_bound: r(crossPhoto.filter((s) => s >= threshold).length / crossPhoto.length),
  frr: r(genuineRejected / genuine.length),
  recogniser_embed_ms_p50: { onnx: r(pct(onnxEmbedMs, 0.5), 1), tfjs_wasm: r(pct(tfjsMs, 0.5), 1), ratio_tfjs_over_onnx: r(pct(tfjsMs, 0.5) / pct(onnxEmbedMs, 0.5), 2) },
  second_detector: null,
  passive_liveness_fr_liveness_class0: {
    bona_fide: live.bona.length, screen: live.screen.length, print: live.print.length,
    bpcer_refused: rate(live.bona, (x) => x < spoof), bpcer_challenged: rate(live.bona, (x) => x < liveT),
    apcer_screen_passed: rate(live.screen, (x) => x >= liveT), apcer_screen_not_refused: rate(live.screen, (x) => x >= spoof),
    apcer_print_passed: rate(live.print, (x) => x >= liveT), apcer_print_not_refused: rate(live.print, (x) => x >= spoof),
  },
};
console.log(JSON.stringify(result));
