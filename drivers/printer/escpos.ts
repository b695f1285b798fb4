// ESC/POS for receipt printers: an encoder for what the terminal prints (text in GB18030, QR codes,
// cut), the real-time status answers (DLE EOT: paper out, cover open), and a decoder of the printer's
// side of the stream for the simulated printer and for tests that check what was printed.
// Pure: no I/O, no timers; device input becomes typed results, never a throw.
import iconv from 'iconv-lite';

export type PrintItem =
  | { type: 'text'; text: string; align?: 'left' | 'center' | 'right'; bold?: boolean; large?: boolean }
  | { type: 'qr'; data: string; moduleSize?: number }
  | { type: 'feed'; lines: number }
  | { type: 'cut' };

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const DLE = 0x10;
const EOT = 0x04;
const LF = 0x0a;

const ALIGN = { left: 0, center: 1, right: 2 } as const;

export function encodeReceipt(items: PrintItem[]): Uint8Array {
  // ESC @ resets; FS & turns on the double-byte (Chinese) mode that GB18030 text needs.
  const out: number[] = [ESC, 0x40, FS, 0x26];
  for (const item of items) {
    switch (item.type) {
      case 'text': {
        out.push(ESC, 0x61, ALIGN[item.align ?? 'left'], ESC, 0x45, item.bold ? 1 : 0, GS, 0x21, item.large ? 0x11 : 0);
        // A line feed inside the text would be printed as a line without its alignment reset: split.
        for (const line of item.text.split('\n')) out.push(...iconv.encode(line, 'gb18030'), LF);
        break;
      }
      case 'qr': {
        const data = iconv.encode(item.data, 'utf8');
        if (data.length + 3 > 0xffff) throw new RangeError('QR data too long');
        const fn = (...bytes: number[]) => {
          const n = bytes.length;
          out.push(GS, 0x28, 0x6b, n & 0xff, n >> 8, ...bytes);
        };
        out.push(ESC, 0x61, 1);
        fn(0x31, 0x41, 0x32, 0x00); // model 2
        fn(0x31, 0x43, Math.min(16, Math.max(1, item.moduleSize ?? 6))); // module size in dots
        fn(0x31, 0x45, 0x31); // error correction M
        fn(0x31, 0x50, 0x30, ...data); // store
        fn(0x31, 0x51, 0x30); // print
        // ESC d 1 rather than LF: the space under the code is not a blank text line.
        out.push(ESC, 0x64, 1);
        break;
      }
      case 'feed':
        out.push(ESC, 0x64, Math.min(255, Math.max(0, item.lines)));
        break;
      case 'cut':
        // Feed to the cutter, then a partial cut: the slip stays hanging until the patient takes it.
        out.push(GS, 0x56, 0x42, 0x00);
        break;
    }
  }
  return Uint8Array.from(out);
}

/** DLE EOT n: 2 offline causes (cover open), 4 paper roll sensor. */
export const statusRequest = (n: 1 | 2 | 3 | 4) => Uint8Array.of(DLE, EOT, n);

export interface PrinterStatus {
  coverOpen: boolean;
  paperOut: boolean;
  paperNearEnd: boolean;
}

export type StatusByte = { type: 'status'; n: 2 | 4; byte: number } | { type: 'error'; code: 'not-a-status'; detail: string };

/** Every real-time status byte has bits 1 and 4 set and bits 0 and 7 clear. */
export function isStatusByte(byte: number): boolean {
  return (byte & 0x93) === 0x12;
}

/** Folds the answers to DLE EOT 2 and DLE EOT 4 into one status. */
export function parseStatus(offline: number, paper: number): PrinterStatus {
  return {
    coverOpen: (offline & 0x04) !== 0,
    paperOut: (offline & 0x20) !== 0 || (paper & 0x60) !== 0,
    paperNearEnd: (paper & 0x0c) !== 0,
  };
}

/** The printer side: status bytes for a state. */
export function encodeStatus(n: 1 | 2 | 3 | 4, status: PrinterStatus): number {
  let byte = 0x12;
  if (n === 2) byte |= (status.coverOpen ? 0x04 : 0) | (status.paperOut ? 0x20 : 0);
  if (n === 4) byte |= (status.paperOut ? 0x60 : 0) | (status.paperNearEnd ? 0x0c : 0);
  return byte;
}

export type PrinterInput =
  | { type: 'text'; text: string; align: 'left' | 'center' | 'right'; bold: boolean; large: boolean }
  | { type: 'qr'; data: string }
  | { type: 'cut' }
  | { type: 'status-request'; n: 1 | 2 | 3 | 4 }
  | { type: 'error'; code: 'unknown-command' | 'too-long'; detail: string };

/**
 * What a printer makes of the host's bytes: lines of text, QR codes, cuts and status requests.
 * Stateful across pushes because commands may arrive split across writes.
 */
export function createEscPosDecoder(maxPending = 64 * 1024) {
  let buf: number[] = [];
  // Where the next command starts in `buf`: consumed bytes are dropped once a push, not per command,
  // so a long run of text is linear, not quadratic.
  let at = 0;
  let line: number[] = [];
  let align: 'left' | 'center' | 'right' = 'left';
  let bold = false;
  let large = false;
  let qrData: string | null = null;

  // Returns how many bytes the command at buf[0] takes, 0 if it is not complete yet.
  function step(out: PrinterInput[]): number {
    const b0 = buf[at]!;
    const need = (n: number) => (buf.length - at >= n ? n : 0);
    if (b0 === LF) {
      out.push({ type: 'text', text: iconv.decode(Buffer.from(line), 'gb18030'), align, bold, large });
      line = [];
      return 1;
    }
    if (b0 === DLE) {
      if (!need(3)) return 0;
      const n = buf[at + 2]!;
      if (buf[at + 1] === EOT && n >= 1 && n <= 4) out.push({ type: 'status-request', n: n as 1 | 2 | 3 | 4 });
      else out.push({ type: 'error', code: 'unknown-command', detail: 'DLE sequence' });
      return 3;
    }
    if (b0 === ESC) {
      if (!need(2)) return 0;
      const c = buf[at + 1]!;
      if (c === 0x40) {
        // ESC @ also clears the print buffer: a half line left by an earlier, broken job is dropped.
        align = 'left';
        bold = false;
        large = false;
        line = [];
        qrData = null;
        return 2;
      }
      if (!need(3)) return 0;
      const v = buf[at + 2]!;
      if (c === 0x61) align = v === 1 ? 'center' : v === 2 ? 'right' : 'left';
      else if (c === 0x45) bold = (v & 1) === 1;
      else if (c !== 0x64) out.push({ type: 'error', code: 'unknown-command', detail: `ESC 0x${c.toString(16)}` });
      return 3;
    }
    if (b0 === FS) {
      if (!need(2)) return 0;
      return 2;
    }
    if (b0 === GS) {
      if (!need(2)) return 0;
      const c = buf[at + 1]!;
      if (c === 0x21) {
        if (!need(3)) return 0;
        large = buf[at + 2] !== 0;
        return 3;
      }
      if (c === 0x56) {
        if (!need(3)) return 0;
        const m = buf[at + 2]!;
        const size = m === 0x41 || m === 0x42 ? 4 : 3;
        if (!need(size)) return 0;
        out.push({ type: 'cut' });
        return size;
      }
      if (c === 0x28 && buf[at + 2] === 0x6b) {
        if (!need(5)) return 0;
        const n = buf[at + 3]! | (buf[at + 4]! << 8);
        if (!need(5 + n)) return 0;
        const fn = buf.slice(at + 5, at + 5 + n);
        if (fn[0] === 0x31 && fn[1] === 0x50) qrData = iconv.decode(Buffer.from(fn.slice(3)), 'utf8');
        if (fn[0] === 0x31 && fn[1] === 0x51 && qrData !== null) out.push({ type: 'qr', data: qrData });
        return 5 + n;
      }
      if (!need(3)) return 0;
      out.push({ type: 'error', code: 'unknown-command', detail: `GS 0x${c.toString(16)}` });
      return 3;
    }
    line.push(b0);
    if (line.length > 4096) {
      out.push({ type: 'error', code: 'too-long', detail: 'line without LF' });
      line = [];
    }
    return 1;
  }

  return {
    push(chunk: Uint8Array): PrinterInput[] {
      const out: PrinterInput[] = [];
      // A loop, not push(...chunk): spreading a large chunk into arguments overflows the stack.
      for (const byte of chunk) buf.push(byte);
      if (buf.length > maxPending) {
        out.push({ type: 'error', code: 'too-long', detail: `${buf.length} bytes pending` });
        buf = [];
      }
      at = 0;
      while (at < buf.length) {
        const used = step(out);
        if (used === 0) break;
        at += used;
      }
      buf = buf.slice(at);
      at = 0;
      return out;
    },
  };
}
