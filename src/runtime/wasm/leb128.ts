/**
 * LEB128, the variable-length integer encoding of the WebAssembly binary format: seven bits a
 * byte, low bits first, the high bit set on every byte but the last.
 */

/** The unsigned LEB128 bytes of a non-negative integer below 2³² (sizes, indices, offsets). */
export function unsignedLeb128(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0xffffffff) {
    throw new Error(`unsignedLeb128: ${value} is not a u32`);
  }
  const out: number[] = [];
  let v = value;
  do {
    let byte = v % 128;
    v = Math.floor(v / 128);
    if (v !== 0) byte |= 0x80;
    out.push(byte);
  } while (v !== 0);
  return out;
}

/** The signed LEB128 bytes of an integer in the i32 range (`i32.const` immediates). */
export function signedLeb128(value: number): number[] {
  if (!Number.isInteger(value) || value < -0x80000000 || value > 0x7fffffff) {
    throw new Error(`signedLeb128: ${value} is not an i32`);
  }
  const out: number[] = [];
  let v = value | 0;
  for (;;) {
    const byte = v & 0x7f;
    v >>= 7;
    // Done once the rest is pure sign extension and bit 6 of this byte carries that sign.
    const done = (v === 0 && (byte & 0x40) === 0) || (v === -1 && (byte & 0x40) !== 0);
    out.push(done ? byte : byte | 0x80);
    if (done) return out;
  }
}
