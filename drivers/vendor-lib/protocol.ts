// What the terminal and the vendor-library worker process say to each other over the fork's IPC
// channel ('advanced' serialization, so byte buffers travel as they are).
import type { VendorInterface } from './interfaces';

export interface WorkerSetup {
  library: string;
  iface: VendorInterface;
  symbol: string;
  /** Called once after loading, before any call: long Init(char*, char*) (SSCard-style Init(pUrl, pUser), or Init(pInitInfo, pErrMsg)). */
  init?: { symbol: string; args: [Uint8Array, Uint8Array] };
}

/** NUL-terminated strings in the library's encoding, made by the terminal. */
export type CallArgs = { iface: 'read-card-bas' } | { iface: 'ec-query'; inData: Uint8Array } | { iface: 'ec-trans'; url: Uint8Array; inData: Uint8Array };

export type ToWorker = { type: 'setup'; setup: WorkerSetup } | { type: 'call'; id: number; args: CallArgs };

export type FromWorker =
  | { type: 'ready' }
  | { type: 'load-failed'; detail: string }
  | { type: 'result'; id: number; rc: number; out: Uint8Array }
  | { type: 'call-failed'; id: number; detail: string };
