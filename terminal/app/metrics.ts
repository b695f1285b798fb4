// Prometheus metrics for a hospital's existing Prometheus/Grafana: one scrape endpoint per kiosk
// (config `metrics.port`, off by default), no console of our own. Gauges are read at scrape time
// from the running terminal, so nothing here keeps state that could drift from the journal. No
// label or value carries patient data: device ids, call numbers (infno) and outcomes only.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { DeviceHealth } from '../api/schema';

export interface MetricsSource {
  terminalId: string;
  version: string;
  /** Platform calls queued or in flight in the outbox. */
  outboxDepth(): number;
  /** Visits the automatic replay gave up on (needs-staff): the dead letters someone must look at. */
  deadLetters(): number;
  /** When the oldest offline capture not yet settled was taken (null: none). */
  oldestOfflineCaptureAt(): Date | null;
  platformOnline(): boolean;
  /** null when the HIS has not been asked anything yet. */
  hisOnline(): boolean | null;
  devices(): DeviceHealth[];
  now?: () => Date;
}

export interface TerminalMetrics {
  registry: Registry;
  /** A patient's confirm-to-answer time of one settlement step. */
  observeSettlement(seconds: number, outcome: 'ok' | 'error'): void;
  /** One platform call's round trip, by transaction number. */
  observePlatformCall(infno: string, seconds: number, outcome: string): void;
  /** An error that was caught and logged instead of stopping anything (by where it happened). */
  countSwallowedError(where: string): void;
  render(): Promise<string>;
  contentType: string;
}

const DEVICE_STATES = ['connecting', 'ready', 'error', 'closed'] as const;

export function createMetrics(source: MetricsSource): TerminalMetrics {
  const registry = new Registry();
  registry.setDefaultLabels({ terminal: source.terminalId });
  collectDefaultMetrics({ register: registry, prefix: 'terminal_' });
  const now = source.now ?? (() => new Date());

  new Gauge({ name: 'terminal_build_info', help: 'The running build (value is always 1).', labelNames: ['version', 'node', 'electron'], registers: [registry] })
    .labels(source.version, process.versions.node, process.versions.electron ?? 'none')
    .set(1);
  new Gauge({ name: 'terminal_outbox_depth', help: 'Platform calls queued or in flight.', registers: [registry], collect() { this.set(source.outboxDepth()); } });
  new Gauge({ name: 'terminal_dead_letters', help: 'Visits the automatic replay gave up on (needs-staff).', registers: [registry], collect() { this.set(source.deadLetters()); } });
  new Gauge({
    name: 'terminal_oldest_offline_capture_age_seconds',
    help: 'Age of the oldest offline capture not yet settled with the platform (0 when none).',
    registers: [registry],
    collect() {
      const at = source.oldestOfflineCaptureAt();
      this.set(at ? Math.max(0, (now().getTime() - at.getTime()) / 1000) : 0);
    },
  });
  new Gauge({ name: 'terminal_platform_up', help: 'Whether the insurance platform answers (1) or not (0).', registers: [registry], collect() { this.set(source.platformOnline() ? 1 : 0); } });
  new Gauge({
    name: 'terminal_his_up',
    help: 'Whether the HIS answers (1) or not (0); absent until the HIS was first asked.',
    registers: [registry],
    collect() {
      this.reset();
      const up = source.hisOnline();
      if (up !== null) this.set(up ? 1 : 0);
    },
  });
  new Gauge({
    name: 'terminal_device_state',
    help: 'Each device\'s state (1 for the state it is in).',
    labelNames: ['device', 'kind', 'state'],
    registers: [registry],
    collect() {
      this.reset();
      for (const d of source.devices()) for (const s of DEVICE_STATES) this.labels(d.id, d.kind, s).set(d.state === s ? 1 : 0);
    },
  });
  new Gauge({
    name: 'terminal_device_errors',
    help: 'Errors a device reported since start.',
    labelNames: ['device', 'kind'],
    registers: [registry],
    collect() {
      this.reset();
      for (const d of source.devices()) this.labels(d.id, d.kind).set(d.errorCount);
    },
  });
  new Gauge({
    name: 'terminal_printer_paper_out',
    help: 'Whether a receipt printer reports an empty roll (1) or not (0).',
    labelNames: ['device'],
    registers: [registry],
    collect() {
      this.reset();
      for (const d of source.devices()) if (d.kind === 'printer') this.labels(d.id).set(d.lastError?.startsWith('paper-out') ? 1 : 0);
    },
  });
  const settlement = new Histogram({
    name: 'terminal_settlement_seconds',
    help: 'From the patient\'s confirm to the answer on screen.',
    labelNames: ['outcome'],
    buckets: [0.25, 0.5, 1, 2, 3, 5, 8, 13, 20, 30, 60],
    registers: [registry],
  });
  const platformCall = new Histogram({
    name: 'terminal_platform_call_seconds',
    help: 'Round trip of one platform call, by transaction number and outcome.',
    labelNames: ['infno', 'outcome'],
    buckets: [0.1, 0.25, 0.5, 1, 2, 5, 10, 30],
    registers: [registry],
  });
  const swallowed = new Counter({ name: 'terminal_logged_errors_total', help: 'Errors caught and logged without stopping the terminal, by where.', labelNames: ['where'], registers: [registry] });

  return {
    registry,
    observeSettlement: (seconds, outcome) => settlement.labels(outcome).observe(seconds),
    observePlatformCall: (infno, seconds, outcome) => platformCall.labels(infno, outcome).observe(seconds),
    countSwallowedError: (where) => swallowed.labels(where).inc(),
    render: () => registry.metrics(),
    contentType: registry.contentType,
  };
}

/** Serves GET /metrics (and nothing else) for Prometheus. */
export async function startMetricsServer(opts: { host: string; port: number; metrics: TerminalMetrics; onError?: (err: Error) => void }): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found\n');
      return;
    }
    opts.metrics.render().then(
      (text) => res.writeHead(200, { 'content-type': opts.metrics.contentType }).end(text),
      (err: Error) => {
        opts.onError?.(err);
        res.writeHead(500, { 'content-type': 'text/plain' }).end('metrics failed\n');
      },
    );
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port, opts.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const host = opts.host.includes(':') ? `[${opts.host}]` : opts.host === '0.0.0.0' ? '127.0.0.1' : opts.host;
  return {
    url: `http://${host}:${port}/metrics`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
