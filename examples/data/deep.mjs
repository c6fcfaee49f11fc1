// Writes deep.csv: 256 rows of 64 features in [-1, 1] and a smooth target y, for
// examples/deep-sigmoid.nn and deep-sigmoid-fixed.nn. Deterministic (a 32-bit LCG), so
// `node examples/data/deep.mjs > examples/data/deep.csv` reproduces the file byte for byte.
let s = 12345;
const next = () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
const rows = ['x' + Array.from({ length: 64 }, (_, i) => i).join(',x') + ',y'];
for (let r = 0; r < 256; r++) {
  const x = Array.from({ length: 64 }, () => Number(next().toFixed(3)));
  const y = 0.8 * x[0] - 0.6 * x[1] + 0.5 * x[2] * x[3] + 0.4 * Math.sin(3 * x[4]);
  rows.push([...x, y.toFixed(4)].join(','));
}
process.stdout.write(rows.join('\n') + '\n');
