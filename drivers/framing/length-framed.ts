// Finds frames of the shape preamble | length | body | checksum | trailer in a byte stream: the
// shape of the ID card SAM's and of most card readers' serial protocols. Pure and bounded, so it can
// be fuzzed; it resynchronises after noise, bad checksums and frames cut short (a later complete
// frame wins over a cut one that would otherwise swallow it while waiting for bytes never sent).

export interface FrameSpec {
  /** Names the protocol in error details. */
  name: string;
  preamble: Uint8Array;
  /** What the 2-byte big-endian length counts after itself. */
  lengthCounts: 'body+checksum' | 'body';
  trailer?: Uint8Array;
  /** Over the length field and the body. */
  checksum(bytes: Uint8Array): number;
  minBodyLength: number;
  maxBodyLength: number;
}

export type FrameEvent =
  | { type: 'frame'; body: Uint8Array }
  | { type: 'error'; code: 'bad-checksum' | 'bad-length' | 'bad-trailer' | 'noise' | 'truncated-frame'; detail: string };

export interface FrameParser {
  push(chunk: Uint8Array): FrameEvent[];
  /** Drops what is buffered (after a reconnect or an inter-byte timeout). */
  reset(): void;
  pendingBytes(): number;
}

export function xorChecksum(bytes: Uint8Array): number {
  let x = 0;
  for (const b of bytes) x ^= b;
  return x;
}

function frameOverhead(spec: FrameSpec): number {
  return spec.preamble.length + 2 + 1 + (spec.trailer?.length ?? 0);
}

export function encodeFrame(spec: FrameSpec, body: Uint8Array): Uint8Array {
  if (body.length > spec.maxBodyLength) throw new RangeError(`${spec.name}: body of ${body.length} bytes exceeds ${spec.maxBodyLength}`);
  const length = spec.lengthCounts === 'body+checksum' ? body.length + 1 : body.length;
  const out = new Uint8Array(frameOverhead(spec) + body.length);
  out.set(spec.preamble, 0);
  let at = spec.preamble.length;
  out[at] = length >> 8;
  out[at + 1] = length & 0xff;
  out.set(body, at + 2);
  at += 2 + body.length;
  out[at] = spec.checksum(out.subarray(spec.preamble.length, at));
  if (spec.trailer) out.set(spec.trailer, at + 1);
  return out;
}

type Attempt =
  | { kind: 'frame'; size: number; body: Uint8Array }
  | { kind: 'incomplete' }
  | { kind: 'bad'; code: 'bad-checksum' | 'bad-length' | 'bad-trailer'; detail: string };

export function createFrameParser(spec: FrameSpec): FrameParser {
  const pre = spec.preamble;
  const trailer = spec.trailer ?? new Uint8Array(0);
  const maxFrame = frameOverhead(spec) + spec.maxBodyLength;
  // Room for one whole frame plus the start of the next; anything older is noise by then.
  const capacity = maxFrame * 2;
  let buf = new Uint8Array(Math.min(capacity, 512));
  let len = 0;
  let skippingBad = false;
  let ghost = 0;

  function append(chunk: Uint8Array): number {
    let dropped = 0;
    if (len + chunk.length > capacity) {
      // Keep the newest bytes: a frame can only start in the last maxFrame of them.
      const keep = Math.min(capacity, len + chunk.length);
      const merged = new Uint8Array(len + chunk.length);
      merged.set(buf.subarray(0, len));
      merged.set(chunk, len);
      dropped = merged.length - keep;
      buf = new Uint8Array(capacity);
      buf.set(merged.subarray(dropped));
      len = keep;
      return dropped;
    }
    if (len + chunk.length > buf.length) {
      const grown = new Uint8Array(Math.min(capacity, Math.max(buf.length * 2, len + chunk.length)));
      grown.set(buf.subarray(0, len));
      buf = grown;
    }
    buf.set(chunk, len);
    len += chunk.length;
    return dropped;
  }

  function preambleAt(i: number): boolean {
    if (i + pre.length > len) return false;
    for (let k = 0; k < pre.length; k++) if (buf[i + k] !== pre[k]) return false;
    return true;
  }

  /** Where a preamble (or a preamble's first bytes at the buffer's end) starts, from `from`. */
  function findPreamble(from: number): number {
    for (let i = from; i < len; i++) {
      let k = 0;
      while (k < pre.length && i + k < len && buf[i + k] === pre[k]) k++;
      if (k === pre.length || i + k === len) return i;
    }
    return len;
  }

  function attempt(i: number): Attempt {
    const lenAt = i + pre.length;
    if (lenAt + 2 > len) return { kind: 'incomplete' };
    const declared = (buf[lenAt]! << 8) | buf[lenAt + 1]!;
    const bodyLength = spec.lengthCounts === 'body+checksum' ? declared - 1 : declared;
    if (bodyLength < spec.minBodyLength || bodyLength > spec.maxBodyLength) {
      return { kind: 'bad', code: 'bad-length', detail: `${spec.name}: declared length ${declared} out of range` };
    }
    const size = pre.length + 2 + bodyLength + 1 + trailer.length;
    if (i + size > len) return { kind: 'incomplete' };
    const sumAt = lenAt + 2 + bodyLength;
    if (spec.checksum(buf.subarray(lenAt, sumAt)) !== buf[sumAt]) {
      return { kind: 'bad', code: 'bad-checksum', detail: `${spec.name}: checksum mismatch on a ${size}-byte frame` };
    }
    for (let k = 0; k < trailer.length; k++) {
      if (buf[sumAt + 1 + k] !== trailer[k]) return { kind: 'bad', code: 'bad-trailer', detail: `${spec.name}: missing end byte` };
    }
    return { kind: 'frame', size, body: buf.slice(lenAt + 2, sumAt) };
  }

  /** A later complete valid frame while the one at `start` still waits: the one at `start` was cut. */
  function laterFrame(start: number): number | null {
    for (let j = findPreamble(start + 1); j < len; j = findPreamble(j + 1)) {
      if (!preambleAt(j)) return null;
      if (attempt(j).kind === 'frame') return j;
    }
    return null;
  }

  function consume(n: number): void {
    buf.copyWithin(0, n, len);
    len -= n;
  }

  return {
    push(chunk) {
      const out: FrameEvent[] = [];
      let noise = append(chunk);
      for (;;) {
        if (ghost > 0) {
          let at = -1;
          for (let j = 0; j < ghost && at < 0; j++) if (preambleAt(j)) at = j;
          if (at < 0 && len < ghost + pre.length - 1) break;
          consume(at < 0 ? ghost : at);
          ghost = 0;
        }
        const start = findPreamble(0);
        // The rest of a frame already reported as bad is not noise a second time.
        if (!skippingBad) noise += start;
        if (start > 0) consume(start);
        if (len === 0 || !preambleAt(0)) break;
        const result = attempt(0);
        if (result.kind === 'frame') {
          // A frame inside a frame that checks out means the outer one was cut and borrowed the next
          // one's bytes, its check matching by chance (1 in 256 for a bare 8-bit sum): a device reset
          // mid-answer is likelier than a valid frame hidden in real data, so the inner frame wins.
          // A long preamble is evidence enough even before the inner frame is complete.
          const enough = (a: Attempt) => a.kind === 'frame' || (pre.length >= 4 && a.kind === 'incomplete');
          let inner = -1;
          for (let j = 1; j < result.size && inner < 0; j++) if (preambleAt(j) && enough(attempt(j))) inner = j;
          if (inner > 0) {
            out.push({ type: 'error', code: 'truncated-frame', detail: `${spec.name}: frame cut after ${inner} bytes` });
            consume(inner);
            continue;
          }
        }
        if (result.kind === 'frame') {
          // A frame with a byte lost can borrow the next frame's first bytes and still check out (a
          // XOR sum moves with the lost byte). Its last bytes stay as ghosts: reused only if a whole
          // preamble starts among them, dropped silently otherwise.
          ghost = Math.min(pre.length - 1, result.size);
          consume(result.size - ghost);
          if (noise > 0) out.push({ type: 'error', code: 'noise', detail: `${spec.name}: ${noise} bytes outside frames` });
          noise = 0;
          skippingBad = false;
          out.push({ type: 'frame', body: result.body });
          continue;
        }
        if (result.kind === 'bad') {
          if (noise > 0) out.push({ type: 'error', code: 'noise', detail: `${spec.name}: ${noise} bytes outside frames` });
          noise = 0;
          out.push({ type: 'error', code: result.code, detail: result.detail });
          skippingBad = true;
          // Skip this preamble only: the next frame may start inside what the bad length claimed.
          consume(1);
          continue;
        }
        const later = laterFrame(0);
        if (later === null) break;
        out.push({ type: 'error', code: 'truncated-frame', detail: `${spec.name}: frame cut after ${later} bytes` });
        consume(later);
      }
      if (noise > 0) out.push({ type: 'error', code: 'noise', detail: `${spec.name}: ${noise} bytes outside frames` });
      return out;
    },
    reset() {
      len = 0;
      ghost = 0;
      skippingBad = false;
    },
    pendingBytes: () => len - ghost,
  };
}
