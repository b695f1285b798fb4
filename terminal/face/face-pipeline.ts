// The face pipeline on the calling thread: detect -> landmarks -> quality -> align -> liveness ->
// embed -> cosine similarity -> decision. The worker (face-worker.ts) wraps it so the terminal's
// main thread never waits on a model; tests and the benchmark may call it directly.
import type * as ort from 'onnxruntime-node';
import { auditEvent, decide, measurementsOf, qualityGate, type DecisionOptions, type FaceAuditEvent, type FaceDecision, type FaceMeasurements } from './decision';
import { parseFaceConfig, type FaceConfig, type FaceConfigInput, type InputSpec } from './face-config';
import { assertFrame, cropResize, grey, resize, warpAffine, type Box, type Frame } from './frame';
import { blazefaceAnchors, decodeBlazeface, letterbox, type Letterbox, type RawLayer } from './blazeface';
import { alignmentPoints, eyeAspectRatio, rollDegrees, similarity, templateFor, yawProxy, type Point } from './geometry';
import { openSession, runOne, toTensor, type SessionTuning } from './onnx-session';
import { laplacianVariance, meanLuma } from './quality';
import { decodeUltraface, squareAround, type Detection } from './ultraface';

export interface FaceObservation {
  box: Detection;
  /** What the face is aligned by (config \`align\`): the 68 landmarks or the detector's keypoints. */
  points: Point[];
  /** 68 landmarks when a landmark model is configured (the blink challenge needs them), else null. */
  landmarks: Point[] | null;
  brightness: number;
  sharpness: number;
  yaw: number;
  rollDegrees: number;
  /** From the 68 landmarks; null without a landmark model. */
  eyeAspectRatio: number | null;
}

/** Side of the grey face crop brightness and sharpness are measured on (the landmark model's
 * input size, so the quality limits hold with or without it). */
const QUALITY_CROP = 64;

export interface FrameAnalysis {
  faces: Detection[];
  best: FaceObservation | null;
}

export interface VerifyResult extends FaceDecision {
  measurements: FaceMeasurements;
  audit: FaceAuditEvent;
  /** The face's 68 landmarks, else the detector's keypoints, for the active challenge over frames
   * (a head turn works from either; a blink needs the 68). */
  landmarks: Point[] | null;
  timings: { detectMs: number; totalMs: number };
}

export function cosineSimilarity(a: Float32Array, b: Float32Array): number {
  if (a.length !== b.length) throw new Error(`embeddings of ${a.length} and ${b.length} values`);
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i]! * b[i]!;
    na += a[i]! * a[i]!;
    nb += b[i]! * b[i]!;
  }
  return dot / Math.sqrt(na * nb);
}

export class FacePipeline {
  private constructor(
    readonly config: FaceConfig,
    private readonly detector: ort.InferenceSession,
    private readonly landmarker: ort.InferenceSession | null,
    private readonly recogniser: ort.InferenceSession,
    private readonly liveness: ort.InferenceSession | null,
    private readonly reuseInputBuffers = false,
  ) {}

  private readonly inputBuffers = new Map<InputSpec, Float32Array>();

  private tensor(crop: Frame, spec: InputSpec): ort.Tensor {
    if (!this.reuseInputBuffers) return toTensor(crop, spec);
    const channels = spec.channels === 'GRAY' ? 1 : 3;
    let buffer = this.inputBuffers.get(spec);
    if (!buffer) this.inputBuffers.set(spec, (buffer = new Float32Array(spec.width * spec.height * channels)));
    return toTensor(crop, spec, buffer);
  }

  static async open(input?: FaceConfigInput, tuning?: SessionTuning): Promise<FacePipeline> {
    const config = parseFaceConfig(input);
    const t = config.threads;
    const [detector, landmarker, recogniser, liveness] = await Promise.all([
      openSession(config.detector.model, t, tuning),
      config.landmarks ? openSession(config.landmarks.model, t, tuning) : Promise.resolve(null),
      openSession(config.recogniser.model, t, tuning),
      config.liveness ? openSession(config.liveness.model, t, tuning) : Promise.resolve(null),
    ]);
    return new FacePipeline(config, detector, landmarker, recogniser, liveness, tuning?.reuseInputBuffers ?? false);
  }

  /**
   * Runs every session once on a blank input of its size. ORT plans and allocates its buffers on a
   * session's first run, so without this the first patient's verify pays it (bench:face
   * --session-only measures the first verify after open with and without).
   */
  async warmUp(): Promise<void> {
    const blank = (spec: InputSpec) => toTensor({ width: spec.width, height: spec.height, data: new Uint8Array(spec.width * spec.height * 4) }, spec);
    const c = this.config;
    const runs: Array<[ort.InferenceSession | null, InputSpec | undefined]> = [
      [this.detector, c.detector.input],
      [this.landmarker, c.landmarks?.input],
      [this.recogniser, c.recogniser.input],
      [this.liveness, c.liveness?.input],
    ];
    for (const [session, spec] of runs) if (session && spec) await session.run({ [spec.name]: blank(spec) });
  }

  async close(): Promise<void> {
    await Promise.all([this.detector, this.landmarker, this.recogniser, this.liveness].map((s) => s?.release()));
  }

  /** Faces in the frame, largest first. */
  async detect(frame: Frame): Promise<Detection[]> {
    assertFrame(frame);
    const d = this.config.detector;
    let faces: Detection[];
    if (d.kind === 'blazeface') {
      faces = await this.blazeface(frame, letterbox(frame.width, frame.height));
      if (d.refineScale > 0) faces = await this.refineBlazeface(frame, faces, d.refineScale);
    } else {
      const input = resize(frame, d.input.width, d.input.height);
      const result = await this.detector.run({ [d.input.name]: this.tensor(input, d.input) });
      const scores = result[d.outputs.scores]?.data as Float32Array | undefined;
      const boxes = result[d.outputs.boxes]?.data as Float32Array | undefined;
      if (!scores || !boxes) throw new Error(`detector outputs ${d.outputs.scores}/${d.outputs.boxes} missing`);
      faces = decodeUltraface(scores, boxes, frame.width, frame.height, d.minConfidence, d.nmsIou);
    }
    return faces.sort((a, b) => b.width * b.height - a.width * a.height);
  }

  private readonly anchors: Float32Array[] = [];

  /** BlazeFace on one square of the frame (the letterbox, or a crop around a face). */
  private async blazeface(frame: Frame, square: Letterbox): Promise<Detection[]> {
    const d = this.config.detector;
    if (d.kind !== 'blazeface') throw new Error('blazeface pass on another detector');
    const input = cropResize(frame, { x: square.x, y: square.y, width: square.side, height: square.side }, d.input.width, d.input.height);
    const result = await this.detector.run({ [d.input.name]: this.tensor(input, d.input) });
    const layers: RawLayer[] = d.layers.map((layer, k) => {
      const scores = result[layer.scores]?.data as Float32Array | undefined;
      const boxes = result[layer.boxes]?.data as Float32Array | undefined;
      if (!scores || !boxes) throw new Error(`detector outputs ${layer.scores}/${layer.boxes} missing`);
      return { scores, boxes, anchors: (this.anchors[k] ??= blazefaceAnchors(layer)) };
    });
    return decodeBlazeface(layers, d.input.width, square, d.minConfidence, d.nmsIou);
  }

  /** Each of the (at most two largest) faces again on a crop around it, so its box and keypoints
   * come from a face inside the model's range. A face the closer look does not find again is
   * dropped: the first pass saw something face-like at a scale it cannot resolve. Faces beyond the
   * two largest keep their first-pass boxes: only the largest two are measured. */
  private async refineBlazeface(frame: Frame, faces: Detection[], scale: number): Promise<Detection[]> {
    const byArea = [...faces].sort((a, b) => b.width * b.height - a.width * a.height);
    const refined: Detection[] = [];
    for (const [i, face] of byArea.entries()) {
      if (i >= 2) {
        refined.push(face);
        continue;
      }
      const side = Math.max(face.width, face.height) * scale;
      const cx = face.x + face.width / 2;
      const cy = face.y + face.height / 2;
      const again = await this.blazeface(frame, { x: cx - side / 2, y: cy - side / 2, side });
      const nearest = again
        .map((f) => ({ f, dist: Math.hypot(f.x + f.width / 2 - cx, f.y + f.height / 2 - cy) }))
        .filter(({ dist }) => dist < Math.max(face.width, face.height) / 2)
        .sort((a, b) => a.dist - b.dist)[0];
      if (nearest) refined.push(nearest.f);
    }
    return refined;
  }

  /** 68 landmarks in frame pixels, or null without a landmark model. */
  async landmarks(frame: Frame, box: Box): Promise<Point[] | null> {
    const l = this.config.landmarks;
    if (!l || !this.landmarker) return null;
    const square = squareAround(box);
    const crop = cropResize(frame, square, l.input.width, l.input.height);
    const raw = await runOne(this.landmarker, { [l.input.name]: this.tensor(crop, l.input) }, l.output);
    const points: Point[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      points.push([square.x + raw[i]! * square.width, square.y + raw[i + 1]! * square.height]);
    }
    return points;
  }

  /** The points the config aligns by, and the 68 landmarks if there is a landmark model. */
  private async facePoints(frame: Frame, box: Detection): Promise<{ points: Point[]; landmarks: Point[] | null }> {
    const landmarks = await this.landmarks(frame, box);
    if (this.config.align === 'landmarks') {
      if (!landmarks) throw new Error('align: landmarks without a landmark model');
      return { points: landmarks, landmarks };
    }
    if (!box.keypoints || box.keypoints.length < 6) throw new Error('align: keypoints, but the detector gave none');
    return { points: box.keypoints, landmarks };
  }

  async observe(frame: Frame, box: Detection): Promise<FaceObservation> {
    const { points, landmarks } = await this.facePoints(frame, box);
    const g = grey(cropResize(frame, squareAround(box), QUALITY_CROP, QUALITY_CROP));
    return {
      box,
      points,
      landmarks,
      brightness: meanLuma(g),
      sharpness: laplacianVariance(g, QUALITY_CROP, QUALITY_CROP),
      yaw: yawProxy(points),
      rollDegrees: rollDegrees(points),
      eyeAspectRatio: landmarks ? eyeAspectRatio(landmarks) : null,
    };
  }

  async analyse(frame: Frame): Promise<FrameAnalysis> {
    const faces = await this.detect(frame);
    const first = faces[0];
    return { faces, best: first ? await this.observe(frame, first) : null };
  }

  /** The aligned crop the recogniser sees, from 68 landmarks or BlazeFace's six keypoints. */
  alignedFace(frame: Frame, points: readonly Point[]): Frame {
    const r = this.config.recogniser;
    const from = alignmentPoints(points);
    const toSource = similarity(templateFor(r.template, from.length), from);
    return warpAffine(frame, toSource, r.input.width, r.input.height);
  }

  /** L2-normalised embedding of the face with these landmarks or keypoints. */
  async embed(frame: Frame, points: readonly Point[]): Promise<Float32Array> {
    const r = this.config.recogniser;
    const raw = await runOne(this.recogniser, { [r.input.name]: this.tensor(this.alignedFace(frame, points), r.input) }, r.output);
    let norm = 0;
    for (const v of raw) norm += v * v;
    norm = Math.sqrt(norm) || 1;
    return Float32Array.from(raw, (v) => v / norm);
  }

  /** Passive liveness 0..1 (probability of the class measured to mean live), or null if off. */
  async livenessScore(frame: Frame, box: Box): Promise<number | null> {
    const l = this.config.liveness;
    if (!l || !this.liveness) return null;
    const crop = cropResize(frame, squareAround(box, l.cropScale), l.input.width, l.input.height);
    const logits = await runOne(this.liveness, { [l.input.name]: this.tensor(crop, l.input) }, l.output);
    return softmax(logits)[l.liveClass] ?? 0;
  }

  /** Enrols a reference photo (ID card photo block or enrolled photo): the largest face's
   * embedding, or null when no face is found. No quality gate: the photo is what it is. */
  async enrol(photo: Frame): Promise<Float32Array | null> {
    const faces = await this.detect(photo);
    const face = faces[0];
    if (!face) return null;
    const { points } = await this.facePoints(photo, face);
    return this.embed(photo, points);
  }

  async verify(frame: Frame, reference: Float32Array, options: DecisionOptions = {}): Promise<VerifyResult> {
    const start = performance.now();
    const faces = await this.detect(frame);
    const detectMs = performance.now() - start;
    const best = faces[0] ? await this.observe(frame, faces[0]) : null;
    const m = measurementsOf({ faces, best });
    if (best && !qualityGate(m, this.config)) {
      m.liveness = await this.livenessScore(frame, best.box);
      m.similarity = cosineSimilarity(await this.embed(frame, best.points), reference);
    }
    const decision = decide(m, this.config, options);
    const totalMs = performance.now() - start;
    return {
      ...decision,
      measurements: m,
      audit: auditEvent(m, decision, this.config, totalMs, options),
      landmarks: best ? (best.landmarks ?? best.points) : null,
      timings: { detectMs, totalMs },
    };
  }
}

function softmax(logits: Float32Array): number[] {
  const max = Math.max(...logits);
  const exps = Array.from(logits, (v) => Math.exp(v - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((e) => e / sum);
}
