/** Typed arrays <-> base64 (little-endian), for compact, exact model files. */

export function float32ToBase64(a: Float32Array): string {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString('base64');
}

/** Decodes base64 float32 data; returns undefined when the byte length is not a multiple of 4. */
export function base64ToFloat32(s: string): Float32Array | undefined {
  const buf = Buffer.from(s, 'base64');
  if (buf.byteLength % 4 !== 0) return undefined;
  const out = new Float32Array(buf.byteLength / 4);
  new Uint8Array(out.buffer).set(buf);
  return out;
}

const B64 = /^[A-Za-z0-9+/]*={0,2}$/;
export function isBase64(s: unknown): s is string {
  return typeof s === 'string' && s.length % 4 === 0 && B64.test(s);
}
