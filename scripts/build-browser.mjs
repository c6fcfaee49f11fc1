/**
 * Bundles the library entry (src/index.ts: parse, check, format, compile, runtime) for the
 * browser: esbuild, platform browser, ES module, to dist/browser/nn.js. The build FAILS if any
 * module reached from the entry imports a Node built-in (`node:fs`, `fs`, `path`, ...), naming
 * the importer, so an editor can always embed the bundle.
 *
 * Usage: node scripts/build-browser.mjs [OUTFILE]
 */
import { builtinModules } from 'node:module';
import { build } from 'esbuild';

const nodeBuiltins = new Set(builtinModules.flatMap((m) => [m, `node:${m}`]));

/** Rejects every import of a Node built-in, with the importing file in the message. */
const noNodeBuiltins = {
  name: 'no-node-builtins',
  setup(b) {
    b.onResolve({ filter: /.*/ }, (args) => {
      if (!args.path.startsWith('node:') && !nodeBuiltins.has(args.path)) return undefined;
      return { errors: [{ text: `Node built-in '${args.path}' imported by ${args.importer}: the browser bundle must not use Node APIs` }] };
    });
  },
};

/** Builds `entry` (default the library entry) for the browser; rejects if a Node built-in is imported. */
export async function buildBrowserBundle(outfile = 'dist/browser/nn.js', entry = 'src/index.ts') {
  return build({
    entryPoints: [entry],
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: 'es2022',
    outfile,
    minify: false,
    sourcemap: false,
    metafile: true,
    logLevel: 'silent',
    plugins: [noNodeBuiltins],
  });
}

if (import.meta.url === `file://${process.argv[1]}`) {
  try {
    const result = await buildBrowserBundle(process.argv[2]);
    const [file, info] = Object.entries(result.metafile.outputs)[0];
    console.log(`${file}: ${(info.bytes / 1024).toFixed(0)} KiB`);
  } catch (e) {
    for (const error of e.errors ?? [e]) console.error(`build:browser: ${error.text ?? error.message}`);
    process.exit(1);
  }
}
