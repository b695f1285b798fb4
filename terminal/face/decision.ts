// The verification decision as a pure function of the measurements, so every threshold lives in
// config and every outcome can be tested without a model. Also the audit event it produces: time,
// scores and decision only — never an image, a name or an ID number.
import type { FaceConfig } from './face-config';
import type { FrameAnalysis } from './face-pipeline';

export type FaceOutcome =
  | 'no-face'
  | 'several-faces'
  | 'too-small'
  | 'too-dark'
  | 'poor-quality'
  | 'spoof-suspected'
  | 'challenge-required'
  | 'not-same-person'
  | 'verified';

export interface FaceMeasurements {
  /** Faces found, and the side (px) of the largest two. */
  faceCount: number;
  faceSize: number | null;
  secondFaceSize: number | null;
  brightness: number | null;
  sharpness: number | null;
  yaw: number | null;
  rollDegrees: number | null;
  /** Passive liveness, 0..1 (null: no liveness model configured). */
  liveness: number | null;
  /** Cosine similarity to the reference. */
  similarity: number | null;
}

export interface FaceDecision {
  outcome: FaceOutcome;
  /** For poor-quality: which checks failed. */
  reasons: string[];
}

export interface DecisionOptions {
  /** The kiosk ran an active challenge (blink / head turn) and it passed. */
  challengePassed?: boolean;
}

/** The quality gate alone: what stops a frame before any model past the detector runs. */
export function qualityGate(m: FaceMeasurements, config: FaceConfig): FaceDecision | null {
  const q = config.quality;
  if (m.faceCount === 0 || m.faceSize === null) return { outcome: 'no-face', reasons: [] };
  if (m.secondFaceSize !== null && m.secondFaceSize >= m.faceSize * q.secondFaceRatio) return { outcome: 'several-faces', reasons: [] };
  if (m.faceSize < q.minFaceSize) return { outcome: 'too-small', reasons: [] };
  if (m.brightness !== null && m.brightness < q.minBrightness) return { outcome: 'too-dark', reasons: [] };
  const reasons: string[] = [];
  if (m.brightness !== null && m.brightness > q.maxBrightness) reasons.push('too-bright');
  if (m.sharpness !== null && m.sharpness < q.minSharpness) reasons.push('blurred');
  if (m.yaw !== null && Math.abs(m.yaw) > q.maxYaw) reasons.push('turned-away');
  if (m.rollDegrees !== null && Math.abs(m.rollDegrees) > q.maxRollDegrees) reasons.push('tilted');
  return reasons.length > 0 ? { outcome: 'poor-quality', reasons } : null;
}

export function decide(m: FaceMeasurements, config: FaceConfig, options: DecisionOptions = {}): FaceDecision {
  const gate = qualityGate(m, config);
  if (gate) return gate;
  const d = config.decision;
  // Liveness first: a spoof is refused whoever it shows.
  if (m.liveness !== null && m.liveness < d.spoof) return { outcome: 'spoof-suspected', reasons: [] };
  if (m.similarity === null || m.similarity < d.matchThreshold) return { outcome: 'not-same-person', reasons: [] };
  if (m.liveness !== null && m.liveness < d.live && !options.challengePassed) return { outcome: 'challenge-required', reasons: [] };
  return { outcome: 'verified', reasons: [] };
}

export interface FaceAuditEvent {
  kind: 'face-verification';
  at: string;
  outcome: FaceOutcome;
  reasons: string[];
  similarity: number | null;
  matchThreshold: number;
  liveness: number | null;
  challengePassed: boolean;
  faceCount: number;
  faceSize: number | null;
  brightness: number | null;
  sharpness: number | null;
  recogniser: string;
  livenessModel: string | null;
  elapsedMs: number;
}

const round = (v: number | null, digits = 4) => (v === null ? null : Math.round(v * 10 ** digits) / 10 ** digits);

export function auditEvent(
  m: FaceMeasurements,
  decision: FaceDecision,
  config: FaceConfig,
  elapsedMs: number,
  options: DecisionOptions,
  now = new Date(),
): FaceAuditEvent {
  return {
    kind: 'face-verification',
    at: now.toISOString(),
    outcome: decision.outcome,
    reasons: decision.reasons,
    similarity: round(m.similarity),
    matchThreshold: config.decision.matchThreshold,
    liveness: round(m.liveness),
    challengePassed: options.challengePassed === true,
    faceCount: m.faceCount,
    faceSize: round(m.faceSize, 1),
    brightness: round(m.brightness, 1),
    sharpness: round(m.sharpness, 1),
    recogniser: config.recogniser.model,
    livenessModel: config.liveness?.model ?? null,
    elapsedMs: round(elapsedMs, 1) ?? 0,
  };
}

/**
 * What the quality gate reads of one frame, before any liveness or similarity is known. Here, not in
 * face-pipeline.ts, so the main thread's face check never loads onnxruntime (only the worker does).
 */
export function measurementsOf(analysis: FrameAnalysis): FaceMeasurements {
  const [first, second] = analysis.faces;
  const best = analysis.best;
  return {
    faceCount: analysis.faces.length,
    faceSize: first ? Math.max(first.width, first.height) : null,
    secondFaceSize: second ? Math.max(second.width, second.height) : null,
    brightness: best?.brightness ?? null,
    sharpness: best?.sharpness ?? null,
    yaw: best?.yaw ?? null,
    rollDegrees: best?.rollDegrees ?? null,
    liveness: null,
    similarity: null,
  };
}
