// The in-room API (诊间支付): the HTTP server on the hospital LAN through which a doctor's
// workstation asks this device to collect payment for one HIS bill and follows its status.
// Every request carries its workstation's bearer token; the config holds only the token's SHA-256,
// compared in constant time. Bodies are small and validated, each workstation is rate-limited,
// and neither answers nor logs carry a patient's name or ID number.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { createHash, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';
import type { InRoomRequests } from '../../kiosk/in-room-requests';
import { payPageHeaders, renderPayPage } from './pay-page';
import { defaultConnectionLimits, guardConnections, serverTimeoutOptions, type ConnectionLimits, type GuardStats } from '../http/connection-guard';

export interface InRoomServerOptions {
  host: string;
  port: number;
  workstations: ReadonlyArray<{ id: string; tokenSha256: string }>;
  ratePerMinute: number;
  maxBodyBytes: number;
  requests: InRoomRequests;
  /** Monotonic-enough milliseconds for the rate limiter (tests may step it). */
  nowMs?: () => number;
  /** Told of an unexpected failure inside a handler (its message only: no bodies, no headers). */
  onError?: (message: string) => void;
  /** Connection caps and deadlines; the defaults hold off a slow-header flood from the LAN. */
  limits?: Partial<ConnectionLimits>;
  /** Told of refused connections (address and counts only). */
  onRefused?: (message: string) => void;
}

export interface InRoomServer {
  url: string;
  connections(): GuardStats;
  close(): Promise<void>;
}

export const PaymentRequestBody = z.strictObject({
  billId: z.string().regex(/^[A-Za-z0-9_-]{1,40}$/, 'a HIS bill id: 1-40 letters, digits, _ or -'),
  /** Optional: sha256 (hex) of the patient's certno, so the device refuses anyone else's code. */
  patientCertnoSha256: z
    .string()
    .regex(/^[0-9a-f]{64}$/, '64 lowercase hex digits')
    .optional(),
});

const REQUEST_PATH = '/in-room/v1/payment-requests';
/** 医保支付找人: the patient's pay link, when payLinkBase points at this server (…/in-room/v1/pay/). */
const PAY_PATH = '/in-room/v1/pay/';
const requestIdPattern = /^[A-Za-z0-9_-]{10,64}$/;

class TooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) return reject(new TooLarge());
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new TooLarge());
        // Stop reading, but let the 413 go out before the socket closes.
        req.removeAllListeners('data');
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', ...headers });
  res.end(text);
}

/** A token bucket a workstation: a burst up to a minute's allowance, then the steady rate. */
function createRateLimiter(perMinute: number, nowMs: () => number) {
  const perMs = perMinute / 60_000;
  const buckets = new Map<string, { tokens: number; at: number }>();
  return {
    /** 0 when allowed, else the whole seconds to wait. */
    take(key: string): number {
      const t = nowMs();
      const b = buckets.get(key) ?? { tokens: perMinute, at: t };
      b.tokens = Math.min(perMinute, b.tokens + (t - b.at) * perMs);
      b.at = t;
      buckets.set(key, b);
      if (b.tokens >= 1) {
        b.tokens -= 1;
        return 0;
      }
      return Math.max(1, Math.ceil((1 - b.tokens) / perMs / 1000));
    },
  };
}

export async function startInRoomServer(opts: InRoomServerOptions): Promise<InRoomServer> {
  const nowMs = opts.nowMs ?? (() => performance.now());
  const limiter = createRateLimiter(opts.ratePerMinute, nowMs);
  const digests = opts.workstations.map((w) => ({ id: w.id, digest: Buffer.from(w.tokenSha256, 'hex') }));

  /** The workstation whose token this is; every configured digest is compared, so timing says nothing. */
  function authenticate(req: IncomingMessage): string | null {
    const m = /^Bearer ([\x21-\x7e]{16,512})$/.exec(req.headers.authorization ?? '');
    if (!m) return null;
    const seen = createHash('sha256').update(m[1] ?? '').digest();
    let found: string | null = null;
    for (const w of digests) if (timingSafeEqual(seen, w.digest) && found === null) found = w.id;
    return found;
  }

  /** The patient's page: no bearer token (the request id is the secret), rate-limited by address. */
  async function handlePayLink(req: IncomingMessage, res: ServerResponse, path: string, query: string): Promise<void> {
    const wait = limiter.take(`pay-link:${req.socket.remoteAddress ?? ''}`);
    if (wait > 0) return send(res, 429, { error: 'rate-limited', retryAfterSeconds: wait }, { 'retry-after': String(wait) });
    const id = path.slice(PAY_PATH.length);
    const view = requestIdPattern.test(id) ? opts.requests.patientView(id) : null;
    if (!view) return send(res, 404, { error: 'not-found' });
    const self = `${PAY_PATH}${id}`;
    if (req.method === 'GET') {
      const notice = new URLSearchParams(query).get('notice') ?? undefined;
      const html = renderPayPage(view, self, notice);
      res.writeHead(200, { ...payPageHeaders, 'content-length': Buffer.byteLength(html) });
      res.end(html);
      return;
    }
    if (req.method !== 'POST') return send(res, 405, { error: 'method-not-allowed' }, { allow: 'GET, POST' });
    if (!/^application\/x-www-form-urlencoded\b/i.test(req.headers['content-type'] ?? '')) return send(res, 415, { error: 'unsupported-media-type', message: 'send a form' });
    let form: URLSearchParams;
    try {
      form = new URLSearchParams(await readBody(req, opts.maxBodyBytes));
    } catch (err) {
      if (err instanceof TooLarge) return send(res, 413, { error: 'body-too-large', maxBytes: opts.maxBodyBytes }, { connection: 'close' });
      throw err;
    }
    const code = (form.get('code') ?? '').trim();
    const confirm = form.get('confirm') === '1';
    let notice: string | null = null;
    if (!code && !confirm) notice = 'bad-request';
    else {
      const outcome = await opts.requests.patientAct(id, code ? { code } : { confirm: true });
      if (!outcome.ok) notice = outcome.reason === 'not-found' ? 'not-now' : outcome.reason;
    }
    // Post/redirect/get: a reload of the page never sends the code again.
    res.writeHead(303, { location: notice ? `${self}?notice=${notice}` : self, 'cache-control': 'no-store', 'content-length': '0' });
    res.end();
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const [path = '', query = ''] = (req.url ?? '').split('?');
    if (path.startsWith(PAY_PATH)) return handlePayLink(req, res, path, query);
    if (path !== REQUEST_PATH && !path.startsWith(`${REQUEST_PATH}/`)) return send(res, 404, { error: 'not-found' });
    const workstation = authenticate(req);
    if (!workstation) return send(res, 401, { error: 'unauthorized', message: 'a valid workstation bearer token is required' }, { 'www-authenticate': 'Bearer realm="in-room"' });
    const wait = limiter.take(workstation);
    if (wait > 0) return send(res, 429, { error: 'rate-limited', retryAfterSeconds: wait }, { 'retry-after': String(wait) });

    if (path === REQUEST_PATH) {
      if (req.method !== 'POST') return send(res, 405, { error: 'method-not-allowed' }, { allow: 'POST' });
      if (!/^application\/json\b/i.test(req.headers['content-type'] ?? '')) return send(res, 415, { error: 'unsupported-media-type', message: 'send application/json' });
      let raw: unknown;
      try {
        raw = JSON.parse(await readBody(req, opts.maxBodyBytes));
      } catch (err) {
        if (err instanceof TooLarge) return send(res, 413, { error: 'body-too-large', maxBytes: opts.maxBodyBytes }, { connection: 'close' });
        return send(res, 400, { error: 'invalid-json' });
      }
      const parsed = PaymentRequestBody.safeParse(raw);
      if (!parsed.success) {
        const issue = parsed.error.issues[0];
        const field = issue?.code === 'unrecognized_keys' ? issue.keys.join(',') : issue?.path.join('.') || '(body)';
        return send(res, 400, { error: 'invalid-request', field, message: issue?.message ?? 'invalid' });
      }
      const outcome = await opts.requests.create(workstation, parsed.data);
      switch (outcome.kind) {
        case 'created':
          return send(res, 201, outcome.view, { location: `${REQUEST_PATH}/${outcome.view.requestId}` });
        case 'conflict':
          return send(res, 409, { error: outcome.reason });
        case 'not-found':
          return send(res, 404, { error: 'bill-not-found' });
        case 'his-unreachable':
          return send(res, 503, { error: 'his-unreachable' }, { 'retry-after': '5' });
      }
    }

    const id = path.slice(REQUEST_PATH.length + 1);
    if (!requestIdPattern.test(id)) return send(res, 404, { error: 'not-found' });
    if (req.method === 'GET') {
      const view = opts.requests.get(workstation, id);
      return view ? send(res, 200, view) : send(res, 404, { error: 'not-found' });
    }
    if (req.method === 'DELETE') {
      const outcome = await opts.requests.cancel(workstation, id);
      if (outcome.kind === 'not-found') return send(res, 404, { error: 'not-found' });
      if (outcome.kind === 'conflict') return send(res, 409, { error: outcome.reason, status: outcome.view.status });
      return send(res, 200, outcome.view);
    }
    return send(res, 405, { error: 'method-not-allowed' }, { allow: 'GET, DELETE' });
  }

  const limits = { ...defaultConnectionLimits, ...opts.limits };
  const server = createServer(serverTimeoutOptions(limits), (req, res) => {
    handle(req, res).catch((err: unknown) => {
      opts.onError?.(err instanceof Error ? err.message : String(err));
      if (!res.headersSent) send(res, 500, { error: 'internal' });
      else res.destroy();
    });
  });
  const guard = guardConnections(server, limits, opts.onRefused ?? ((m) => console.warn(`in-room API: ${m}`)));
  const url = await new Promise<string>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => {
      const addr = server.address();
      if (addr === null || typeof addr === 'string') return reject(new Error('in-room server has no TCP address'));
      const host = addr.family === 'IPv6' ? `[${addr.address}]` : addr.address;
      resolve(`http://${host}:${addr.port}`);
    });
  });
  return {
    url,
    connections: () => guard.stats(),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        for (const s of guard.sockets()) s.destroy();
      }),
  };
}
