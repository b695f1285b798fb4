// The face verifier the terminal uses: the pipeline on a worker thread behind a promise API, and
// one audit event per verification through `onAudit` (the journal stores it; it holds no image).
import { Worker } from 'node:worker_threads';
import type { DecisionOptions, FaceAuditEvent } from './decision';
import { DEFAULT_FACE_CONFIG, parseFaceConfig, type FaceConfigInput } from './face-config';
import type { FrameAnalysis, VerifyResult } from './face-pipeline';
import type { WorkerReply, WorkerRequest } from './face-worker-protocol';
import { assertFrame, type Frame } from './frame';

type Request = WorkerRequest extends infer R ? (R extends { id: number } ? Omit<R, 'id'> : never) : never;

export interface FaceVerifierOptions {
  onAudit?: (event: FaceAuditEvent) => void;
}

export class FaceVerifier {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly worker: Worker,
    private readonly onAudit: (event: FaceAuditEvent) => void,
  ) {
    worker.on('message', (reply: WorkerReply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      if (reply.ok) p.resolve(reply.value);
      else p.reject(new Error(`face worker: ${reply.error}`));
    });
    worker.on('error', (error) => this.failAll(error));
    worker.on('exit', (code) => this.failAll(new Error(`face worker exited with code ${code}`)));
  }

  /** Starts the worker and waits until its models are loaded (a bad config fails here, not later). */
  static async open(config: FaceConfigInput = DEFAULT_FACE_CONFIG, options: FaceVerifierOptions = {}): Promise<FaceVerifier> {
    parseFaceConfig(config);
    // From source (tests, dev) the worker is TypeScript: register tsx's loader inside the worker
    // first (loaders given by --import do not reach workers on node 20). A build ships .js.
    const fromSource = import.meta.url.endsWith('.ts');
    const url = new URL(fromSource ? './face-worker.ts' : './face-worker.js', import.meta.url);
    const worker = fromSource
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(url.href)}); });`, { eval: true, workerData: config })
      : new Worker(url, { workerData: config });
    const verifier = new FaceVerifier(worker, options.onAudit ?? (() => {}));
    try {
      await verifier.call({ type: 'ready' });
    } catch (error) {
      await worker.terminate();
      throw error;
    }
    return verifier;
  }

  /** Embedding of the reference photo's face, or null when the photo shows no face. */
  async enrol(photo: Frame): Promise<Float32Array | null> {
    assertFrame(photo);
    return (await this.call({ type: 'enrol', photo })) as Float32Array | null;
  }

  async verify(frame: Frame, reference: Float32Array, options: DecisionOptions = {}): Promise<VerifyResult> {
    assertFrame(frame);
    const result = (await this.call({ type: 'verify', frame, reference, options })) as VerifyResult;
    this.onAudit(result.audit);
    return result;
  }

  /** Faces and landmarks of one frame: the kiosk collects these for the active challenge. */
  async observe(frame: Frame): Promise<FrameAnalysis> {
    assertFrame(frame);
    return (await this.call({ type: 'observe', frame })) as FrameAnalysis;
  }

  async close(): Promise<void> {
    try {
      await this.call({ type: 'close' });
    } finally {
      await this.worker.terminate();
    }
  }

  private call(request: Request): Promise<unknown> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...request, id });
    });
  }

  private failAll(error: Error): void {
    for (const p of this.pending.values()) p.reject(error);
    this.pending.clear();
  }
}
