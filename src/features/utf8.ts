/**
 * UTF-8 as Java's `String.getBytes(UTF_8)` writes it: a valid surrogate pair becomes one 4-byte
 * sequence, and a lone surrogate becomes `?` (0x3F), where JS `TextEncoder` would write EF BF BD.
 */

/**
 * Encode UTF-16 code units `s[start..end)` into `out` (from offset 0); returns the byte count.
 * `out` must hold 3 bytes per code unit. No allocation.
 */
export function encodeJavaUtf8(s: string, start: number, end: number, out: Uint8Array): number {
  let n = 0;
  for (let i = start; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) {
      out[n++] = c;
    } else if (c < 0x800) {
      out[n++] = 0xc0 | (c >> 6);
      out[n++] = 0x80 | (c & 0x3f);
    } else if (c >= 0xd800 && c <= 0xdfff) {
      if (c <= 0xdbff && i + 1 < end) {
        const d = s.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) {
          const cp = ((c - 0xd800) << 10) + (d - 0xdc00) + 0x10000;
          out[n++] = 0xf0 | (cp >> 18);
          out[n++] = 0x80 | ((cp >> 12) & 0x3f);
          out[n++] = 0x80 | ((cp >> 6) & 0x3f);
          out[n++] = 0x80 | (cp & 0x3f);
          i++;
          continue;
        }
      }
      out[n++] = 0x3f; // lone surrogate -> '?'
    } else {
      out[n++] = 0xe0 | (c >> 12);
      out[n++] = 0x80 | ((c >> 6) & 0x3f);
      out[n++] = 0x80 | (c & 0x3f);
    }
  }
  return n;
}

/** Whole-string convenience (allocates; not for hot loops). */
export function javaUtf8Bytes(s: string): Uint8Array {
  const buf = new Uint8Array(s.length * 3);
  const n = encodeJavaUtf8(s, 0, s.length, buf);
  return buf.subarray(0, n);
}
