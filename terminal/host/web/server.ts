// The web host: serves the built kiosk UI and carries the TerminalApi over one WebSocket at /api,
// on loopback only. Used for development, headless machines, remote support and the e2e tests.
// Everything that arrives is validated with the API schemas; a bad message never reaches the core.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { readFile, stat } from 'node:fs/promises';
import path from 'node:path';
import { WebSocketServer, WebSocket, type RawData } from 'ws';
import { z } from 'zod';
import { Command, CommandResult, type TerminalApi, type TerminalEvent } from '../../api/schema';
import { guardConnections, serverTimeoutOptions, type ConnectionLimits } from '../http/connection-guard';

export interface WebHostOptions {
  api: TerminalApi;
  /** The built UI (dist/ui). */
  uiDir: string;
  /** Loopback only; anything else is refused so the API is never reachable from the network. */
  host?: string;
  /** 0 picks any free port. */
  port?: number;
  /** Connection caps and deadlines (the kiosk's own browser needs a handful of connections). */
  limits?: Partial<ConnectionLimits>;
}

export interface WebHost {
  url: string;
  close(): Promise<void>;
}

export const contentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "font-src 'self'",
  "connect-src 'self' ws://127.0.0.1:* ws://localhost:*",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

const securityHeaders: Record<string, string> = {
  'Content-Security-Policy': contentSecurityPolicy,
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'no-referrer',
  'X-Frame-Options': 'DENY',
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

const contentTypes: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ogg': 'audio/ogg',
  '.wav': 'audio/wav',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
  '.onnx': 'application/octet-stream',
};

/** A command the UI sends; `id` pairs it with its result. */
export const ClientMessage = z.object({
  id: z.number().int().nonnegative().safe(),
  command: Command,
});

/** Bounds: a kiosk sends small messages (the largest a camera frame at the face step: a 640x480
 * JPEG in base64, ~30-80 KB, capped by the schema at 700,000 characters); a slow or stuck client
 * must not grow our memory. */
const maxMessageBytes = 768 * 1024;
const maxBufferedBytes = 1024 * 1024;

const loopbackHosts = new Set(['127.0.0.1', 'localhost', '::1']);

export async function startWebHost(opts: WebHostOptions): Promise<WebHost> {
  const host = opts.host ?? '127.0.0.1';
  if (!loopbackHosts.has(host)) throw new Error(`web host binds loopback only, not ${host}`);
  const uiRoot = path.resolve(opts.uiDir);
  // Filled in once listening; requests cannot arrive before that.
  let allowedOrigins = new Set<string>();

  const limits: ConnectionLimits = { maxConnections: 256, maxPerAddress: 64, headersTimeoutMs: 5_000, requestTimeoutMs: 30_000, keepAliveTimeoutMs: 5_000, ...opts.limits };
  const server = createServer(serverTimeoutOptions(limits), (req, res) => {
    serveStatic(uiRoot, req, res, allowedOrigins).catch(() => {
      if (!res.headersSent) send(res, 500, 'internal error');
      else res.destroy();
    });
  });

  guardConnections(server, limits, (m) => console.warn(`web host: ${m}`));

  const wss = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes });

  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    const pathname = safePathname(req.url);
    const origin = req.headers.origin;
    // A page from any other origin (including a DNS-rebinding one) must not drive the terminal.
    if (pathname !== '/api' || origin === undefined || !allowedOrigins.has(origin) || !hostAllowed(req, allowedOrigins)) {
      socket.write('HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      socket.destroy();
      return;
    }
    wss.handleUpgrade(req, socket, head, (ws) => attachClient(ws, opts.api));
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  allowedOrigins = new Set([`http://127.0.0.1:${port}`, `http://localhost:${port}`, `http://[::1]:${port}`]);
  const urlHost = host === '::1' ? '[::1]' : host;

  return {
    url: `http://${urlHost}:${port}/`,
    close: async () => {
      for (const client of wss.clients) client.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

function attachClient(ws: WebSocket, api: TerminalApi): void {
  const push = (message: unknown): void => {
    if (ws.readyState !== WebSocket.OPEN) return;
    if (ws.bufferedAmount > maxBufferedBytes) {
      ws.terminate();
      return;
    }
    ws.send(JSON.stringify(message));
  };

  const unsubscribe = api.subscribe((event: TerminalEvent) => push({ event }));
  ws.on('close', unsubscribe);
  ws.on('error', () => ws.terminate());

  ws.on('message', (data: RawData, isBinary: boolean) => {
    void handleMessage(api, data, isBinary).then(push);
  });
}

async function handleMessage(
  api: TerminalApi,
  data: RawData,
  isBinary: boolean,
): Promise<{ id: number | null; result: CommandResult }> {
  let raw: unknown;
  try {
    if (isBinary) throw new Error('binary frames are not accepted');
    raw = JSON.parse(rawToString(data));
  } catch {
    return { id: null, result: badRequest('message is not JSON text') };
  }
  const parsed = ClientMessage.safeParse(raw);
  if (!parsed.success) {
    const id = isObject(raw) && Number.isSafeInteger(raw.id) ? (raw.id as number) : null;
    return { id, result: badRequest(z.prettifyError(parsed.error)) };
  }
  const { id, command } = parsed.data;
  try {
    const result = CommandResult.safeParse(await api.execute(command));
    if (!result.success) return { id, result: internalError() };
    return { id, result: result.data };
  } catch {
    return { id, result: internalError() };
  }
}

function badRequest(message: string): CommandResult {
  return { ok: false, error: { code: 'bad-request', message } };
}

function internalError(): CommandResult {
  return { ok: false, error: { code: 'internal', message: '系统繁忙，请稍后再试或联系工作人员 / System busy, please ask staff' } };
}

async function serveStatic(
  uiRoot: string,
  req: IncomingMessage,
  res: ServerResponse,
  allowedOrigins: Set<string>,
): Promise<void> {
  if (!hostAllowed(req, allowedOrigins)) return send(res, 421, 'misdirected request');
  if (req.method !== 'GET' && req.method !== 'HEAD') return send(res, 405, 'method not allowed');
  const pathname = safePathname(req.url);
  if (pathname === null) return send(res, 400, 'bad request');

  const resolved = path.resolve(uiRoot, '.' + pathname);
  if (resolved !== uiRoot && !resolved.startsWith(uiRoot + path.sep)) return send(res, 404, 'not found');

  let file = resolved;
  if (!(await isFile(file))) {
    // Client-side routes have no extension; real assets that are missing are a 404.
    if (path.extname(pathname) !== '') return send(res, 404, 'not found');
    file = path.join(uiRoot, 'index.html');
    if (!(await isFile(file))) return send(res, 404, 'not found');
  }
  const body = await readFile(file);
  res.writeHead(200, {
    ...securityHeaders,
    'Content-Type': contentTypes[path.extname(file).toLowerCase()] ?? 'application/octet-stream',
    'Content-Length': body.length,
  });
  res.end(req.method === 'HEAD' ? undefined : body);
}

/** The decoded path, or null when it is malformed or could smuggle a separator or NUL. */
function safePathname(url: string | undefined): string | null {
  if (url === undefined) return null;
  let pathname: string;
  try {
    pathname = decodeURIComponent(new URL(url, 'http://host.invalid').pathname);
  } catch {
    return null;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return null;
  return pathname;
}

function hostAllowed(req: IncomingMessage, allowedOrigins: Set<string>): boolean {
  const hostHeader = req.headers.host;
  return hostHeader !== undefined && allowedOrigins.has(`http://${hostHeader}`);
}

async function isFile(file: string): Promise<boolean> {
  try {
    return (await stat(file)).isFile();
  } catch {
    return false;
  }
}

function send(res: ServerResponse, status: number, text: string): void {
  res.writeHead(status, { ...securityHeaders, 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(text);
}

function rawToString(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString('utf8');
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  return data.toString('utf8');
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
