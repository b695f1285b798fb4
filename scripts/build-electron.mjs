// Bundles Electron's main process, the face worker, the vendor-library worker and the preload under
// dist/electron. The main
// process and the worker are ES modules (main.mjs, face-worker.js: package.json says "type":
// "module"), so `import.meta.url` is real: the face verifier finds its worker beside main.mjs, and
// zxing-wasm and the face models resolve as they do from source. A CommonJS bundle left it empty.
// Native modules stay external: they load from node_modules (better-sqlite3 rebuilt for Electron's
// ABI at packaging, scripts/dist.mjs). The preload stays CommonJS: a sandboxed preload cannot be ESM.
import { build } from 'esbuild';
import { readFileSync } from 'node:fs';

const root = new URL('..', import.meta.url).pathname;
const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version;
export const NATIVE_EXTERNALS = ['electron', 'better-sqlite3', 'serialport', '@serialport/*', 'node-hid', 'onnxruntime-node', 'koffi'];

// Bundled CommonJS packages call require() for Node's built-ins; in an ES module that needs one.
const requireShim = "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";
const common = { bundle: true, platform: 'node', target: 'node22', sourcemap: true, logLevel: 'warning', absWorkingDir: root };

export async function buildElectron(outdir = 'dist/electron') {
  const esm = { ...common, format: 'esm', external: NATIVE_EXTERNALS, banner: { js: requireShim }, define: { 'process.env.TERMINAL_BUILD_VERSION': JSON.stringify(version) } };
  await build({ ...esm, entryPoints: ['terminal/host/electron/main.ts'], outfile: `${outdir}/main.mjs` });
  // The verifier opens `new URL('./face-worker.js', import.meta.url)`: the worker sits beside main.mjs.
  await build({ ...esm, entryPoints: ['terminal/face/face-worker.ts'], outfile: `${outdir}/face-worker.js` });
  // The vendor library's process (a utilityProcess in the app): drivers/vendor-lib/host.ts looks for
  // vendor-lib-worker.cjs beside main.mjs. CommonJS, so it loads from inside app.asar like any
  // required file; koffi stays external (its native binary is unpacked).
  await build({ ...common, format: 'cjs', entryPoints: ['drivers/vendor-lib/worker.ts'], outfile: `${outdir}/vendor-lib-worker.cjs`, external: NATIVE_EXTERNALS });
  // A sandboxed preload can require only 'electron': it is bundled whole and imports nothing else.
  await build({ ...common, format: 'cjs', entryPoints: ['terminal/host/electron/preload.ts'], outfile: `${outdir}/preload.cjs`, external: ['electron'] });
  return { main: `${outdir}/main.mjs`, worker: `${outdir}/face-worker.js`, vendorWorker: `${outdir}/vendor-lib-worker.cjs`, preload: `${outdir}/preload.cjs` };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const out = await buildElectron();
  console.log(`built ${Object.values(out).join(', ')}`);
}
