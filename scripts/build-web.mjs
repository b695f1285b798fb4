// Bundles the web host (`npm run start:web`) under dist/web: cli.mjs and the face worker beside it,
// as build-electron.mjs does for the kiosk. Started from source, tsx compiled and resolved the whole
// TypeScript tree at every start (most of a cold start, see README's benchmark section); the bundle
// is one file, whitespace and syntax minified (names kept, so stack traces still read) to cut what
// V8 must parse before the first screen. Native modules stay external, loaded from node_modules.
// Code split: what the host imports dynamically (each device kind's modules, with @zxing/library,
// iconv-lite, pngjs, jpeg-js and serialport under them) is in chunks beside cli.mjs, read only when
// a configured device or a camera step needs it; a terminal without them never parses them. The
// chunks sit in the same folder as cli.mjs, so paths made from import.meta.url stay the same.
import { rmSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { build } from 'esbuild';
import { NATIVE_EXTERNALS } from './build-electron.mjs';

const root = new URL('..', import.meta.url).pathname;
// Bundled CommonJS packages call require() for Node's built-ins; in an ES module that needs one.
const requireShim = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

// zod's `z.locales` namespace holds every language's error messages (~300 KB of the start bundle:
// `export * as locales` cannot be tree-shaken off a namespace the code imports whole). The terminal
// never switches zod's language, so in the bundle that namespace holds English, the default, only.
const zodEnglishOnly = {
  name: 'zod-english-only',
  setup(b) {
    b.onResolve({ filter: /^\.\.\/locales\/index\.js$/ }, (args) =>
      /[\\/]node_modules[\\/]zod[\\/]/.test(args.importer) ? { path: 'zod-locales-en', namespace: 'zod-english-only', pluginData: args.resolveDir } : undefined,
    );
    b.onLoad({ filter: /.*/, namespace: 'zod-english-only' }, (args) => ({
      contents: "export { default as en } from '../locales/en.js';",
      resolveDir: args.pluginData,
      loader: 'js',
    }));
  },
};

// zod's JSON Schema conversion (to and from: ~70 KB) and its `z.compile` fast-path compiler (~47 KB)
// are reachable only through zod's namespaces, so they cannot be tree-shaken; the terminal calls
// neither, yet V8 compiled them at every start. In the bundle each of those modules is a stub with
// the same export names, every function throwing if anything ever calls it.
const zodUnusedModules = /[\\/]node_modules[\\/]zod[\\/]v4[\\/](core[\\/](compile|to-json-schema|json-schema-processors|json-schema-generator)|classic[\\/]from-json-schema)\.js$/;
const zodWithoutJsonSchema = {
  name: 'zod-without-json-schema',
  setup(b) {
    b.onLoad({ filter: zodUnusedModules }, async (args) => {
      const source = await readFile(args.path, 'utf8');
      const names = [...source.matchAll(/^export (?:const|let|function|class|async function) ([A-Za-z_$][\w$]*)/gm)].map((m) => m[1]);
      const stub = (name) =>
        `export function ${name}() { throw new Error('zod: ${name} is left out of this bundle (scripts/build-web.mjs)'); }`;
      return { contents: names.map(stub).join('\n'), loader: 'js' };
    });
  },
};

export async function buildWeb(outdir = 'dist/web') {
  const options = {
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'esm',
    sourcemap: true,
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'warning',
    absWorkingDir: root,
    external: NATIVE_EXTERNALS,
    banner: { js: requireShim },
    metafile: true,
    plugins: [zodEnglishOnly, zodWithoutJsonSchema],
  };
  // Chunks of an earlier build would pile up under new hashes.
  rmSync(new URL(outdir, `file://${root}/`), { recursive: true, force: true });
  const cli = await build({
    ...options,
    entryPoints: { cli: 'terminal/host/web/cli.ts' },
    outdir,
    splitting: true,
    outExtension: { '.js': '.mjs' },
    chunkNames: '[name]-[hash]',
  });
  // The verifier opens `new URL('./face-worker.js', import.meta.url)`: the worker sits beside cli.mjs.
  const worker = await build({ ...options, entryPoints: ['terminal/face/face-worker.ts'], outfile: `${outdir}/face-worker.js` });
  return { cli: `${outdir}/cli.mjs`, worker: `${outdir}/face-worker.js`, metafiles: { cli: cli.metafile, worker: worker.metafile } };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = await buildWeb();
  console.log(`built ${out.cli}, ${out.worker}`);
}
