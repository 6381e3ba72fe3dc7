/**
 * Dot products of one sparse vector with every center, the centers stored feature-major (`ct[f * k + j]`
 * is feature f of center j). The JS reference kernel of both k-means assignment (assign.ts) and
 * prediction (predictor.ts), and StreamingKMeans's assignment (float64 centers); the WebAssembly kernels are held to it bit for bit, so the order of the
 * additions matters: each sum adds the terms in the vector's order.
 */

/**
 * `out[j] = sum over p in [from, to) of values[p] * ct[indices[p] * k + j]`, for every j < k. Four centers
 * per pass over the vector with the sums in locals (about twice as fast as one pass updating `out`).
 */
export function sparseDotsFeatureMajor(
  indices: Int32Array,
  values: Float32Array,
  from: number,
  to: number,
  ct: Float32Array | Float64Array,
  k: number,
  out: Float64Array,
): Float64Array {
  let j = 0;
  for (; j + 4 <= k; j += 4) {
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    let s3 = 0;
    for (let p = from; p < to; p++) {
      const x = values[p];
      const o = indices[p] * k + j;
      s0 += x * ct[o];
      s1 += x * ct[o + 1];
      s2 += x * ct[o + 2];
      s3 += x * ct[o + 3];
    }
    out[j] = s0;
    out[j + 1] = s1;
    out[j + 2] = s2;
    out[j + 3] = s3;
  }
  for (; j < k; j++) {
    let s = 0;
    for (let p = from; p < to; p++) s += values[p] * ct[indices[p] * k + j];
    out[j] = s;
  }
  return out;
}
