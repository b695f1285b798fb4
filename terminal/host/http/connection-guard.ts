// Limits for an HTTP server that strangers can reach: a cap on open connections (in all and per
// remote address) and header/request deadlines that fire within a second or two. Without them,
// slow-header sockets that never send a token hold descriptors until the process runs out, and then
// the kiosk's own calls to the platform fail. Refusals are counted and logged, rate-limited, with
// the address only (never headers or bodies).
import type { Server } from 'node:http';
import type { Socket } from 'node:net';

export interface ConnectionLimits {
  /** Open connections at once, from everyone. */
  maxConnections: number;
  /** Open connections at once from one remote address. */
  maxPerAddress: number;
  /** A request's headers must be complete this long after the connection opens. */
  headersTimeoutMs: number;
  /** The whole request (headers and body) must be in within this. */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
}

export const defaultConnectionLimits: ConnectionLimits = {
  maxConnections: 128,
  maxPerAddress: 16,
  headersTimeoutMs: 5_000,
  requestTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
};

/**
 * Node checks header and request deadlines only every `connectionsCheckingInterval` (30 s by
 * default): pass these options to `createServer` so the deadlines fire on time.
 */
export function serverTimeoutOptions(limits: ConnectionLimits) {
  return {
    headersTimeout: limits.headersTimeoutMs,
    requestTimeout: limits.requestTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    connectionsCheckingInterval: Math.max(250, Math.min(1_000, Math.floor(limits.headersTimeoutMs / 4))),
  };
}

export interface GuardStats {
  open: number;
  refused: number;
}

export interface ConnectionGuard {
  stats(): GuardStats;
  /** Every socket still open: for a close that must not wait on stragglers. */
  sockets(): ReadonlySet<Socket>;
}

/**
 * Counts connections as they open and refuses (destroys at once) those over a cap. A socket that
 * sends nothing at all is also closed once the header deadline has passed, whatever Node's parser
 * thinks of it.
 */
export function guardConnections(server: Server, limits: ConnectionLimits, log: (message: string) => void = (m) => console.warn(m)): ConnectionGuard {
  const open = new Set<Socket>();
  const perAddress = new Map<string, number>();
  let refused = 0;
  let refusedSinceLog = 0;
  let lastLogMs = 0;

  function refuse(socket: Socket, why: string): void {
    refused++;
    refusedSinceLog++;
    socket.destroy();
    const nowMs = Date.now();
    // One line a few seconds at most: a flood must not fill the log as it fills the sockets.
    if (nowMs - lastLogMs >= 5_000) {
      log(`connection refused (${why}; ${refusedSinceLog} refused since the last line, ${open.size} open)`);
      lastLogMs = nowMs;
      refusedSinceLog = 0;
    }
  }

  const requested = new WeakSet<object>();
  server.on('request', (req: { socket: object }) => requested.add(req.socket));
  server.on('upgrade', (req: { socket: object }) => requested.add(req.socket));
  server.on('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    if (open.size >= limits.maxConnections) return refuse(socket, `over ${limits.maxConnections} open connections`);
    const fromAddress = perAddress.get(address) ?? 0;
    if (fromAddress >= limits.maxPerAddress) return refuse(socket, `over ${limits.maxPerAddress} open connections from ${address}`);
    open.add(socket);
    perAddress.set(address, fromAddress + 1);
    // A connection that never completes a request's headers is dropped at the header deadline
    // (Node's own check only starts once the first byte has arrived).
    const silent = setTimeout(() => {
      if (!requested.has(socket)) socket.destroy();
    }, limits.headersTimeoutMs);
    silent.unref();
    socket.on('close', () => {
      clearTimeout(silent);
      open.delete(socket);
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left <= 0) perAddress.delete(address);
      else perAddress.set(address, left);
    });
  });

  return { stats: () => ({ open: open.size, refused }), sockets: () => open };
}
