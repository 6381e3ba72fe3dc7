/**
 * MurmurHash3 x86_32 over bytes, as Spark hashes HashingTF terms.
 *
 * `murmur3` is the standard algorithm (Spark 3: `Murmur3_x86_32.hashUnsafeBytes2`); it agrees with the
 * murmurhash3js-revisited reference (tests check random inputs). `murmur3Spark2` is the legacy variant
 * Spark 2.x used (`hashUnsafeBytes`): the body is the same, but each tail byte is sign-extended and mixed
 * as a block of its own. Both return a signed 32-bit int, like Java.
 */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

export function mixK1(k1: number): number {
  k1 = Math.imul(k1, C1);
  k1 = (k1 << 15) | (k1 >>> 17);
  return Math.imul(k1, C2);
}

export function mixH1(h1: number, k1: number): number {
  h1 ^= k1;
  h1 = (h1 << 13) | (h1 >>> 19);
  return (Math.imul(h1, 5) + 0xe6546b64) | 0;
}

export function fmix(h1: number, length: number): number {
  h1 ^= length;
  h1 ^= h1 >>> 16;
  h1 = Math.imul(h1, 0x85ebca6b);
  h1 ^= h1 >>> 13;
  h1 = Math.imul(h1, 0xc2b2ae35);
  h1 ^= h1 >>> 16;
  return h1 | 0;
}

/** Standard MurmurHash3 x86_32 of `bytes[0..len)`; signed result. */
export function murmur3(bytes: Uint8Array, len: number = bytes.length, seed = 42): number {
  let h1 = seed | 0;
  const blocks = len & ~3;
  for (let i = 0; i < blocks; i += 4) {
    const k1 = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    h1 = mixH1(h1, mixK1(k1));
  }
  const tail = len & 3;
  if (tail > 0) {
    let k1 = bytes[blocks];
    if (tail > 1) k1 ^= bytes[blocks + 1] << 8;
    if (tail > 2) k1 ^= bytes[blocks + 2] << 16;
    h1 ^= mixK1(k1);
  }
  return fmix(h1, len);
}

/** Spark 2.x legacy variant: each tail byte sign-extended and mixed as its own block. */
export function murmur3Spark2(bytes: Uint8Array, len: number = bytes.length, seed = 42): number {
  let h1 = seed | 0;
  const blocks = len & ~3;
  for (let i = 0; i < blocks; i += 4) {
    const k1 = bytes[i] | (bytes[i + 1] << 8) | (bytes[i + 2] << 16) | (bytes[i + 3] << 24);
    h1 = mixH1(h1, mixK1(k1));
  }
  for (let i = blocks; i < len; i++) {
    const b = (bytes[i] << 24) >> 24; // sign-extend like a Java byte
    h1 = mixH1(h1, mixK1(b));
  }
  return fmix(h1, len);
}

/** Java/Scala `nonNegativeMod`: `%` then + mod when negative. */
export function nonNegativeMod(x: number, mod: number): number {
  const r = x % mod;
  return r < 0 ? r + mod : r;
}
