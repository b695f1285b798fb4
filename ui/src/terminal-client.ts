// The one way the screens talk to the terminal. Under Electron it goes through the preload's
// window.terminalBridge; in a plain browser it uses the web host's WebSocket at /api on the page's
// own host, reconnecting with backoff. Whatever arrives is validated with the API schemas: the
// UI trusts the shape of nothing it did not check.
import { Command, CommandResult, TerminalEvent } from '../../terminal/api/schema';
import type { TerminalBridge } from './bridge';

export interface TerminalClient {
  execute(command: Command): Promise<CommandResult>;
  onEvent(listener: (event: TerminalEvent) => void): () => void;
  /** Called now with the current state, then on every change. */
  onConnection(listener: (connected: boolean) => void): () => void;
  close(): void;
}

/** The minimal WebSocket surface used, so tests can hand in the `ws` package's socket. */
export interface SocketLike {
  readonly readyState: number;
  send(data: string): void;
  close(): void;
  onopen: ((event: unknown) => void) | null;
  onmessage: ((event: { data: unknown }) => void) | null;
  onclose: ((event: unknown) => void) | null;
  onerror: ((event: unknown) => void) | null;
}

export interface WebSocketClientOptions {
  openSocket?: (url: string) => SocketLike;
  /** A command with no answer by then is reported as failed; the session view stays the truth. */
  timeoutMs?: number;
  minBackoffMs?: number;
  maxBackoffMs?: number;
}

const socketOpen = 1;

export function createTerminalClient(win: Window = window): TerminalClient {
  if (win.terminalBridge) return createBridgeClient(win.terminalBridge);
  const scheme = win.location.protocol === 'https:' ? 'wss' : 'ws';
  return createWebSocketClient(`${scheme}://${win.location.host}/api`);
}

function failure(code: string, message: string): CommandResult {
  return { ok: false, error: { code, message } };
}

const messages = {
  disconnected: '与终端的连接已断开，请稍候 / Connection to the terminal lost, please wait',
  timeout: '终端没有响应，请稍候 / The terminal did not answer, please wait',
  badRequest: '无法识别的操作 / Unrecognised action',
  badResponse: '终端返回了无法识别的数据，请联系工作人员 / Unexpected answer, please ask staff',
};

export function createBridgeClient(bridge: TerminalBridge): TerminalClient {
  return {
    async execute(command) {
      const checked = Command.safeParse(command);
      if (!checked.success) return failure('bad-request', messages.badRequest);
      let raw: unknown;
      try {
        raw = await bridge.execute(checked.data);
      } catch {
        return failure('disconnected', messages.disconnected);
      }
      const parsed = CommandResult.safeParse(raw);
      return parsed.success ? parsed.data : failure('bad-response', messages.badResponse);
    },
    onEvent(listener) {
      return bridge.onEvent((raw) => {
        const parsed = TerminalEvent.safeParse(raw);
        if (parsed.success) listener(parsed.data);
      });
    },
    onConnection(listener) {
      listener(true);
      return () => {};
    },
    close() {},
  };
}

export function createWebSocketClient(url: string, opts: WebSocketClientOptions = {}): TerminalClient {
  const openSocket = opts.openSocket ?? ((u: string) => new WebSocket(u) as unknown as SocketLike);
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const minBackoff = opts.minBackoffMs ?? 250;
  const maxBackoff = opts.maxBackoffMs ?? 5_000;

  const pending = new Map<number, { resolve: (r: CommandResult) => void; timer: ReturnType<typeof setTimeout> }>();
  const eventListeners = new Set<(event: TerminalEvent) => void>();
  const connectionListeners = new Set<(connected: boolean) => void>();
  let socket: SocketLike | null = null;
  let connected = false;
  let closed = false;
  let nextId = 1;
  let backoff = minBackoff;
  let reconnectTimer: ReturnType<typeof setTimeout> | null = null;

  const setConnected = (value: boolean): void => {
    if (connected === value) return;
    connected = value;
    for (const l of connectionListeners) l(value);
  };

  const settle = (id: number, result: CommandResult): void => {
    const waiter = pending.get(id);
    if (!waiter) return;
    pending.delete(id);
    clearTimeout(waiter.timer);
    waiter.resolve(result);
  };

  const onMessage = (data: unknown): void => {
    let raw: unknown;
    try {
      raw = JSON.parse(typeof data === 'string' ? data : String(data));
    } catch {
      return;
    }
    if (typeof raw !== 'object' || raw === null) return;
    const message = raw as Record<string, unknown>;
    if ('event' in message) {
      const event = TerminalEvent.safeParse(message.event);
      if (event.success) for (const l of eventListeners) l(event.data);
      return;
    }
    if (typeof message.id === 'number') {
      const result = CommandResult.safeParse(message.result);
      settle(message.id, result.success ? result.data : failure('bad-response', messages.badResponse));
    }
  };

  const connect = (): void => {
    reconnectTimer = null;
    if (closed) return;
    const ws = openSocket(url);
    socket = ws;
    ws.onopen = () => {
      backoff = minBackoff;
      setConnected(true);
    };
    ws.onmessage = (event) => onMessage(event.data);
    ws.onerror = () => {};
    ws.onclose = () => {
      if (socket !== ws) return;
      socket = null;
      setConnected(false);
      // Commands in flight have an unknown outcome; the session view after reconnecting tells.
      for (const id of [...pending.keys()]) settle(id, failure('disconnected', messages.disconnected));
      if (closed) return;
      reconnectTimer = setTimeout(connect, backoff);
      backoff = Math.min(backoff * 2, maxBackoff);
    };
  };

  connect();

  return {
    execute(command) {
      const checked = Command.safeParse(command);
      if (!checked.success) return Promise.resolve(failure('bad-request', messages.badRequest));
      const ws = socket;
      if (!ws || ws.readyState !== socketOpen) return Promise.resolve(failure('disconnected', messages.disconnected));
      const id = nextId++;
      return new Promise<CommandResult>((resolve) => {
        const timer = setTimeout(() => settle(id, failure('timeout', messages.timeout)), timeoutMs);
        pending.set(id, { resolve, timer });
        ws.send(JSON.stringify({ id, command: checked.data }));
      });
    },
    onEvent(listener) {
      eventListeners.add(listener);
      return () => eventListeners.delete(listener);
    },
    onConnection(listener) {
      connectionListeners.add(listener);
      listener(connected);
      return () => connectionListeners.delete(listener);
    },
    close() {
      closed = true;
      if (reconnectTimer) clearTimeout(reconnectTimer);
      const ws = socket;
      socket = null;
      setConnected(false);
      for (const id of [...pending.keys()]) settle(id, failure('disconnected', messages.disconnected));
      ws?.close();
    },
  };
}
