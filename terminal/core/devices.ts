// Opens the configured devices through the drivers' manager and turns their events into terminal
// input. A device that fails never blocks the others or the start: it shows as 'error' in status and
// keeps reconnecting.
import type { DeviceHealth } from '../api/schema';
import type { TerminalConfig } from '../config/config';
import { createDeviceManager, type ManagedScan } from '../../drivers/manager';
import { classifyScan, type ScanKind } from '../../drivers/qr-scanner/codec';
import type { IdCardInfo } from '../../drivers/id-card/codec';
import type { SocialSecurityCard } from '../../drivers/card-reader/codec';
import type { TemplateResolver } from '../../drivers/transport/types';

export interface RunningDevices {
  health(): DeviceHealth[];
  classify(text: string): ScanKind;
  /** Simulated devices set to play when a patient reaches the identify step do so now. */
  identifyStepReached(): void;
  stop(): Promise<void>;
}

export async function startDevices(opts: {
  config: TerminalConfig;
  fixturesDir: string;
  resolveTemplate: TemplateResolver;
  onScan: (scan: ManagedScan) => void;
  /** A card read whole; its data goes nowhere else (not into health, not into logs). */
  onIdCard?: (info: IdCardInfo) => void;
  /** A social security card read whole; same care as an ID card. */
  onSsCard?: (card: SocialSecurityCard) => void;
  onHealth: () => void;
}): Promise<RunningDevices> {
  const manager = createDeviceManager({ devices: opts.config.devices, fixturesDir: opts.fixturesDir, resolveTemplate: opts.resolveTemplate });
  manager.onScan(opts.onScan);
  manager.onIdCard((event) => {
    if (event.type === 'card') opts.onIdCard?.(event.info);
  });
  // Insert/remove and read errors only change health; a patient is identified by a whole read.
  manager.onCard((event) => {
    if (event.type === 'card') opts.onSsCard?.(event.card);
  });
  manager.onHealth(() => opts.onHealth());
  await manager.start();
  return {
    health: () => manager.health(),
    classify: (text) => classifyScan(text),
    identifyStepReached: () => manager.identifyStepReached(),
    stop: () => manager.stop(),
  };
}
