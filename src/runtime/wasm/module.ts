/**
 * A WebAssembly module encoder for the kernels: function types, one imported linear memory
 * (`env.memory`, so one compiled module can be instantiated over several memories), functions
 * and their exports, written as the type, import, function, export and code sections of the
 * binary format.
 */
import { Code, VALTYPE } from './code.js';
import type { ValType } from './code.js';
import { unsignedLeb128 } from './leb128.js';

/** How the module imports its memory. */
export interface MemoryImport {
  /** Initial size in 64 KiB pages. */
  readonly minPages: number;
  /** Maximum size in pages, if bounded (required when `shared`). */
  readonly maxPages?: number;
  /** A shared memory (threads proposal), for a memory over a SharedArrayBuffer. */
  readonly shared?: boolean;
}

interface FunctionEntry {
  readonly code: Code;
  readonly exportName: string | undefined;
}

function vec(items: number[][]): number[] {
  return [...unsignedLeb128(items.length), ...items.flat()];
}

function name(s: string): number[] {
  const b = Array.from(new TextEncoder().encode(s));
  return [...unsignedLeb128(b.length), ...b];
}

function section(id: number, body: number[]): number[] {
  return [id, ...unsignedLeb128(body.length), ...body];
}

/** Builds one module; `func` declares a function and returns its index for `call`. */
export class ModuleBuilder {
  private readonly functions: FunctionEntry[] = [];

  constructor(private readonly memory: MemoryImport | undefined = undefined) {}

  /** Declares a function (exported under `exportName` if given); fill its body through the returned `Code`. */
  func(params: readonly ValType[], results: readonly ValType[], exportName?: string): { index: number; code: Code } {
    const code = new Code(params, results);
    this.functions.push({ code, exportName });
    return { index: this.functions.length - 1, code };
  }

  /** The module's bytes. Each function body gets its closing `end` here. */
  encode(): Uint8Array<ArrayBuffer> {
    const types: string[] = [];
    const typeBytes: number[][] = [];
    const typeOf = (c: Code): number => {
      const key = `${c.params.join(',')}->${c.results.join(',')}`;
      let i = types.indexOf(key);
      if (i < 0) {
        i = types.push(key) - 1;
        typeBytes.push([0x60, ...vec(c.params.map((t) => [VALTYPE[t]])), ...vec(c.results.map((t) => [VALTYPE[t]]))]);
      }
      return i;
    };
    const funcTypes = this.functions.map((f) => unsignedLeb128(typeOf(f.code)));
    const out: number[] = [0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00];
    out.push(...section(1, vec(typeBytes)));
    if (this.memory) {
      const m = this.memory;
      const flags = (m.shared ? 2 : 0) | (m.maxPages !== undefined ? 1 : 0);
      const limits = [flags, ...unsignedLeb128(m.minPages), ...(m.maxPages !== undefined ? unsignedLeb128(m.maxPages) : [])];
      out.push(...section(2, vec([[...name('env'), ...name('memory'), 0x02, ...limits]])));
    }
    out.push(...section(3, vec(funcTypes)));
    const exports = this.functions.flatMap((f, i) => (f.exportName ? [[...name(f.exportName), 0x00, ...unsignedLeb128(i)]] : []));
    out.push(...section(7, vec(exports)));
    const bodies = this.functions.map((f) => {
      const groups: number[][] = [];
      for (const t of f.code.locals) {
        const last = groups[groups.length - 1];
        if (last && last[1] === VALTYPE[t]) last[0]++;
        else groups.push([1, VALTYPE[t]]);
      }
      const body = [...unsignedLeb128(groups.length), ...groups.flatMap(([n, t]) => [...unsignedLeb128(n), t]), ...f.code.bytes, 0x0b];
      return [...unsignedLeb128(body.length), ...body];
    });
    out.push(...section(10, vec(bodies)));
    return Uint8Array.from(out);
  }
}
