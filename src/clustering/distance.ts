/** Distance measures over dense vectors (pure). Cosine k-means works on unit vectors (spherical k-means). */

export type Distance = 'euclidean' | 'cosine';
export const DISTANCES: readonly Distance[] = ['euclidean', 'cosine'];

export function squaredEuclidean(a: ArrayLike<number>, aOff: number, b: ArrayLike<number>, bOff: number, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) {
    const t = a[aOff + i] - b[bOff + i];
    s += t * t;
  }
  return s;
}

export function dot(a: ArrayLike<number>, aOff: number, b: ArrayLike<number>, bOff: number, d: number): number {
  let s = 0;
  for (let i = 0; i < d; i++) s += a[aOff + i] * b[bOff + i];
  return s;
}

/** Cosine distance 1 - cos(a, b); 1 when either is zero. */
export function cosineDistance(a: ArrayLike<number>, aOff: number, b: ArrayLike<number>, bOff: number, d: number): number {
  let ab = 0;
  let aa = 0;
  let bb = 0;
  for (let i = 0; i < d; i++) {
    ab += a[aOff + i] * b[bOff + i];
    aa += a[aOff + i] * a[aOff + i];
    bb += b[bOff + i] * b[bOff + i];
  }
  if (aa === 0 || bb === 0) return 1;
  return 1 - ab / Math.sqrt(aa * bb);
}

/** Normalise row `r` of a row-major matrix in place; leaves zero rows alone. */
export function normalizeRow(m: Float32Array | Float64Array, r: number, d: number): void {
  let s = 0;
  const off = r * d;
  for (let i = 0; i < d; i++) s += m[off + i] * m[off + i];
  if (s === 0) return;
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < d; i++) m[off + i] *= inv;
}

/** How far center j moved, in the measure's own units: euclidean distance, or cosine distance. */
export function centerShift(
  distance: Distance,
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  j: number,
  d: number,
): number {
  return distance === 'euclidean' ? Math.sqrt(squaredEuclidean(a, j * d, b, j * d, d)) : cosineDistance(a, j * d, b, j * d, d);
}
