// Opens the configured devices through the drivers' manager and turns their events into terminal
// input. A device that fails never blocks the others or the start: it shows as 'error' in status and
// keeps reconnecting.
import type { DeviceHealth, Receipt, RefundSlip, SessionView } from '../api/schema';
import { receiptItems, refundSlipItems } from './receipt-print';
import type { TerminalConfig } from '../config/config';
import { createDeviceManager, type ManagedScan } from '../../drivers/manager';
import { classifierWith, type ScanKind } from '../../drivers/qr-scanner/codec';
import type { IdCardInfo } from '../../drivers/id-card/codec';
import type { SocialSecurityCard } from '../../drivers/card-reader/codec';
import type { EcVoucher } from '../../drivers/vendor-lib/interfaces';
import type { TemplateResolver } from '../../drivers/transport/types';
import type { CameraFrame } from '../../drivers/camera/frame';
import type { StartWorker } from '../../drivers/vendor-lib/host';

/** How a host starts a vendor library's process (the Electron host: utilityProcess). */
export type { StartWorker as StartVendorWorker, WorkerProcess as VendorWorkerProcess } from '../../drivers/vendor-lib/host';
export { goneSignal as vendorWorkerGoneSignal } from '../../drivers/vendor-lib/host';

export interface RunningDevices {
  health(): DeviceHealth[];
  classify(text: string): ScanKind;
  /** Simulated devices set to play when a patient reaches the identify step do so now. */
  identifyStepReached(): void;
  /**
   * A frame of the kiosk window's camera on the identify step, to the QR decoding of every camera
   * configured with source `push`; false when there is none (the frame is dropped).
   */
  cameraFrame(frame: CameraFrame): boolean;
  /** Every session change: a receipt step prints its slip once, in the background. */
  sessionChanged(session: SessionView): void;
  /** Prints one receipt now (a reprint asked for from 查询); resolves when the printer took it or refused. */
  printReceipt(receipt: Receipt): Promise<{ ok: true } | { ok: false; reason: string }>;
  /** Prints a refund slip (staff refunded a visit); resolves when the printer took it or refused. */
  printRefundSlip(slip: RefundSlip): Promise<{ ok: true } | { ok: false; reason: string }>;
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
  /** A card read that failed (pulled out mid-read, bad data, no answer): the patient can try again. */
  onCardError?: (reason: 'card-removed' | 'bad-data' | 'timeout') => void;
  /**
   * An e-voucher already decoded by a certified vendor library (a 医保码 scan or a face capture):
   * the ecToken is the credential (mdtrt_cert_type 01) as the platform's decode would give it; same
   * care as a card. A card read through a vendor library arrives as onSsCard.
   */
  onEcVoucher?: (voucher: EcVoucher) => void;
  /** The vendor library refused (code expired or used: its message), answered garbage or did not answer. */
  onEcError?: (reason: 'refused' | 'bad-data' | 'timeout', detail: string) => void;
  onHealth: () => void;
  /** How vendor libraries' processes are started; child_process.fork when not given (system Node). */
  startVendorWorker?: StartWorker;
  /** A device entry the manager could not use, said once at start (the log; stderr when absent). */
  onConfigError?: (deviceId: string, error: string) => void;
  /** A receipt's slip: sent to the printer, then out or not (the receipt screen says which). */
  onReceiptPrint?: (settlementId: string, state: 'printing' | 'printed' | 'failed') => void;
  /** Every camera frame (a fixture camera or a pushed one): the face step's input. */
  onCameraFrame?: (frame: CameraFrame) => void;
}): Promise<RunningDevices> {
  const patterns = opts.config.scanPatterns;
  // One classifier for every path a code can come in by (scanner, camera, typed or keyboard-wedge
  // text), so a site's vendor 医保码 is recognised the same wherever it is shown.
  const classify = classifierWith({
    ecQr: patterns.ecQr.map((p) => new RegExp(p)),
    payCode: patterns.payCode.map((p) => new RegExp(p)),
    hospitalBarcode: patterns.hospitalBarcode?.map((p) => new RegExp(p)),
  });
  const manager = await createDeviceManager({ devices: opts.config.devices, fixturesDir: opts.fixturesDir, resolveTemplate: opts.resolveTemplate, classify, startVendorWorker: opts.startVendorWorker });
  manager.onScan(opts.onScan);
  if (opts.onCameraFrame) manager.onFrame(opts.onCameraFrame);
  manager.onIdCard((event) => {
    if (event.type === 'card') opts.onIdCard?.(event.info);
    if (event.type === 'read-error') opts.onCardError?.(event.code);
  });
  // A patient is identified by a whole read; insert/remove show on the identify screen, a failed
  // read tells the patient what to do.
  const cardsIn = new Set<string>();
  manager.onCard((event) => {
    if (event.type === 'card') opts.onSsCard?.(event.card);
    if (event.type === 'read-error') opts.onCardError?.(event.code);
    if (event.type === 'card-inserted' || event.type === 'card-removed') {
      if (event.type === 'card-inserted') cardsIn.add(event.deviceId);
      else cardsIn.delete(event.deviceId);
      opts.onHealth();
    }
  });
  manager.onEcVoucher((event) => {
    if (event.type === 'ec-voucher') opts.onEcVoucher?.(event.voucher);
    else opts.onEcError?.(event.code, event.detail);
  });
  manager.onHealth(() => opts.onHealth());
  await manager.start();
  // A config entry the manager could not use is said at start, where whoever edited the file looks,
  // not only on the staff screen; the id and the field, nothing read from a device.
  for (const h of manager.health()) {
    if (h.state !== 'error' || !h.lastError?.startsWith('config:')) continue;
    if (opts.onConfigError) opts.onConfigError(h.id, h.lastError);
    else console.error(`device ${h.id}: ${h.lastError}`);
  }
  // The receipt step publishes several revisions of one visit; only the last visit printed matters.
  let lastPrinted: string | null = null;
  const hasPrinter = opts.config.devices.some((d) => (d as { kind?: unknown }).kind === 'printer');
  return {
    health: () => manager.health().map((h) => (h.kind === 'card-reader' ? { ...h, cardPresent: cardsIn.has(h.id) } : h)),
    classify,
    identifyStepReached: () => manager.identifyStepReached(),
    cameraFrame: (frame) => manager.pushHostFrame(frame) > 0,
    sessionChanged(session) {
      const receipt = session.receipt;
      if (!hasPrinter || session.step !== 'receipt' || !receipt || lastPrinted === receipt.settlementId) return;
      lastPrinted = receipt.settlementId;
      const settlementId = receipt.settlementId;
      opts.onReceiptPrint?.(settlementId, 'printing');
      // Not awaited: the receipt screen never waits for paper. A slip that did not come out shows
      // in the printer's health and on the receipt screen; the line here says why without saying whose.
      void manager.print(receiptItems(receipt, { hospitalName: opts.config.terminal.institutionName })).then(
        (result) => {
          if (!result.ok) console.error(`receipt not printed: ${result.reason}`);
          opts.onReceiptPrint?.(settlementId, result.ok ? 'printed' : 'failed');
        },
        (error: unknown) => {
          console.error(`receipt not printed: ${error instanceof Error ? error.message : String(error)}`);
          opts.onReceiptPrint?.(settlementId, 'failed');
        },
      );
    },
    async printReceipt(receipt) {
      if (!hasPrinter) return { ok: false, reason: 'no printer configured' };
      try {
        const result = await manager.print(receiptItems(receipt, { hospitalName: opts.config.terminal.institutionName }));
        return result.ok ? { ok: true } : { ok: false, reason: result.reason };
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
      }
    },
    async printRefundSlip(slip) {
      if (!hasPrinter) return { ok: false, reason: 'no printer configured' };
      try {
        const result = await manager.print(refundSlipItems(slip, { hospitalName: opts.config.terminal.institutionName }));
        return result.ok ? { ok: true } : { ok: false, reason: result.reason };
      } catch (error) {
        return { ok: false, reason: error instanceof Error ? error.message : String(error) };
      }
    },
    stop: () => manager.stop(),
  };
}
