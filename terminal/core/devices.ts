// Opens the configured devices and turns their events into terminal input. A device that fails
// never blocks the others or the start: it shows as 'error' in status and keeps reconnecting.
import { join } from 'node:path';
import type { DeviceHealth } from '../api/schema';
import type { TerminalConfig, QrScannerConfig, IdCardReaderConfig } from '../config/config';
import { createIdCardReader, type IdCardReader } from '../../drivers/id-card/device';
import type { IdCardInfo } from '../../drivers/id-card/codec';
import { samIdleAnswer, samRequestFramer } from '../../drivers/id-card/sim-reader';
import { createConversationTransport } from '../../drivers/transport/conversation';
import { createQrScanner, type QrScannerDevice, type TimedScanEvent } from '../../drivers/qr-scanner/device';
import { classifyScan, type ScanKind } from '../../drivers/qr-scanner/codec';
import { createSerialTransport } from '../../drivers/transport/serial';
import { createReplayTransport, readRecording } from '../../drivers/transport/replay';
import type { TemplateResolver } from '../../drivers/transport/types';

export interface RunningDevices {
  health(): DeviceHealth[];
  classify(text: string): ScanKind;
  /** Simulated devices set to play when a patient reaches the identify step do so now. */
  identifyStepReached(): void;
  stop(): Promise<void>;
}

interface Scanner {
  config: QrScannerConfig;
  device: QrScannerDevice;
}

export async function startDevices(opts: {
  config: TerminalConfig;
  fixturesDir: string;
  resolveTemplate: TemplateResolver;
  onScan: (scan: TimedScanEvent) => void;
  /** A card read whole; its data goes nowhere else (not into health, not into logs). */
  onIdCard?: (info: IdCardInfo) => void;
  onHealth: () => void;
}): Promise<RunningDevices> {
  const scanners: Scanner[] = [];
  const idReaders: IdCardReader[] = [];
  const timers = new Set<NodeJS.Timeout>();
  for (const config of opts.config.devices) {
    if (config.kind === 'id-card') {
      const reader = await openIdCardReader(config, opts.fixturesDir);
      reader.onEvent((event) => {
        if (event.type === 'card') opts.onIdCard?.(event.info);
      });
      reader.onHealth(opts.onHealth);
      idReaders.push(reader);
      continue;
    }
    const transport =
      config.transport.type === 'serial'
        ? createSerialTransport({ path: config.transport.path, baudRate: config.transport.baudRate })
        : createReplayTransport({
            chunks: await readRecording(join(opts.fixturesDir, config.transport.fixture)),
            resolve: opts.resolveTemplate,
            description: `replay:${config.transport.fixture}`,
          });
    const device = createQrScanner({ id: config.id, transport, suffix: config.suffix });
    device.onScan(opts.onScan);
    device.onHealth(opts.onHealth);
    scanners.push({ config, device });
  }
  await Promise.all(
    [
      ...scanners.filter((s) => !(s.config.transport.type === 'replay' && s.config.transport.playOn === 'identify')).map((s) => s.device.start()),
      ...idReaders.map((r) => r.start()),
    ],
  );

  return {
    health: () => [...scanners.map((s) => replayAware(s)), ...idReaders.map((r) => r.health())],
    classify: (text) => classifyScan(text),
    identifyStepReached() {
      for (const s of scanners) {
        const t = s.config.transport;
        if (t.type !== 'replay' || t.playOn !== 'identify') continue;
        // A simulated patient holds a phone up a moment after the screen asks: replay from the top.
        const timer = setTimeout(() => {
          timers.delete(timer);
          void s.device.stop().then(() => s.device.start());
        }, t.delayMs);
        timers.add(timer);
      }
    },
    async stop() {
      for (const t of timers) clearTimeout(t);
      await Promise.all([...scanners.map((s) => s.device.stop()), ...idReaders.map((r) => r.stop())]);
    },
  };
}

async function openIdCardReader(config: IdCardReaderConfig, fixturesDir: string): Promise<IdCardReader> {
  const transport =
    config.transport.type === 'serial'
      ? createSerialTransport({ path: config.transport.path, baudRate: config.transport.baudRate })
      : createConversationTransport({
          chunks: await readRecording(join(fixturesDir, config.transport.fixture)),
          framer: samRequestFramer,
          idle: samIdleAnswer,
          description: `replay:${config.transport.fixture}`,
        });
  return createIdCardReader({ id: config.id, transport, pollMs: config.pollMs });
}

/** A simulated scanner between plays is idle, not broken: report it ready. */
function replayAware(s: Scanner): DeviceHealth {
  const health = s.device.health();
  if (s.config.transport.type === 'replay' && health.state === 'closed') return { ...health, state: 'ready' };
  return health;
}
