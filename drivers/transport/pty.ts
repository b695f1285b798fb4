// Virtual serial cables for tests, demos and hospital IT: a socat pty pair whose device end a
// recording is played onto while the terminal reads the host end through the real serial driver.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, lstat, readdir, readlink, realpath } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SerialPort } from 'serialport';
import type { RecordedChunk, TemplateResolver } from './types';
import { chunkBytes, delay, inboundChunks, plugSessions } from './recording';

export interface PtyPair {
  /** The end a simulated device writes to. */
  devicePath: string;
  /** The end the terminal opens, as it would open /dev/ttyUSB0. */
  hostPath: string;
  /** Kills socat: to the terminal this looks exactly like a pulled cable. */
  close(): Promise<void>;
}

const SOCAT = process.env['SOCAT_PATH'] ?? 'socat';
const READY_TIMEOUT_MS = 5000;

export async function createPtyPair(): Promise<PtyPair> {
  const dir = await mkdtemp(join(tmpdir(), 'pty-pair-'));
  const devicePath = join(dir, 'dev');
  const hostPath = join(dir, 'host');
  const child = spawn(SOCAT, [`pty,raw,echo=0,link=${devicePath}`, `pty,raw,echo=0,link=${hostPath}`], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    if (stderr.length < 2000) stderr += d.toString('utf8');
  });
  const exited = new Promise<void>((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    child.once('exit', () => resolve());
  });
  let spawnError: Error | null = null;
  child.once('error', (error) => {
    spawnError = error;
  });

  const close = async () => {
    await stop(child, exited);
    await rm(dir, { recursive: true, force: true });
  };

  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (!(await exists(devicePath)) || !(await exists(hostPath))) {
    if (spawnError || child.exitCode !== null || Date.now() > deadline) {
      await close();
      const why = spawnError ? String(spawnError) : child.exitCode !== null ? `socat exited: ${stderr.trim()}` : 'timed out';
      throw new Error(`pty pair not ready: ${why}`);
    }
    await delay(10);
  }
  return { devicePath, hostPath, close };
}

/** The processes that hold the pty behind `path` open, by /proc (Linux); null where /proc cannot say. */
async function holdersOf(path: string): Promise<Set<string> | null> {
  let target: string;
  let pids: string[];
  try {
    target = await realpath(path);
    pids = (await readdir('/proc')).filter((p) => /^\d+$/.test(p));
  } catch {
    return null;
  }
  const holders = new Set<string>();
  for (const pid of pids) {
    // Another user's process, or one that ended while we looked: not a holder we can see.
    const fds = await readdir(`/proc/${pid}/fd`).catch(() => [] as string[]);
    for (const fd of fds) {
      if ((await readlink(`/proc/${pid}/fd/${fd}`).catch(() => '')) === target) {
        holders.add(pid);
        break;
      }
    }
  }
  return holders;
}

/**
 * Notices when something opens the host end (a terminal attaching). Bytes a device sends before
 * that are lost to the terminal (its serial open flushes them), so a player waits for this first.
 * The holders at the call (socat itself) are the baseline: call it before the path is handed out.
 * `opened` resolves true on a new holder, false where /proc cannot tell or when the signal aborts.
 */
export async function watchHostOpen(pair: PtyPair, pollMs = 100): Promise<{ opened(signal?: AbortSignal): Promise<boolean> }> {
  const baseline = await holdersOf(pair.hostPath);
  return {
    async opened(signal) {
      if (!baseline) return false;
      while (!signal?.aborted) {
        const now = await holdersOf(pair.hostPath);
        if (!now) return false;
        for (const pid of now) if (!baseline.has(pid)) return true;
        await delay(pollMs, signal);
      }
      return false;
    },
  };
}

async function stop(child: ChildProcess, exited: Promise<void>): Promise<void> {
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
  const forced = setTimeout(() => child.kill('SIGKILL'), 2000);
  await exited;
  clearTimeout(forced);
}

async function exists(path: string): Promise<boolean> {
  try {
    await lstat(path);
    return true;
  } catch {
    return false;
  }
}

/**
 * Writes a recording's device->host chunks onto a port with their timing, waiting for each write to
 * leave before the next so the reader sees the same chunking the recording has. At a recorded
 * unplug it closes the port and asks `onUnplug` where the device is plugged in again (a new pty
 * pair's device end), or stops there when there is no `onUnplug` or it answers null.
 */
export async function playRecordingToPort(
  path: string,
  chunks: RecordedChunk[],
  opts: {
    speed?: number;
    resolve?: TemplateResolver;
    baudRate?: number;
    signal?: AbortSignal;
    onUnplug?: () => Promise<string | null>;
  } = {},
): Promise<void> {
  const speed = opts.speed ?? 1;
  if (!(speed > 0)) throw new Error('speed must be > 0');
  let devicePath: string | null = path;
  for (const session of plugSessions(inboundChunks(chunks))) {
    if (devicePath === null) return;
    await playSession(devicePath, session.chunks, session.startMs, { ...opts, speed });
    if (opts.signal?.aborted || !session.endsUnplugged) return;
    devicePath = opts.onUnplug ? await opts.onUnplug() : null;
  }
}

async function playSession(
  path: string,
  chunks: RecordedChunk[],
  startMs: number,
  opts: { speed: number; resolve?: TemplateResolver; baudRate?: number; signal?: AbortSignal },
): Promise<void> {
  const port = new SerialPort({ path, baudRate: opts.baudRate ?? 9600, autoOpen: false });
  port.on('error', () => {});
  await new Promise<void>((resolve, reject) => port.open((e) => (e ? reject(e) : resolve())));
  try {
    let previous = startMs;
    for (const chunk of chunks) {
      await delay((chunk.t_ms - previous) / opts.speed, opts.signal);
      previous = chunk.t_ms;
      if (opts.signal?.aborted) return;
      const bytes = await chunkBytes(chunk, opts.resolve);
      await new Promise<void>((resolve, reject) => {
        port.write(Buffer.from(bytes), (e) => (e ? reject(e) : port.drain((d) => (d ? reject(d) : resolve()))));
      });
    }
  } finally {
    if (port.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
  }
}
