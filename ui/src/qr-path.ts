// A QR symbol as one SVG path: each dark module a unit square, runs of dark modules in a row
// merged, so a link's code is a few hundred path commands instead of thousands of elements.

export interface QrModules {
  size: number;
  dark(x: number, y: number): boolean;
}

/** The path of the dark modules, offset by the quiet zone (4 modules, as the QR spec asks). */
export function qrPath(modules: QrModules, quiet = 4): string {
  const parts: string[] = [];
  for (let y = 0; y < modules.size; y++) {
    let x = 0;
    while (x < modules.size) {
      if (!modules.dark(x, y)) {
        x++;
        continue;
      }
      const start = x;
      while (x < modules.size && modules.dark(x, y)) x++;
      parts.push(`M${start + quiet} ${y + quiet}h${x - start}v1h-${x - start}z`);
    }
  }
  return parts.join('');
}
