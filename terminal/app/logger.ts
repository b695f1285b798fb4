// The terminal's log: JSON lines in <data>/logs/terminal.log, one object per event (time, level,
// msg, fields), rotated by size with a fixed number of old files kept, so a hospital's log shipper
// (Filebeat, Fluent Bit, NXLog) can tail it and the disk never fills. Redaction happens here, before
// anything is written: fields named like a secret or a person's data are masked, and an ID number
// or a phone number inside any text is masked too (the log leaves the kiosk; patient data must not).
// Writes are synchronous: a start failure is on disk before the process exits, and a Windows GUI
// app has no console to fall back on. Small on purpose (pino with a rolling transport needs worker
// threads and files outside the bundle).
import { appendFileSync, existsSync, mkdirSync, renameSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';
const ORDER: Record<LogLevel, number> = { debug: 10, info: 20, warn: 30, error: 40 };

export interface Logger {
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  /** A logger whose lines all carry these fields (e.g. { component: 'devices' }). */
  child(bindings: Record<string, unknown>): Logger;
  /** The file written to, or null when logging to the console only. */
  readonly file: string | null;
}

export interface LoggerOptions {
  /** Folder for terminal.log and its rotations (created if missing); null: console only. */
  dir: string | null;
  level?: LogLevel;
  /** Rotate when the file would grow past this (default 10 MB). */
  maxBytes?: number;
  /** Old files kept: terminal.1.log (newest) .. terminal.N.log (default 5). */
  keep?: number;
  /** Also write each line to stderr (a dev run, the web host); off for the kiosk. */
  console?: boolean;
  now?: () => Date;
}

/** Field names whose values never reach the log (matched case-insensitively, anywhere in the name). */
const SECRET_KEYS = /pin|password|passwd|secret|token|privatekey|appsecret|accesskey|authorization|cookie|certno|idno|idnumber|cardno|cardsn|psnno|name$|phone|mobile|address|jpeg|photo|image/i;
/** An 18-digit resident ID (last may be X), a 15-digit old one, and a mainland mobile number. */
const ID_IN_TEXT = /(?<!\d)(\d{6})\d{8}(\d{3}[\dXx])(?!\d)|(?<!\d)\d{15}(?!\d)|(?<!\d)(1[3-9]\d)\d{4}(\d{4})(?!\d)/g;

export function redactText(text: string): string {
  return text.replace(ID_IN_TEXT, (m, a?: string, b?: string, p?: string, q?: string) =>
    a ? `${a}********${b}` : p ? `${p}****${q}` : `${m.slice(0, 3)}***${m.slice(-2)}`,
  );
}

export function redact(value: unknown, key = '', depth = 0): unknown {
  if (key && SECRET_KEYS.test(key) && value !== null && value !== undefined && typeof value !== 'boolean' && typeof value !== 'number') return '[redacted]';
  if (typeof value === 'string') return redactText(value);
  if (value instanceof Error) {
    const cause = (value as Error & { cause?: unknown }).cause;
    return { name: value.name, message: redactText(value.message), stack: value.stack ? redactText(value.stack) : undefined, ...(cause !== undefined ? { cause: redact(cause, '', depth + 1) } : {}) };
  }
  if (depth > 6 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.slice(0, 50).map((v) => redact(v, '', depth + 1));
  if (Buffer.isBuffer(value) || ArrayBuffer.isView(value)) return `[${value.byteLength} bytes]`;
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redact(v, k, depth + 1)]));
}

export function createLogger(options: LoggerOptions): Logger {
  const min = ORDER[options.level ?? 'info'];
  const maxBytes = options.maxBytes ?? 10 * 1024 * 1024;
  const keep = Math.max(1, options.keep ?? 5);
  const now = options.now ?? (() => new Date());
  let file: string | null = null;
  let size = 0;
  if (options.dir) {
    mkdirSync(options.dir, { recursive: true });
    file = join(options.dir, 'terminal.log');
    size = existsSync(file) ? statSync(file).size : 0;
  }
  const rotate = (dir: string) => {
    rmSync(join(dir, `terminal.${keep}.log`), { force: true });
    for (let i = keep - 1; i >= 1; i--) {
      const from = join(dir, `terminal.${i}.log`);
      if (existsSync(from)) renameSync(from, join(dir, `terminal.${i + 1}.log`));
    }
    renameSync(join(dir, 'terminal.log'), join(dir, 'terminal.1.log'));
    size = 0;
  };
  const write = (level: LogLevel, msg: string, fields: Record<string, unknown>) => {
    if (ORDER[level] < min) return;
    const line = JSON.stringify({ time: now().toISOString(), level, msg: redactText(msg), ...(redact(fields) as Record<string, unknown>) }) + '\n';
    if (options.console) process.stderr.write(line);
    if (!file || !options.dir) return;
    const bytes = Buffer.byteLength(line);
    try {
      if (size > 0 && size + bytes > maxBytes) rotate(options.dir);
      appendFileSync(file, line);
      size += bytes;
    } catch (err) {
      // A full or read-only disk must not stop a payment; say so where someone may see it.
      process.stderr.write(`log write failed: ${(err as Error).message}\n${line}`);
    }
  };
  const make = (bindings: Record<string, unknown>): Logger => ({
    debug: (msg, fields = {}) => write('debug', msg, { ...bindings, ...fields }),
    info: (msg, fields = {}) => write('info', msg, { ...bindings, ...fields }),
    warn: (msg, fields = {}) => write('warn', msg, { ...bindings, ...fields }),
    error: (msg, fields = {}) => write('error', msg, { ...bindings, ...fields }),
    child: (more) => make({ ...bindings, ...more }),
    file,
  });
  return make({});
}

/** The error as log fields: message, stack and its cause chain (redacted like everything else). */
export function errorFields(err: unknown): { err: unknown } {
  return { err: err instanceof Error ? err : { message: String(err) } };
}
