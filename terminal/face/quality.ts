// Image quality of a face crop: brightness and sharpness on the 64x64 grey crop the landmark model
// also uses, so the numbers do not depend on the camera's resolution.

export function meanLuma(grey: Float32Array): number {
  let s = 0;
  for (const v of grey) s += v;
  return s / grey.length;
}

/** Variance of the 4-neighbour Laplacian (Pech-Pacheco et al. 2000): low when the face is blurred. */
export function laplacianVariance(grey: Float32Array, width: number, height: number): number {
  let sum = 0;
  let sumSq = 0;
  let n = 0;
  for (let y = 1; y < height - 1; y++) {
    for (let x = 1; x < width - 1; x++) {
      const i = y * width + x;
      const v = grey[i - 1]! + grey[i + 1]! + grey[i - width]! + grey[i + width]! - 4 * grey[i]!;
      sum += v;
      sumSq += v * v;
      n++;
    }
  }
  const m = sum / n;
  return sumSq / n - m * m;
}
