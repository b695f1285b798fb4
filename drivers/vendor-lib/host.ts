// The terminal's side of the vendor-library process: starts the worker, loads the library, makes one
// call at a time and bounds each with a timeout. A call that does not come back in time kills the
// process (a thread stuck in native code cannot be stopped any other way); a library that crashes
// ends only that process. Either way the call fails with a clear reason and the next call starts a
// fresh process, so one bad read never takes the terminal or the next patient with it.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { CallArgs, FromWorker, ToWorker, WorkerSetup } from './protocol';

export class VendorCallError extends Error {
  constructor(
    /** timeout: no answer in time (process killed); crashed: the process died in the call; load-failed: the library did not load or init; failed: koffi refused the call. */
    readonly code: 'timeout' | 'crashed' | 'load-failed' | 'failed' | 'closed',
    message: string,
  ) {
    super(message);
    this.name = 'VendorCallError';
  }
}

export interface LibraryHost {
  /** Loads the library (a fresh process if none runs); rejects with load-failed, timeout or crashed. */
  open(): Promise<void>;
  call(args: CallArgs, timeoutMs: number): Promise<{ rc: number; out: Uint8Array }>;
  /** Kills the process; a call in flight fails with `closed`. */
  close(): Promise<void>;
  /** Process id of the running worker, if any (tests check that a hung one is gone). */
  pid(): number | undefined;
}

/**
 * A started worker process as the host uses it. Node's child_process.fork under the web host and in
 * tests (forkWorker); Electron's utilityProcess in the kiosk app, injected by the Electron host,
 * because the packaged app's RunAsNode fuse is off and a forked Electron binary would not run as Node.
 */
export interface WorkerProcess {
  readonly pid: number | undefined;
  send(message: ToWorker): void;
  onMessage(listener: (message: FromWorker) => void): void;
  /** Once, when the process is gone or cannot be used (exit, or a failed spawn): how. Called at once if already gone. */
  onGone(listener: (how: string) => void): void;
  /** Ends it now (a call stuck in native code cannot be stopped any other way). */
  kill(): void;
}

/** Starts the worker script; `execArgv` carries tsx when the worker runs from source. */
export type StartWorker = (script: { path: string; execArgv: string[] }) => WorkerProcess;

/** A WorkerProcess's gone-listeners: told once, late listeners at once. */
export function goneSignal(): { gone(how: string): void; onGone(listener: (how: string) => void): void; isGone(): boolean } {
  let how: string | null = null;
  const listeners: Array<(how: string) => void> = [];
  return {
    gone(h) {
      if (how !== null) return;
      how = h;
      for (const l of listeners.splice(0)) l(h);
    },
    onGone(listener) {
      if (how !== null) queueMicrotask(() => listener(how!));
      else listeners.push(listener);
    },
    isGone: () => how !== null,
  };
}

/** child_process.fork: plain Node (the web host, the tests, bench). 'advanced': byte buffers cross as they are. */
export const forkWorker: StartWorker = ({ path, execArgv }) => {
  const proc: ChildProcess = fork(path, [], { execArgv, serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const signal = goneSignal();
  proc.on('exit', (code, sig) => signal.gone(sig ?? `exit code ${code}`));
  proc.on('error', (error) => {
    signal.gone(error.message);
    if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
  });
  return {
    get pid() {
      return proc.pid;
    },
    send: (message) => proc.send(message),
    onMessage: (listener) => proc.on('message', (m: FromWorker) => listener(m)),
    onGone: signal.onGone,
    kill() {
      proc.removeAllListeners('message');
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGKILL');
    },
  };
};

export interface LibraryHostOptions {
  setup: WorkerSetup;
  /** How long loading (process start, library load, Init) may take. */
  openTimeoutMs?: number;
  /** The worker script; found next to this module (source or bundle) when not given. */
  workerPath?: string;
  /** How the worker is started: forkWorker unless the host gives its own (Electron: utilityProcess). */
  startWorker?: StartWorker;
}

/**
 * The worker's script and how to start it: from source, drivers/vendor-lib/worker.ts under tsx;
 * from a bundle, vendor-lib-worker.cjs (or worker.js) beside the bundle.
 */
export function resolveWorker(explicit?: string): { path: string; execArgv: string[] } {
  const tsxArgv = (path: string) => (path.endsWith('.ts') ? ['--import', import.meta.resolve('tsx')] : []);
  if (explicit) return { path: explicit, execArgv: tsxArgv(explicit) };
  // A CommonJS bundle has __filename; the ES module source has import.meta.url.
  const here = typeof __filename === 'string' ? __filename : fileURLToPath(import.meta.url);
  const dir = dirname(here);
  const candidates = here.endsWith('.ts') ? ['worker.ts'] : ['vendor-lib-worker.cjs', 'worker.js', 'worker.cjs'];
  for (const name of candidates) {
    const path = join(dir, name);
    if (existsSync(path)) return { path, execArgv: tsxArgv(path) };
  }
  throw new Error(`vendor-lib worker not found next to ${here} (looked for ${candidates.join(', ')})`);
}

export function createLibraryHost(opts: LibraryHostOptions): LibraryHost {
  const openTimeoutMs = opts.openTimeoutMs ?? 20_000;
  const startWorker = opts.startWorker ?? forkWorker;
  let child: WorkerProcess | null = null;
  let opening: Promise<void> | null = null;
  let nextId = 1;
  /** What is waiting on the process now: its start, or one call. */
  let waiting: { settle(message: FromWorker): void; fail(error: VendorCallError): void } | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  function kill(proc: WorkerProcess): void {
    if (child === proc) child = null;
    opening = null;
    proc.kill();
  }

  function spawn(): Promise<void> {
    const proc = startWorker(resolveWorker(opts.workerPath));
    child = proc;
    // A process killed or replaced may still have a message on its way: only the current one answers.
    proc.onMessage((message) => {
      if (child === proc) waiting?.settle(message);
    });
    proc.onGone((how) => {
      if (child !== proc) return;
      child = null;
      opening = null;
      waiting?.fail(new VendorCallError('crashed', `vendor library process died (${how})`));
    });
    return wait<void>(
      proc,
      openTimeoutMs,
      { type: 'setup', setup: opts.setup },
      (message, resolve, reject) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'load-failed') {
          reject(new VendorCallError('load-failed', `${opts.setup.library}: ${message.detail}`));
          kill(proc);
        }
      },
      'loading the library',
    );
  }

  /** Sends one message and waits for its answer, the process's death or the timeout (then kills it). */
  function wait<T>(
    proc: WorkerProcess,
    timeoutMs: number,
    message: ToWorker,
    onMessage: (m: FromWorker, resolve: (v: T) => void, reject: (e: VendorCallError) => void) => void,
    what: string,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const done = () => {
        clearTimeout(timer);
        waiting = null;
      };
      const ok = (value: T) => {
        done();
        resolve(value);
      };
      const fail = (error: VendorCallError) => {
        done();
        reject(error);
      };
      const timer = setTimeout(() => {
        fail(new VendorCallError('timeout', `no answer ${what} within ${timeoutMs} ms; vendor process restarted`));
        kill(proc);
      }, timeoutMs);
      waiting = { settle: (m) => onMessage(m, ok, fail), fail };
      try {
        proc.send(message);
      } catch (error) {
        fail(new VendorCallError('crashed', `vendor process: ${error instanceof Error ? error.message : String(error)}`));
        kill(proc);
      }
    });
  }

  function open(): Promise<void> {
    if (child && !opening) return Promise.resolve();
    opening ??= spawn().then(
      () => {
        opening = null;
      },
      (error: unknown) => {
        opening = null;
        throw error;
      },
    );
    return opening;
  }

  async function callNow(args: CallArgs, timeoutMs: number): Promise<{ rc: number; out: Uint8Array }> {
    await open();
    const proc = child;
    if (!proc) throw new VendorCallError('closed', 'vendor process closed');
    const id = nextId++;
    return wait(
      proc,
      timeoutMs,
      { type: 'call', id, args },
      (message, resolve, reject) => {
        if (message.type === 'result' && message.id === id) resolve({ rc: message.rc, out: message.out });
        else if (message.type === 'call-failed' && message.id === id) reject(new VendorCallError('failed', message.detail));
      },
      'from the library',
    );
  }

  return {
    open: () => {
      const run = queue.then(open, open);
      queue = run.catch(() => {});
      return run;
    },
    call(args, timeoutMs) {
      // One call at a time: vendor libraries are not re-entrant.
      const run = queue.then(
        () => callNow(args, timeoutMs),
        () => callNow(args, timeoutMs),
      );
      queue = run.catch(() => {});
      return run;
    },
    async close() {
      const proc = child;
      waiting?.fail(new VendorCallError('closed', 'vendor process closed'));
      if (!proc) return;
      const exited = new Promise<void>((resolve) => proc.onGone(() => resolve()));
      kill(proc);
      await exited;
    },
    pid: () => child?.pid,
  };
}
