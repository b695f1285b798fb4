// Money at the platform boundary: the wire speaks yuan with two decimals, the terminal integer fen.
// Conversion goes through the decimal text so that 0.29 never becomes 28 fen by float rounding.

export class MoneyFormatError extends Error {
  constructor(readonly value: unknown) {
    super(`not a yuan amount with at most 2 decimals: ${describe(value)}`);
    this.name = 'MoneyFormatError';
  }
}

function describe(value: unknown): string {
  if (typeof value === 'string') return JSON.stringify(value.slice(0, 40));
  if (typeof value === 'number') return String(value);
  return typeof value;
}

const YUAN_TEXT = /^(-)?(\d{1,13})(?:\.(\d{1,2}))?$/;

export function yuanToFen(v: unknown): number {
  let text: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new MoneyFormatError(v);
    // String(n) gives the shortest text that round-trips, so 34550.22 stays "34550.22";
    // a binary value with more digits (0.1+0.2) is refused rather than rounded.
    text = String(v);
    if (/e/i.test(text)) throw new MoneyFormatError(v);
  } else if (typeof v === 'string') {
    text = v.trim();
  } else {
    throw new MoneyFormatError(v);
  }
  const m = YUAN_TEXT.exec(text);
  if (!m) throw new MoneyFormatError(v);
  const sign = m[1] ? -1 : 1;
  const whole = Number(m[2]);
  const frac = Number((m[3] ?? '').padEnd(2, '0'));
  const fen = whole * 100 + frac;
  if (!Number.isSafeInteger(fen)) throw new MoneyFormatError(v);
  return fen === 0 ? 0 : sign * fen;
}

export function fenToYuanString(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new MoneyFormatError(fen);
  const negative = fen < 0;
  const abs = Math.abs(fen);
  const text = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
  return negative ? `-${text}` : text;
}

export function fenToYuan(fen: number): number {
  return Number(fenToYuanString(fen));
}
