declare module 'murmurhash3js-revisited' {
  interface X86 {
    hash32(bytes: ArrayLike<number>, seed?: number): number;
    hash128(bytes: ArrayLike<number>, seed?: number): string;
  }
  const murmur: { x86: X86; x64: { hash128(bytes: ArrayLike<number>, seed?: number): string } };
  export default murmur;
}
