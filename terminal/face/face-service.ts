// The kiosk's face step in the core: camera frames in (the renderer's stream over the API, or a
// fixture camera), the verifier on its worker thread (started on first use, so a terminal without
// a camera never loads a model), every verification into the journal's audit trail, and the
// patient's consented reference faces kept sealed in the journal.
import { gateObservation, promptFor, runFaceCheck, type FaceCheckOptions, type FaceCheckResult, type FacePrompt, type FrameFeed } from './face-check';
import { DEFAULT_FACE_CONFIG, parseFaceConfig, type FaceConfigInput } from './face-config';
import { FaceVerifier } from './face-verifier';
import type { Frame } from './frame';
import type { Journal } from '../journal/journal';

export interface FaceServiceOptions {
  journal: Journal;
  model?: FaceConfigInput;
  /** No new frame for this long means the camera is gone: the check ends with staff, not a hang. */
  frameTimeoutMs: number;
  check?: Partial<FaceCheckOptions>;
}

export type FaceVerification = FaceCheckResult | { outcome: 'not-enrolled' };

export interface FaceService {
  /** The newest camera frame; older ones are dropped (the check wants now, not a backlog). */
  push(frame: Frame): void;
  isEnrolled(idNo: string): boolean;
  /** 1:1 against the face this ID number's holder enrolled. */
  verify(idNo: string, onPrompt: (p: FacePrompt) => void, signal: AbortSignal): Promise<FaceVerification>;
  /** Takes a live face (with the challenge) and keeps it as this person's reference. */
  enrol(idNo: string, onPrompt: (p: FacePrompt) => void, signal: AbortSignal): Promise<FaceCheckResult>;
  forget(idNo: string): boolean;
  /** Loads the models now (the worker, the ONNX sessions) rather than on the first patient; rejects when they cannot load. */
  warm(): Promise<void>;
  close(): Promise<void>;
}

export function createFaceService(options: FaceServiceOptions): FaceService {
  let verifier: Promise<FaceVerifier> | null = null;
  let latest: { frame: Frame; seq: number } | null = null;
  let seq = 0;
  const waiters = new Set<() => void>();

  const open = () =>
    (verifier ??= FaceVerifier.open(options.model ?? DEFAULT_FACE_CONFIG, {
      onAudit: (event) => options.journal.recordFaceAudit(event),
    }).catch((error: unknown) => {
      verifier = null;
      throw error;
    }));

  /** Frames newer than the last one handed out, each once; null on timeout or abort. */
  function feed(signal: AbortSignal): FrameFeed {
    let seen = latest?.seq ?? 0;
    return {
      next: () =>
        new Promise<Frame | null>((resolve) => {
          const take = () => {
            if (signal.aborted) return finish(null);
            if (latest && latest.seq > seen) {
              seen = latest.seq;
              finish(latest.frame);
            }
          };
          const timer = setTimeout(() => finish(null), options.frameTimeoutMs);
          const onAbort = () => finish(null);
          signal.addEventListener('abort', onAbort, { once: true });
          function finish(value: Frame | null) {
            clearTimeout(timer);
            signal.removeEventListener('abort', onAbort);
            waiters.delete(take);
            resolve(value);
          }
          waiters.add(take);
          take();
        }),
    };
  }

  return {
    push(frame) {
      latest = { frame, seq: ++seq };
      for (const w of [...waiters]) w();
    },

    isEnrolled: (idNo) => options.journal.enrolledFace(idNo) !== null,

    async verify(idNo, onPrompt, signal) {
      const enrolled = options.journal.enrolledFace(idNo);
      if (!enrolled) return { outcome: 'not-enrolled' };
      return runFaceCheck(await open(), feed(signal), enrolled.embedding, { ...options.check, onPrompt });
    },

    async enrol(idNo, onPrompt, signal) {
      const v = await open();
      const frames = feed(signal);
      // The first frame the quality gate lets through becomes the candidate; the check then asks
      // for the challenge and a second match, so only a live face that stays the same is kept.
      const config = parseFaceConfig(options.model ?? DEFAULT_FACE_CONFIG);
      let said: FacePrompt = 'look-at-camera';
      onPrompt(said);
      const maxFrames = options.check?.maxFrames ?? 30;
      for (let k = 0; k < maxFrames; k++) {
        const frame = await frames.next();
        if (!frame) return { outcome: 'staff-check', reason: 'camera-lost', frames: k };
        const stopped = gateObservation(await v.observe(frame), config);
        if (stopped) {
          const p = promptFor[stopped] ?? 'look-at-camera';
          if (p !== said) onPrompt((said = p));
          continue;
        }
        const candidate = await v.enrol(frame);
        if (!candidate) continue;
        const result = await runFaceCheck(v, frames, candidate, { ...options.check, onPrompt });
        if (result.outcome === 'verified') options.journal.enrolFace(idNo, candidate);
        return result;
      }
      return { outcome: 'staff-check', reason: 'no-usable-frame', frames: maxFrames };
    },

    forget: (idNo) => options.journal.forgetFace(idNo),

    warm: async () => {
      await open();
    },

    async close() {
      const v = verifier;
      verifier = null;
      if (v) await (await v.catch(() => null))?.close();
    },
  };
}
