// What the face pipeline runs and where it draws its lines: models (any ONNX file a hospital has
// certified, described by input size, layout, normalisation and output names), quality limits and
// decision thresholds. Validated with zod; every field has the default measured in README.md.
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { z } from 'zod';

/** How a crop becomes the model's input tensor: value = (pixel - mean[c]) / std[c]. */
const InputSpec = z.object({
  name: z.string().default('input'),
  width: z.number().int().positive(),
  height: z.number().int().positive(),
  layout: z.enum(['NCHW', 'NHWC']).default('NCHW'),
  channels: z.enum(['RGB', 'BGR', 'GRAY']).default('RGB'),
  mean: z.array(z.number()).min(1).max(3).default([0]),
  std: z.array(z.number()).min(1).max(3).default([1]),
});
export type InputSpec = z.infer<typeof InputSpec>;

/** `builtin:dlib-resnet` is built at start from face-api's TF.js weights (dlib-resnet-onnx.ts);
 * `package:<npm package>/<path>` resolves inside an installed package; anything else is a file. */
const ModelPath = z.string().min(1);

const DetectorConfig = z.object({
  /** ultraface: Ultra-Light-Fast-Generic-Face-Detector outputs (scores [1,N,2], boxes [1,N,4] corners 0..1). */
  kind: z.literal('ultraface'),
  model: ModelPath,
  input: InputSpec,
  outputs: z.object({ scores: z.string().default('scores'), boxes: z.string().default('boxes') }).prefault({}),
  minConfidence: z.number().min(0).max(1).default(0.7),
  nmsIou: z.number().min(0).max(1).default(0.4),
});

const LandmarkConfig = z.object({
  /** 68 points (iBUG 300-W order) as x,y pairs 0..1 of the square face crop. */
  kind: z.literal('landmarks68'),
  model: ModelPath,
  input: InputSpec,
  output: z.string().default('output'),
});

const RecogniserConfig = z.object({
  model: ModelPath,
  input: InputSpec,
  output: z.string(),
  /** Where the five points (eye centres, nose tip, mouth corners) go in the input crop, in pixels. */
  template: z.array(z.tuple([z.number(), z.number()])).length(5),
});

const LivenessConfig = z.object({
  model: ModelPath,
  input: InputSpec,
  output: z.string().default('output'),
  /** Which softmax class means a live face: measured, not documented (see README.md). */
  liveClass: z.number().int().nonnegative(),
  /** The crop is the face box widened this many times (the model saw context around the face). */
  cropScale: z.number().positive().default(2.7),
});

export const FaceConfig = z.object({
  detector: DetectorConfig,
  landmarks: LandmarkConfig,
  recogniser: RecogniserConfig,
  liveness: LivenessConfig.nullable(),
  threads: z.number().int().min(1).max(4).default(1),
  quality: z
    .object({
      /** Face box side in frame pixels. */
      minFaceSize: z.number().positive().default(80),
      /** A second face at least this share of the largest one's side makes the frame ambiguous. */
      secondFaceRatio: z.number().min(0).max(1).default(0.6),
      /** Mean luma of the face crop, 0..255. */
      minBrightness: z.number().default(45),
      maxBrightness: z.number().default(235),
      /** Variance of the Laplacian of the 64x64 grey face crop. */
      minSharpness: z.number().nonnegative().default(40),
      /** |yaw| proxy from landmarks: 0 frontal, 1 full profile. */
      maxYaw: z.number().min(0).max(1).default(0.6),
      maxRollDegrees: z.number().positive().default(30),
    })
    .prefault({}),
  decision: z
    .object({
      /** Cosine similarity at or above which two faces are the same person. */
      matchThreshold: z.number().min(-1).max(1),
      /** Passive liveness: at or above `live` passes, below `spoof` is refused, between asks for a challenge. */
      live: z.number().min(0).max(1).default(0.9),
      spoof: z.number().min(0).max(1).default(0.2),
    }),
});
export type FaceConfig = z.infer<typeof FaceConfig>;
export type FaceConfigInput = z.input<typeof FaceConfig>;

const ULTRAFACE_INPUT = { width: 320, height: 240, layout: 'NCHW' as const, channels: 'RGB' as const, mean: [127], std: [128] };

/** dlib's face chip: mean-shape eye centres, nose tip and mouth corners at 150 px, padding 0.25
 * (dlib get_face_chip_details), so the port sees faces framed as dlib trained it. */
export const DLIB_CHIP_TEMPLATE: [number, number][] = [
  [47.55, 46.6],
  [100.48, 46.6],
  [74.01, 76.56],
  [50.41, 103.02],
  [97.61, 103.02],
];

/** ArcFace's 112x112 five-point template (insightface), which fr_feature expects. */
export const ARCFACE_TEMPLATE: [number, number][] = [
  [38.2946, 51.6963],
  [73.5318, 51.5014],
  [56.0252, 71.7366],
  [41.5493, 92.3655],
  [70.729, 92.2041],
];

/** The default: the dlib recogniser (public domain) ported to ONNX; faceplugin's detector and
 * landmarks until a licence-clear pair replaces them; no passive liveness model, since faceplugin's
 * weights have no documented origin — a hospital turns it on with `withFaceplugin()` after review. */
export const DEFAULT_FACE_CONFIG: FaceConfigInput = {
  detector: { kind: 'ultraface', model: 'package:faceplugin-face-recognition-js/model/fr_detect.onnx', input: ULTRAFACE_INPUT },
  landmarks: {
    kind: 'landmarks68',
    model: 'package:faceplugin-face-recognition-js/model/fr_landmark.onnx',
    input: { width: 64, height: 64, channels: 'GRAY', mean: [0], std: [256] },
  },
  recogniser: {
    model: 'builtin:dlib-resnet',
    input: { width: 150, height: 150, channels: 'RGB', mean: [0], std: [1] },
    output: 'descriptor',
    template: DLIB_CHIP_TEMPLATE,
  },
  liveness: null,
  decision: { matchThreshold: 0.93 },
};

/** Faceplugin's recogniser and passive liveness model: an option for after legal review. */
export function withFaceplugin(base: FaceConfigInput, parts: { recogniser?: boolean; liveness?: boolean }): FaceConfigInput {
  return {
    ...base,
    ...(parts.recogniser
      ? {
          recogniser: {
            model: 'package:faceplugin-face-recognition-js/model/fr_feature.onnx',
            input: { width: 112, height: 112, channels: 'RGB', mean: [127], std: [128] },
            output: 'output',
            template: ARCFACE_TEMPLATE,
          },
          decision: { ...base.decision, matchThreshold: 0.35 },
        }
      : {}),
    ...(parts.liveness
      ? {
          liveness: {
            model: 'package:faceplugin-face-recognition-js/model/fr_liveness.onnx',
            input: { width: 128, height: 128, channels: 'RGB', mean: [0], std: [1] },
            output: 'output',
            liveClass: 0,
            cropScale: 2.7,
          },
        }
      : {}),
  };
}

export function parseFaceConfig(input: FaceConfigInput = DEFAULT_FACE_CONFIG): FaceConfig {
  return FaceConfig.parse(input);
}

/** Resolves `package:` paths against installed packages; other paths are returned unchanged. */
export function resolveModelPath(model: string): string {
  if (!model.startsWith('package:')) return model;
  const spec = model.slice('package:'.length);
  const parts = spec.split('/');
  const pkgLen = spec.startsWith('@') ? 2 : 1;
  const pkg = parts.slice(0, pkgLen).join('/');
  const rest = parts.slice(pkgLen).join('/');
  const pkgJson = createRequire(import.meta.url).resolve(`${pkg}/package.json`);
  return join(dirname(pkgJson), rest);
}
