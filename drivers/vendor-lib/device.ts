// A device behind a certified vendor library (a DLL): a social security card reader through its
// ReadCardBas, or the e-voucher (医保码 scan, or 刷脸 on a certified face terminal) through EcQuery /
// NationEcTrans. It polls the library in its own process (host.ts) and speaks as the other devices
// do: a card reader's card-inserted / card / card-removed / read-error events, or an e-voucher's
// token and person, with the same health (ready, error with a reason, recovered on the next call).
import type { DeviceHealth } from '../../terminal/common/vocabulary';
import type { SocialSecurityCard } from '../card-reader/codec';
import type { CardReaderEvent } from '../card-reader/device';
import { createListeners } from '../transport/listeners';
import { backoffDelay, type BackoffOptions } from '../transport/backoff';
import { createHealthBook, describeError } from '../device/lifecycle';
import { createLibraryHost, VendorCallError, type LibraryHost, type StartWorker } from './host';
import type { CallArgs } from './protocol';
import { vendorHealthKind } from './interface-names';
import { defaultSymbol, ecInData, encodeText, parseEcQuery, parseReadCardBas, type EcRequest, type EcVoucher, type VendorEncoding, type VendorInterface } from './interfaces';

export type EcVoucherEvent =
  | { type: 'ec-voucher'; voucher: EcVoucher; at: string }
  /** refused: the platform or library said no (expired, used: `detail` is its message); bad-data: it answered garbage; timeout: no answer, or the library crashed. */
  | { type: 'ec-error'; code: 'refused' | 'bad-data' | 'timeout'; detail: string; at: string };
export type VendorLibEvent = CardReaderEvent | EcVoucherEvent;

export interface VendorLibDevice {
  readonly id: string;
  /** Loads the library; resolves after the first try, whether it worked or not (retried behind it). */
  start(): Promise<void>;
  stop(): Promise<void>;
  onEvent(listener: (event: VendorLibEvent) => void): () => void;
  health(): DeviceHealth;
  onHealth(listener: (health: DeviceHealth) => void): () => void;
  /** A patient reached the identify step: devices that poll on identify start their window. */
  identifyStepReached(): void;
}

export interface VendorLibOptions {
  id: string;
  library: string;
  interface: VendorInterface;
  /** The exported function; the interface's usual name when not given. */
  symbol?: string;
  /** How long one call may take before the library's process is killed and the device reported. */
  timeoutMs: number;
  openTimeoutMs?: number;
  /** Pause between calls while polling. */
  pollMs?: number;
  /** always: poll from start (a card reader, like the serial one); identify: only for `windowMs` after each identify step (a library that waits for a scan or a face). */
  pollOn?: 'always' | 'identify';
  windowMs?: number;
  encoding?: VendorEncoding;
  /** ec-query / ec-trans: what the call asks for. */
  request?: EcRequest;
  /** ec-trans: the e-voucher service's address the library calls. */
  url?: string;
  /** Called once per process after loading: long Init(char*, char*). */
  init?: { symbol?: string; args: [string, string] };
  reconnect?: BackoffOptions;
  now?: () => Date;
  workerPath?: string;
  /** How the library's process is started (Electron: utilityProcess); child_process.fork when not given. */
  startWorker?: StartWorker;
}

export { vendorHealthKind };

export function createVendorLibDevice(opts: VendorLibOptions): VendorLibDevice {
  const now = opts.now ?? (() => new Date());
  const iface = opts.interface;
  const encoding = opts.encoding ?? 'gbk';
  const pollMs = opts.pollMs ?? 1000;
  const pollOn = opts.pollOn ?? (iface === 'read-card-bas' ? 'always' : 'identify');
  const windowMs = opts.windowMs ?? 60_000;
  const events = createListeners<VendorLibEvent>();
  const nul = (text: string) => new Uint8Array(Buffer.concat([encodeText(text, encoding), Buffer.of(0)]));

  const host: LibraryHost = createLibraryHost({
    openTimeoutMs: opts.openTimeoutMs,
    workerPath: opts.workerPath,
    startWorker: opts.startWorker,
    setup: {
      library: opts.library,
      iface,
      symbol: opts.symbol ?? defaultSymbol(iface),
      init: opts.init ? { symbol: opts.init.symbol ?? 'Init', args: [nul(opts.init.args[0]), nul(opts.init.args[1])] } : undefined,
    },
  });
  const args: CallArgs =
    iface === 'read-card-bas'
      ? { iface }
      : iface === 'ec-query'
        ? { iface, inData: nul(ecInData(requireRequest())) }
        : { iface, url: nul(opts.url ?? ''), inData: nul(ecInData(requireRequest())) };

  function requireRequest(): EcRequest {
    if (!opts.request) throw new Error(`vendor-lib ${opts.id}: interface ${iface} needs a request`);
    return opts.request;
  }

  const book = createHealthBook(opts.id, vendorHealthKind(iface));
  // Errors name what went wrong and where, never what the card or code said.
  const { setState, recordError } = book;
  let running = false;
  let attempt = 0;
  let timer: NodeJS.Timeout | null = null;
  let windowEnd = 0;
  let polling = false;
  /** What the last call found, so a card left on the reader or a steady fault is told once. */
  let last: { kind: 'none' } | { kind: 'card'; card: SocialSecurityCard } | { kind: 'fault'; what: string } = { kind: 'none' };

  const stamp = () => now().toISOString();

  function schedule(ms: number): void {
    if (!running || timer) return;
    timer = setTimeout(() => {
      timer = null;
      void tick();
    }, ms);
  }

  async function tick(): Promise<void> {
    if (!running) return;
    if (book.state() !== 'ready') {
      // Not loaded yet (missing DLL, failed Init): try again with backoff.
      try {
        if (book.state() !== 'error') setState('connecting');
        await host.open();
        if (!running) return;
        attempt = 0;
        setState('ready');
      } catch (error) {
        if (!running) return;
        recordError(`open failed: ${describeError(error)}`, 'error');
        schedule(backoffDelay(attempt++, opts.reconnect));
        return;
      }
    }
    if (pollOn === 'identify' && now().getTime() >= windowEnd) return;
    await pollOnce();
    schedule(pollMs);
  }

  async function pollOnce(): Promise<void> {
    if (polling) return;
    polling = true;
    try {
      let answer: { rc: number; out: Uint8Array };
      try {
        answer = await host.call(args, opts.timeoutMs);
      } catch (error) {
        if (!running) return;
        const code = error instanceof VendorCallError ? error.code : 'failed';
        // The process is gone or stuck: the device is in error until a call works again.
        const state = code === 'timeout' || code === 'crashed' || code === 'load-failed' ? 'error' : undefined;
        recordError(`${code}: ${describeError(error)}`, state);
        fault(code === 'failed' ? 'bad-data' : 'timeout', describeError(error));
        return;
      }
      if (!running) return;
      book.dataAt(now());
      setState('ready');
      if (iface === 'read-card-bas') onCard(answer.rc, answer.out);
      else onEc(answer.rc, answer.out);
    } finally {
      polling = false;
    }
  }

  /** A failed call: told once while it keeps failing the same way. */
  function fault(code: 'bad-data' | 'timeout', detail: string): void {
    if (last.kind === 'fault' && last.what === code) return;
    const wasCard = last.kind === 'card';
    last = { kind: 'fault', what: code };
    if (iface === 'read-card-bas') {
      if (wasCard) events.emit({ type: 'card-removed', at: stamp() });
      events.emit({ type: 'read-error', code, detail, at: stamp() });
    } else events.emit({ type: 'ec-error', code, detail, at: stamp() });
  }

  function onCard(rc: number, out: Uint8Array): void {
    const result = parseReadCardBas(rc, out);
    if (result.type === 'refused') {
      // No card (or a card the reader could not read): the reader is fine; a card that was there left.
      if (last.kind === 'card') events.emit({ type: 'card-removed', at: stamp() });
      last = { kind: 'none' };
      return;
    }
    if (result.type === 'error') {
      recordError(`${result.code}: ${result.detail}`);
      fault('bad-data', result.detail);
      return;
    }
    if (last.kind === 'card' && sameCard(last.card, result.card)) return;
    if (last.kind !== 'card') events.emit({ type: 'card-inserted', at: stamp() });
    last = { kind: 'card', card: result.card };
    events.emit({ type: 'card', card: result.card, at: stamp() });
  }

  function onEc(rc: number, out: Uint8Array): void {
    const result = parseEcQuery(rc, out, encoding);
    if (result.type === 'ec-voucher') {
      last = { kind: 'none' };
      // One patient, one code: the identify window closes once a token is in.
      windowEnd = 0;
      events.emit({ type: 'ec-voucher', voucher: result.voucher, at: stamp() });
      return;
    }
    if (result.type === 'refused') {
      last = { kind: 'none' };
      events.emit({ type: 'ec-error', code: 'refused', detail: result.detail, at: stamp() });
      return;
    }
    recordError(`${result.code}: ${result.detail}`);
    fault('bad-data', result.detail);
  }

  return {
    id: opts.id,
    async start() {
      if (running) return;
      running = true;
      last = { kind: 'none' };
      await tick();
    },
    async stop() {
      if (!running) return;
      running = false;
      if (timer) clearTimeout(timer);
      timer = null;
      windowEnd = 0;
      await host.close();
      setState('closed');
    },
    onEvent: events.add,
    health: book.health,
    onHealth: book.onHealth,
    identifyStepReached() {
      if (!running || pollOn !== 'identify') return;
      windowEnd = now().getTime() + windowMs;
      if (!timer && !polling) schedule(0);
    },
  };
}

function sameCard(a: SocialSecurityCard, b: SocialSecurityCard): boolean {
  return a.cardNumber === b.cardNumber && a.cardSerial === b.cardSerial && a.idNumber === b.idNumber;
}
