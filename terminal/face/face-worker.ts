// Worker-thread side of the face verifier: owns the ONNX sessions so inference never blocks the
// terminal's event loop. Messages are requests with an id; each gets exactly one reply.
import { parentPort, workerData } from 'node:worker_threads';
import type { FaceConfigInput } from './face-config';
import { FacePipeline } from './face-pipeline';
import type { WorkerReply, WorkerRequest } from './face-worker-protocol';

const port = parentPort;
if (!port) throw new Error('face-worker runs only as a worker thread');

const ready = FacePipeline.open(workerData as FaceConfigInput);

port.on('message', (request: WorkerRequest) => {
  void handle(request).then((reply) => port.postMessage(reply));
});

async function handle(request: WorkerRequest): Promise<WorkerReply> {
  try {
    const pipeline = await ready;
    switch (request.type) {
      case 'ready':
        return { id: request.id, ok: true, value: null };
      case 'enrol':
        return { id: request.id, ok: true, value: await pipeline.enrol(request.photo) };
      case 'verify':
        return { id: request.id, ok: true, value: await pipeline.verify(request.frame, request.reference, request.options) };
      case 'observe':
        return { id: request.id, ok: true, value: await pipeline.analyse(request.frame) };
      case 'close':
        await pipeline.close();
        return { id: request.id, ok: true, value: null };
    }
  } catch (error) {
    return { id: request.id, ok: false, error: error instanceof Error ? error.message : String(error) };
  }
}
