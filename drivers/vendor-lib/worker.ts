// The vendor library's own process: loads the DLL with koffi and makes one call at a time. It is a
// child process (Node's fork, or Electron's utilityProcess in the kiosk app), not a worker thread, because a vendor library that crashes (an access violation in
// its reader code) takes its whole process down: here that is this process, and the terminal
// reports the device and starts a fresh one. A call that never returns blocks only this process;
// the terminal's timeout kills it. Holds nothing but the library: no patient data stays here.
import koffi from 'koffi';
import type { CallArgs, FromWorker, ToWorker, WorkerSetup } from './protocol';
import { CARD_OUT_BYTES, CARD_SIGN_BYTES, EC_OUT_BYTES, prototypeOf } from './interfaces';

type Fn = (...args: unknown[]) => unknown;
let entry: Fn | null = null;

/** Electron's utilityProcess talks through process.parentPort (MessageEvents); a forked Node child through process.send. */
interface ParentPort {
  postMessage(message: unknown): void;
  on(event: 'message', listener: (event: { data: unknown }) => void): void;
}
const parentPort = (process as NodeJS.Process & { parentPort?: ParentPort }).parentPort;

const send = (message: FromWorker) => (parentPort ? parentPort.postMessage(message) : process.send?.(message));

function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > 200 ? `${text.slice(0, 200)}...` : text;
}

/** A fresh, zeroed buffer, so text the library leaves unterminated is still bounded by its length. */
function withNul(bytes: Uint8Array): Buffer {
  const b = Buffer.alloc(Math.max(bytes.length + 1, 1024));
  b.set(bytes);
  return b;
}

function setup(s: WorkerSetup): void {
  try {
    const lib = koffi.load(s.library);
    if (s.init) {
      const init = lib.func(`long __stdcall ${s.init.symbol}(void *a, void *b)`) as Fn;
      const rc = Number(init(withNul(s.init.args[0]), withNul(s.init.args[1])));
      if (rc !== 0) {
        send({ type: 'load-failed', detail: `${s.init.symbol} returned ${rc}` });
        return;
      }
    }
    entry = lib.func(prototypeOf(s.iface, s.symbol)) as Fn;
    send({ type: 'ready' });
  } catch (error) {
    send({ type: 'load-failed', detail: describe(error) });
  }
}

function call(id: number, args: CallArgs): void {
  if (!entry) {
    send({ type: 'call-failed', id, detail: 'library not loaded' });
    return;
  }
  try {
    let rc: unknown;
    let out: Buffer;
    switch (args.iface) {
      case 'read-card-bas': {
        out = Buffer.alloc(CARD_OUT_BYTES);
        const sign = Buffer.alloc(CARD_SIGN_BYTES);
        rc = entry(out, out.length, sign, sign.length);
        break;
      }
      case 'ec-query':
        out = Buffer.alloc(EC_OUT_BYTES);
        rc = entry(withNul(args.inData), out);
        break;
      case 'ec-trans':
        out = Buffer.alloc(EC_OUT_BYTES);
        rc = entry(withNul(args.url), withNul(args.inData), out);
        break;
    }
    send({ type: 'result', id, rc: Number(rc), out: new Uint8Array(out) });
  } catch (error) {
    send({ type: 'call-failed', id, detail: describe(error) });
  }
}

function receive(message: ToWorker): void {
  if (message.type === 'setup') setup(message.setup);
  else if (message.type === 'call') call(message.id, message.args);
}

if (parentPort) {
  // Electron ends a utility process with the app that started it.
  parentPort.on('message', (event) => receive(event.data as ToWorker));
} else {
  process.on('message', (message: ToWorker) => receive(message));
  // The terminal gone (closed, crashed) means this process has no one to answer: leave too.
  process.on('disconnect', () => process.exit(0));
}
