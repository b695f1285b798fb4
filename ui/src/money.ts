// Shows integer fen as yuan ("¥1,234.56") with integer maths only, so what the patient reads is
// exactly what the platform settled: no float ever touches an amount.

export function formatFen(fen: number): string {
  if (!Number.isSafeInteger(fen)) throw new RangeError(`not an integer fen amount: ${fen}`);
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  const yuan = String((abs - (abs % 100)) / 100);
  const cents = String(abs % 100).padStart(2, '0');
  return `${sign}¥${groupThousands(yuan)}.${cents}`;
}

function groupThousands(digits: string): string {
  const groups: string[] = [];
  for (let end = digits.length; end > 0; end -= 3) groups.unshift(digits.slice(Math.max(0, end - 3), end));
  return groups.join(',');
}
