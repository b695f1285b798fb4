// Messages between FaceVerifier (main thread) and face-worker.ts.
import type { DecisionOptions } from './decision';
import type { Frame } from './frame';

export type WorkerRequest =
  | { id: number; type: 'ready' }
  | { id: number; type: 'enrol'; photo: Frame }
  | { id: number; type: 'verify'; frame: Frame; reference: Float32Array; options: DecisionOptions }
  | { id: number; type: 'observe'; frame: Frame }
  | { id: number; type: 'close' };

export type WorkerReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };
