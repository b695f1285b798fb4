// A kiosk for end-to-end tests, built from the real parts: the terminal core with its embedded
// platform and HIS simulators, a QR scanner on a socat pty pair read through the serial driver,
// the web host, and a headless Chromium page on it. Tests scan codes the way a patient would.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser } from './browser';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { startWebHost, type WebHost } from '../../terminal/host/web/server';
import type { PlatformSimulator } from '../../terminal/sim/platform/server';
import { createPtyPair, playRecordingToPort, type PtyPair } from '../../drivers/transport/pty';
import { readRecording } from '../../drivers/transport/replay';
import { serveConversationOnPort } from '../../drivers/transport/conversation';
import { samIdleAnswer, samRequestFramer } from '../../drivers/id-card/sim-reader';
import { readerIdleAnswer, readerRequestFramer } from '../../drivers/card-reader/sim-reader';
import { serveSimPrinterOnPort, type SimPrinter } from '../../drivers/printer/sim-printer';

export const repoRoot = resolve(import.meta.dirname, '..', '..');
export const fixturesDir = join(repoRoot, 'fixtures');
export const uiDir = join(repoRoot, 'dist', 'ui');
/** The ceiling of any wait for a screen or element: generous, for a machine shared with other work. */
export const E2E_WAIT_LIMIT_MS = 90_000;
/** The ceiling of the wait for the reader to read a presented card through. */
const CARD_READ_LIMIT_MS = 30_000;

export interface KioskHarness {
  terminal: RunningTerminal;
  platform: PlatformSimulator;
  host: WebHost;
  browser: Browser;
  page: Page;
  /** Errors the page threw; a test should end with none. */
  pageErrors: string[];
  /** A patient's phone shows a fresh 医保码 to the scanner (the fixture's template, minted now). */
  scanFreshCode(personKey: string): Promise<void>;
  /** Any recording from fixtures/devices/, played onto the scanner's serial port. */
  playFixture(relativePath: string, personKey?: string): Promise<void>;
  /** Raw text followed by CRLF, as a scanner sends it. */
  scanText(text: string): Promise<void>;
  /**
   * An ID card on the reader (only with `idCard: true`): a recording from fixtures/devices/id-card/
   * served on its own pty for `holdMs`; `untilMs` plays only the chunks before that time (the first
   * read of a recording that reads twice, so a failed read is seen on its own).
   */
  presentIdCard(fixture: string, opts?: { holdMs?: number; untilMs?: number }): Promise<void>;
  /** A social security card (fixtures/devices/card-reader/) on the reader's serial port; start with ssCard: true. */
  insertSsCard(fixture: string): Promise<void>;
  /** The simulated ESC/POS printer (only with `printer: true`): what it printed. */
  printer: SimPrinter | null;
  close(): Promise<void>;
}

export async function startKioskHarness(
  opts: {
    config?: Record<string, unknown>;
    viewport?: { width: number; height: number };
    idCard?: boolean;
    ssCard?: boolean;
    printer?: boolean;
    /**
     * A camera for QR (source push) and what Chromium's fake camera shows: a Y4M file made once the
     * platform simulator runs (so it can show a code the simulator minted).
     */
    camera?: (platform: PlatformSimulator) => Promise<string>;
    /** The scanner entry's kind as hospital IT might type it ('qr-scaner' rehearses a misspelt one). */
    qrKind?: string;
  } = {},
): Promise<KioskHarness> {
  const cleanups: Array<() => Promise<void>> = [];
  const close = async () => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
  };
  try {
    const pty: PtyPair = await createPtyPair();
    cleanups.push(() => pty.close());
    const idPty = opts.idCard ? await createPtyPair() : null;
    if (idPty) cleanups.push(() => idPty.close());
    // Between cards the reader is there and empty: a SAM answering "no card", so it shows ready.
    let idleReader: { stop(): Promise<void> } | null = null;
    const serveIdleReader = (path: string) => {
      const controller = new AbortController();
      const serving = serveConversationOnPort(path, { chunks: [], framer: samRequestFramer, idle: samIdleAnswer, baudRate: 115200, signal: controller.signal });
      idleReader = {
        stop: async () => {
          controller.abort();
          await serving;
        },
      };
    };
    if (idPty) {
      serveIdleReader(idPty.devicePath);
      cleanups.push(async () => idleReader?.stop());
    }
    // The social security card reader: idle (no card, or the card a recording left in) between cards.
    const ssPty = opts.ssCard ? await createPtyPair() : null;
    if (ssPty) cleanups.push(() => ssPty.close());
    let ssReader: { stop(): Promise<void> } | null = null;
    const serveSsReader = (chunks: Awaited<ReturnType<typeof readRecording>>, onFinished?: () => void) => {
      const controller = new AbortController();
      const serving = serveConversationOnPort(ssPty!.devicePath, { chunks, framer: readerRequestFramer, idle: readerIdleAnswer, baudRate: 115200, signal: controller.signal, onFinished });
      ssReader = {
        stop: async () => {
          controller.abort();
          await serving;
        },
      };
    };
    if (ssPty) {
      serveSsReader([]);
      cleanups.push(async () => ssReader?.stop());
    }
    const printerPty = opts.printer ? await createPtyPair() : null;
    if (printerPty) cleanups.push(() => printerPty.close());
    const printer = printerPty ? await serveSimPrinterOnPort(printerPty.devicePath) : null;
    if (printer) cleanups.push(() => printer.close());
    const config = parseConfig({
      ...opts.config,
      devices: [
        { id: 'qr-1', kind: opts.qrKind ?? 'qr-scanner', suffix: 'CRLF', transport: { type: 'serial', path: pty.hostPath, baudRate: 9600 } },
        ...(idPty ? [{ id: 'id-1', kind: 'id-card', pollMs: 50, transport: { type: 'serial', path: idPty.hostPath } }] : []),
        ...(ssPty ? [{ id: 'ss-1', kind: 'card-reader', pollMs: 50, transport: { type: 'serial', path: ssPty.hostPath } }] : []),
        ...(printerPty ? [{ id: 'prn-1', kind: 'printer', pollMs: 200, transport: { type: 'serial', path: printerPty.hostPath } }] : []),
        ...(opts.camera ? [{ id: 'cam-1', kind: 'camera', source: { type: 'push' } }] : []),
      ],
    });
    const terminal = await startTerminal({ config, dataDir: mkdtempSync(join(tmpdir(), 'kiosk-e2e-')), fixturesDir });
    cleanups.push(() => terminal.close());
    const platform = terminal.simulators.platform;
    if (!platform) throw new Error('the e2e kiosk runs the embedded platform simulator');
    const host = await startWebHost({ api: terminal.api, uiDir });
    cleanups.push(() => host.close());
    const cameraFile = opts.camera ? await opts.camera(platform) : null;
    const browser = await launchBrowser(
      cameraFile ? ['--use-fake-device-for-media-stream', '--use-fake-ui-for-media-stream', `--use-file-for-fake-video-capture=${cameraFile}`] : [],
    );
    cleanups.push(() => browser.close());
    const page = await browser.newPage({ viewport: opts.viewport ?? { width: 1080, height: 1500 } });
    // Playwright's 30 s default is what a loaded machine ran into; waits are for screens (readiness),
    // so a longer ceiling costs nothing when the screen comes and only turns a slow pass into a pass.
    page.setDefaultTimeout(E2E_WAIT_LIMIT_MS);
    const pageErrors: string[] = [];
    page.on('pageerror', (e) => pageErrors.push(e.message));

    const playFixture = async (relativePath: string, personKey?: string) => {
      const recording = await readRecording(join(fixturesDir, 'devices', relativePath));
      await playRecordingToPort(pty.devicePath, recording, {
        speed: Infinity,
        resolve: async (template, arg) => {
          if (template !== 'ec-qr') throw new Error(`no resolver for template ${template}`);
          return platform.mintEcQr(personKey ?? arg);
        },
      });
    };
    return {
      terminal,
      platform,
      host,
      browser,
      page,
      pageErrors,
      scanFreshCode: (personKey) => playFixture('qr-scanner/fresh-ec-qr.jsonl', personKey),
      playFixture,
      scanText: (text) => playRecordingToPort(pty.devicePath, [{ t_ms: 0, dir: 'in', hex: Buffer.from(`${text}\r\n`).toString('hex') }], { speed: Infinity }),
      async presentIdCard(fixture, present = {}) {
        if (!idPty) throw new Error('start the harness with idCard: true');
        const all = await readRecording(join(fixturesDir, 'devices', 'id-card', fixture));
        const chunks = present.untilMs === undefined ? all : all.filter((c) => c.t_ms < (present.untilMs as number));
        await idleReader?.stop();
        const controller = new AbortController();
        // Readiness, not a guess: the card stays until the reader has read every chunk of the
        // recording (or the part before untilMs), and at least holdMs; on a busy machine the read
        // can take longer than any fixed hold, so the wait for it is bounded only generously.
        let finished!: () => void;
        const readThrough = new Promise<void>((r) => (finished = r));
        const serving = serveConversationOnPort(idPty.devicePath, { chunks, framer: samRequestFramer, idle: samIdleAnswer, baudRate: 115200, signal: controller.signal, onFinished: () => finished() });
        await Promise.all([
          new Promise((r) => setTimeout(r, present.holdMs ?? 1_500)),
          Promise.race([readThrough, new Promise((r) => setTimeout(r, CARD_READ_LIMIT_MS))]),
        ]);
        controller.abort();
        await serving;
        serveIdleReader(idPty.devicePath);
      },
      async insertSsCard(fixture) {
        if (!ssPty) throw new Error('start the harness with ssCard: true');
        const chunks = await readRecording(join(fixturesDir, 'devices', 'card-reader', fixture));
        await ssReader?.stop();
        // The reader goes on answering as the recording left it (a card left in stays in); the call
        // returns once the driver has read the whole recording, bounded generously for a busy machine.
        let finished!: () => void;
        const readThrough = new Promise<void>((r) => (finished = r));
        serveSsReader(chunks, () => finished());
        await Promise.race([readThrough, new Promise((r) => setTimeout(r, CARD_READ_LIMIT_MS))]);
      },
      printer,
      close,
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** Integer fen to the UI's "¥1,234.56", computed independently of the UI's own helper. */
export function yuan(fen: number): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const whole = String(Math.floor(abs / 100)).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  return `${sign}¥${whole}.${String(abs % 100).padStart(2, '0')}`;
}
