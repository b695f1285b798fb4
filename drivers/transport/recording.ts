// Reads device recordings (JSON lines, documented in fixtures/devices/README.md) and turns their
// chunks into bytes, so the replay transport and the pty player agree on one format.
import { readFile } from 'node:fs/promises';
import type { RecordedChunk, TemplateResolver } from './types';

export async function readRecording(file: string): Promise<RecordedChunk[]> {
  const text = await readFile(file, 'utf8');
  return parseRecording(text, file);
}

export function parseRecording(text: string, source = 'recording'): RecordedChunk[] {
  const chunks: RecordedChunk[] = [];
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const where = `${source}:${index + 1}`;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch {
      throw new Error(`${where}: not JSON`);
    }
    chunks.push(toChunk(value, where));
  });
  // Players walk the chunks in order; an out-of-order time would silently reorder bytes.
  for (let i = 1; i < chunks.length; i++) {
    if (chunks[i]!.t_ms < chunks[i - 1]!.t_ms) throw new Error(`${source}: t_ms goes backwards at chunk ${i + 1}`);
  }
  return chunks;
}

function toChunk(value: unknown, where: string): RecordedChunk {
  if (typeof value !== 'object' || value === null) throw new Error(`${where}: not an object`);
  const o = value as Record<string, unknown>;
  const t = o['t_ms'];
  const dir = o['dir'];
  if (typeof t !== 'number' || !Number.isFinite(t) || t < 0) throw new Error(`${where}: t_ms must be a number >= 0`);
  if (dir !== 'in' && dir !== 'out') throw new Error(`${where}: dir must be "in" or "out"`);
  if (typeof o['hex'] === 'string') {
    const hex = o['hex'].replace(/\s+/g, '');
    if (!/^(?:[0-9a-fA-F]{2})*$/.test(hex)) throw new Error(`${where}: hex must be pairs of hex digits`);
    return { t_ms: t, dir, hex };
  }
  if (typeof o['template'] === 'string') {
    const arg = o['arg'] ?? '';
    const suffix = o['suffix'];
    if (typeof arg !== 'string') throw new Error(`${where}: arg must be a string`);
    if (suffix !== undefined && typeof suffix !== 'string') throw new Error(`${where}: suffix must be a string`);
    return suffix === undefined ? { t_ms: t, dir, template: o['template'], arg } : { t_ms: t, dir, template: o['template'], arg, suffix };
  }
  if (o['event'] !== undefined) {
    if (o['event'] !== 'unplug') throw new Error(`${where}: event must be "unplug"`);
    if (dir !== 'in') throw new Error(`${where}: an unplug is dir "in"`);
    return { t_ms: t, dir, event: 'unplug' };
  }
  throw new Error(`${where}: needs "hex", "template" or "event"`);
}

/** The bytes a chunk stands for; template chunks ask the resolver now, so a code is fresh when played. */
export async function chunkBytes(chunk: RecordedChunk, resolve?: TemplateResolver): Promise<Uint8Array> {
  if ('event' in chunk) return new Uint8Array(0);
  if ('hex' in chunk) return Uint8Array.from(Buffer.from(chunk.hex, 'hex'));
  if (!resolve) throw new Error(`template chunk "${chunk.template}" needs a resolver`);
  const text = await resolve(chunk.template, chunk.arg);
  return Uint8Array.from(Buffer.from(text + (chunk.suffix ?? ''), 'utf8'));
}

export function inboundChunks(chunks: RecordedChunk[]): RecordedChunk[] {
  return chunks.filter((c) => c.dir === 'in');
}

/** Splits a recording at its unplug events: one list of chunks a time the device is plugged in. */
export function plugSessions(chunks: RecordedChunk[]): Array<{ chunks: RecordedChunk[]; startMs: number; endsUnplugged: boolean }> {
  const sessions: Array<{ chunks: RecordedChunk[]; startMs: number; endsUnplugged: boolean }> = [];
  let current = { chunks: [] as RecordedChunk[], startMs: 0, endsUnplugged: false };
  for (const chunk of chunks) {
    if ('event' in chunk) {
      current.endsUnplugged = true;
      sessions.push(current);
      current = { chunks: [], startMs: chunk.t_ms, endsUnplugged: false };
    } else {
      current.chunks.push(chunk);
    }
  }
  sessions.push(current);
  return sessions;
}

/** Sleeps that a stopped player can cut short. */
export function delay(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    if (ms <= 0 || signal?.aborted) return resolve();
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      resolve();
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
