/** A WebAssembly memory and a bump allocator of zero-filled, 16-byte-aligned views of it (as a kernel table's). */
export interface Arena {
  readonly memory: WebAssembly.Memory;
  alloc(floats: number): Float32Array;
}

/** A fresh arena of `pages` 64 KiB pages (views made before the memory grows stay valid only while it does not). */
export function testArena(pages: number): Arena {
  const memory = new WebAssembly.Memory({ initial: pages });
  let top = 0;
  return {
    memory,
    alloc(floats) {
      const v = new Float32Array(memory.buffer, top, floats);
      top += 16 * Math.ceil(floats / 4);
      return v;
    },
  };
}
