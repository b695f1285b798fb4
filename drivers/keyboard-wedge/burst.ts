// Tells a keyboard-wedge scanner from a person at the keyboard: a scanner "types" a whole code in a
// burst of a few ms a key and ends it with Enter; people type slower. Pure, timestamps given.
import { classifyScan, type ScanKind } from '../qr-scanner/classify';

/** One keydown, with `key` as in KeyboardEvent.key ("A", "7", "Enter", "Shift"). */
export interface KeyInput {
  key: string;
  atMs: number;
}

export type WedgeResult = { type: 'scan'; text: string; kind: ScanKind } | { type: 'typed'; text: string };

export interface WedgeOptions {
  /** Longest pause between two keys of one scan. Scanners manage < 10 ms; people rarely < 30 ms for long. */
  maxGapMs?: number;
  /** Shorter bursts are fast typing, not a scan. */
  minLength?: number;
  terminators?: string[];
  /** A bound on held keys: a key stuck down (or a toddler) must not grow the buffer forever. */
  maxLength?: number;
  classify?: (text: string) => ScanKind;
}

export interface WedgeDetector {
  /** Results for a completed line (after a terminator), otherwise an empty list. */
  push(input: KeyInput): WedgeResult[];
  reset(): void;
}

export function createWedgeDetector(opts: WedgeOptions = {}): WedgeDetector {
  const maxGapMs = opts.maxGapMs ?? 30;
  const minLength = opts.minLength ?? 6;
  const maxLength = opts.maxLength ?? 4096;
  const terminators = new Set(opts.terminators ?? ['Enter']);
  const classify = opts.classify ?? ((text: string) => classifyScan(text));
  let text = '';
  // Where the current fast burst starts in `text`: everything before it was typed by hand.
  let burstStart = 0;
  let lastAt: number | null = null;

  function reset(): void {
    text = '';
    burstStart = 0;
    lastAt = null;
  }

  return {
    push({ key, atMs }) {
      const gap = lastAt === null ? 0 : atMs - lastAt;
      if (terminators.has(key)) {
        const burst = text.slice(burstStart);
        const typed = text.slice(0, burstStart);
        const fast = lastAt !== null && gap <= maxGapMs && burst.length >= minLength;
        reset();
        if (!fast) return typed + burst === '' ? [] : [{ type: 'typed', text: typed + burst }];
        const results: WedgeResult[] = [];
        if (typed) results.push({ type: 'typed', text: typed });
        results.push({ type: 'scan', text: burst, kind: classify(burst) });
        return results;
      }
      // Modifiers (Shift for capitals) and other named keys carry no text.
      if ([...key].length !== 1) return [];
      if (text.length >= maxLength) reset();
      if (lastAt !== null && gap > maxGapMs) burstStart = text.length;
      text += key;
      lastAt = atMs;
      return [];
    },
    reset,
  };
}
