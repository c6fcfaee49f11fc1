/** A deterministic pseudo-random byte string: the worst case for the parser's error recovery. */
export function garbage(length: number): string {
  let seed = 12345;
  const chars: string[] = [];
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) & 0x7fffffff;
    chars.push(String.fromCharCode(seed % 256));
  }
  return chars.join('');
}
