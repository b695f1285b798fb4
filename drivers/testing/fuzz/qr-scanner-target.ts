// The serial QR scanner codec as a fuzz target: valid frames are printable codes with a CRLF suffix.
import fc from 'fast-check';
import type { FuzzTarget } from './codec-fuzz';
import { createQrScannerCodec, type CodecError, type ScanEvent } from '../../qr-scanner/codec';

const ERRORS = new Set(['frame-too-long', 'invalid-text', 'incomplete-frame']);

export const qrScannerFuzzTarget: FuzzTarget<ScanEvent | CodecError> = {
  name: 'qr-scanner',
  create: () => createQrScannerCodec({ suffix: 'CRLF' }),
  // A valid frame after garbage starts on a fresh line, as a scanner's next code does.
  frames: fc.stringMatching(/^[0-9A-Za-z.]{1,200}$/).map((text) => ({ bytes: new TextEncoder().encode(`\r\n${text}\r\n`), expect: text })),
  typed: (e) => e.type === 'scan' || (e.type === 'error' && ERRORS.has(e.code)),
  matches: (e, expect) => e.type === 'scan' && e.text === expect,
};
