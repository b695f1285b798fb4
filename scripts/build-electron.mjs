// Bundles Electron's main process and preload into CommonJS files under dist/electron. Native
// modules stay external: they load from node_modules, rebuilt for Electron's ABI at packaging.
import { build } from 'esbuild';

const external = ['electron', 'better-sqlite3', 'serialport', '@serialport/*', 'node-hid', 'onnxruntime-node'];
const common = { bundle: true, platform: 'node', format: 'cjs', target: 'node22', sourcemap: true, logLevel: 'warning', external };

await build({ ...common, entryPoints: ['terminal/host/electron/main.ts'], outfile: 'dist/electron/main.cjs' });
// A sandboxed preload can require only 'electron': it is bundled whole and imports nothing else.
await build({ ...common, entryPoints: ['terminal/host/electron/preload.ts'], outfile: 'dist/electron/preload.cjs', external: ['electron'] });
console.log('built dist/electron/main.cjs and dist/electron/preload.cjs');
