// The face pipeline on the calling thread: detect -> landmarks -> quality -> align -> liveness ->
// embed -> cosine similarity -> decision. The worker (face-worker.ts) wraps it so the terminal's
// main thread never waits on a model; tests and the benchmark may call it directly.
import type * as ort from 'onnxruntime-node';
import { auditEvent, decide, qualityGate, type DecisionOptions, type FaceAuditEvent, type FaceDecision, type FaceMeasurements } from './decision';
import { parseFaceConfig, type FaceConfig, type FaceConfigInput } from './face-config';
import { assertFrame, cropResize, grey, resize, warpAffine, type Box, type Frame } from './frame';
import { eyeAspectRatio, fivePoints, rollDegrees, similarity, yawProxy, type Point } from './geometry';
import { openSession, runOne, toTensor } from './onnx-session';
import { laplacianVariance, meanLuma } from './quality';
import { decodeUltraface, squareAround, type Detection } from './ultraface';

export interface FaceObservation {
  box: Detection;
  landmarks: Point[];
  brightness: number;
  sharpness: number;
  yaw: number;
  rollDegrees: number;
  eyeAspectRatio: number;
}

export interface FrameAnalysis {
  faces: Detection[];
  best: FaceObservation | null;
}

export interface VerifyResult extends FaceDecision {
  measurements: FaceMeasurements;
  audit: FaceAuditEvent;
  /** The face's landmarks, for the active challenge (blink / head turn) over frames. */
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
    private readonly landmarker: ort.InferenceSession,
    private readonly recogniser: ort.InferenceSession,
    private readonly liveness: ort.InferenceSession | null,
  ) {}

  static async open(input?: FaceConfigInput): Promise<FacePipeline> {
    const config = parseFaceConfig(input);
    const t = config.threads;
    const [detector, landmarker, recogniser, liveness] = await Promise.all([
      openSession(config.detector.model, t),
      openSession(config.landmarks.model, t),
      openSession(config.recogniser.model, t),
      config.liveness ? openSession(config.liveness.model, t) : Promise.resolve(null),
    ]);
    return new FacePipeline(config, detector, landmarker, recogniser, liveness);
  }

  async close(): Promise<void> {
    await Promise.all([this.detector, this.landmarker, this.recogniser, this.liveness].map((s) => s?.release()));
  }

  /** Faces in the frame, largest first. */
  async detect(frame: Frame): Promise<Detection[]> {
    assertFrame(frame);
    const d = this.config.detector;
    const input = resize(frame, d.input.width, d.input.height);
    const result = await this.detector.run({ [d.input.name]: toTensor(input, d.input) });
    const scores = result[d.outputs.scores]?.data as Float32Array | undefined;
    const boxes = result[d.outputs.boxes]?.data as Float32Array | undefined;
    if (!scores || !boxes) throw new Error(`detector outputs ${d.outputs.scores}/${d.outputs.boxes} missing`);
    const faces = decodeUltraface(scores, boxes, frame.width, frame.height, d.minConfidence, d.nmsIou);
    return faces.sort((a, b) => b.width * b.height - a.width * a.height);
  }

  /** 68 landmarks in frame pixels, and the grey crop they were read from. */
  async landmarks(frame: Frame, box: Box): Promise<{ points: Point[]; grey: Float32Array }> {
    const l = this.config.landmarks;
    const square = squareAround(box);
    const crop = cropResize(frame, square, l.input.width, l.input.height);
    const raw = await runOne(this.landmarker, { [l.input.name]: toTensor(crop, l.input) }, l.output);
    const points: Point[] = [];
    for (let i = 0; i + 1 < raw.length; i += 2) {
      points.push([square.x + raw[i]! * square.width, square.y + raw[i + 1]! * square.height]);
    }
    return { points, grey: grey(crop) };
  }

  async observe(frame: Frame, box: Detection): Promise<FaceObservation> {
    const { points, grey: g } = await this.landmarks(frame, box);
    const { width, height } = this.config.landmarks.input;
    return {
      box,
      landmarks: points,
      brightness: meanLuma(g),
      sharpness: laplacianVariance(g, width, height),
      yaw: yawProxy(points),
      rollDegrees: rollDegrees(points),
      eyeAspectRatio: eyeAspectRatio(points),
    };
  }

  async analyse(frame: Frame): Promise<FrameAnalysis> {
    const faces = await this.detect(frame);
    const first = faces[0];
    return { faces, best: first ? await this.observe(frame, first) : null };
  }

  /** The aligned crop the recogniser sees. */
  alignedFace(frame: Frame, landmarks: readonly Point[]): Frame {
    const r = this.config.recogniser;
    const toSource = similarity(r.template, fivePoints(landmarks));
    return warpAffine(frame, toSource, r.input.width, r.input.height);
  }

  /** L2-normalised embedding of the face with these landmarks. */
  async embed(frame: Frame, landmarks: readonly Point[]): Promise<Float32Array> {
    const r = this.config.recogniser;
    const raw = await runOne(this.recogniser, { [r.input.name]: toTensor(this.alignedFace(frame, landmarks), r.input) }, r.output);
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
    const logits = await runOne(this.liveness, { [l.input.name]: toTensor(crop, l.input) }, l.output);
    return softmax(logits)[l.liveClass] ?? 0;
  }

  /** Enrols a reference photo (ID card photo block or enrolled photo): the largest face's
   * embedding, or null when no face is found. No quality gate: the photo is what it is. */
  async enrol(photo: Frame): Promise<Float32Array | null> {
    const faces = await this.detect(photo);
    const face = faces[0];
    if (!face) return null;
    const { points } = await this.landmarks(photo, face);
    return this.embed(photo, points);
  }

  async verify(frame: Frame, reference: Float32Array, options: DecisionOptions = {}): Promise<VerifyResult> {
    const start = performance.now();
    const faces = await this.detect(frame);
    const detectMs = performance.now() - start;
    const [first, second] = faces;
    const best = first ? await this.observe(frame, first) : null;
    const m: FaceMeasurements = {
      faceCount: faces.length,
      faceSize: first ? Math.max(first.width, first.height) : null,
      secondFaceSize: second ? Math.max(second.width, second.height) : null,
      brightness: best?.brightness ?? null,
      sharpness: best?.sharpness ?? null,
      yaw: best?.yaw ?? null,
      rollDegrees: best?.rollDegrees ?? null,
      liveness: null,
      similarity: null,
    };
    if (best && !qualityGate(m, this.config)) {
      m.liveness = await this.livenessScore(frame, best.box);
      m.similarity = cosineSimilarity(await this.embed(frame, best.landmarks), reference);
    }
    const decision = decide(m, this.config, options);
    const totalMs = performance.now() - start;
    return {
      ...decision,
      measurements: m,
      audit: auditEvent(m, decision, this.config, totalMs, options),
      landmarks: best?.landmarks ?? null,
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
