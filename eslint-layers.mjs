// The layer allowlist: every folder names the layers and packages it may import, and anything else
// is refused with a message that names what is allowed (VS Code's code-layering rule; Signal's
// rule that classifies every dependency). README's "Layout" is the prose of this table.
import { builtinModules } from 'node:module';
import { dirname, relative, resolve } from 'node:path';

const root = dirname(new URL(import.meta.url).pathname);
const nodeBuiltins = builtinModules.flatMap((m) => [m, `node:${m}`]);

/** Packages no production layer needs a second look for: the runtime itself and the schema library. */
const base = [...nodeBuiltins, 'zod'];

/**
 * Layers, most specific first. `may`: the layers a file here may import (its own always);
 * `packages`: the npm packages it may import. Test files (*.test.ts) may also import testing/ and sim/.
 */
export const layers = [
  { name: 'terminal/common', may: [], packages: ['zod'] },
  { name: 'terminal/api', may: ['terminal/common'], packages: ['zod'] },
  { name: 'terminal/insurance', may: ['terminal/common'], packages: [...base, 'sm-crypto-v2'] },
  { name: 'terminal/journal', may: ['terminal/common'], packages: [...base, 'better-sqlite3'] },
  { name: 'terminal/config', may: ['terminal/common'], packages: base },
  { name: 'terminal/his', may: ['terminal/common'], packages: base },
  { name: 'terminal/face', may: ['terminal/common', 'terminal/journal'], packages: [...base, 'onnxruntime-node', 'protobufjs', 'jpeg-js', 'pngjs'] },
  { name: 'terminal/outbox', may: ['terminal/common', 'terminal/insurance', 'terminal/journal'], packages: base },
  { name: 'terminal/identity', may: ['terminal/common', 'terminal/insurance', 'terminal/journal', 'terminal/outbox'], packages: base },
  { name: 'terminal/settlement', may: ['terminal/common', 'terminal/insurance', 'terminal/journal', 'terminal/outbox', 'terminal/his'], packages: base },
  { name: 'terminal/kiosk', may: ['terminal/common', 'terminal/api', 'terminal/insurance', 'terminal/journal', 'terminal/outbox', 'terminal/identity', 'terminal/settlement', 'terminal/his', 'terminal/face'], packages: base },
  { name: 'terminal/staff', may: ['terminal/common', 'terminal/api', 'terminal/insurance', 'terminal/journal', 'terminal/outbox', 'terminal/settlement', 'terminal/his', 'terminal/config'], packages: base },
  { name: 'terminal/sim', may: ['terminal/common', 'terminal/insurance', 'terminal/journal'], packages: [...base, 'zxing-wasm', '@zxing/library'] },
  {
    name: 'terminal/app',
    may: ['terminal/common', 'terminal/api', 'terminal/insurance', 'terminal/journal', 'terminal/outbox', 'terminal/config', 'terminal/his', 'terminal/face', 'terminal/identity', 'terminal/settlement', 'terminal/kiosk', 'terminal/staff', 'terminal/sim', 'terminal/host/in-room', 'drivers'],
    packages: [...base, 'prom-client'],
  },
  { name: 'terminal/host/http', may: [], packages: base },
  { name: 'terminal/host/electron', may: ['terminal/common', 'terminal/api', 'terminal/config', 'terminal/app'], packages: [...base, 'electron'] },
  { name: 'terminal/host/in-room', may: ['terminal/common', 'terminal/api', 'terminal/kiosk', 'terminal/host/http'], packages: base },
  { name: 'terminal/host/web', may: ['terminal/common', 'terminal/api', 'terminal/config', 'terminal/app', 'terminal/host/http'], packages: [...base, 'ws'] },
  { name: 'terminal/testing', may: '*', packages: '*' },
  { name: 'drivers/testing', may: ['drivers', 'terminal/common'], packages: '*' },
  { name: 'drivers', may: ['terminal/common'], packages: [...base, 'serialport', '@serialport/bindings-cpp', 'node-hid', 'iconv-lite', '@zxing/library', 'zxing-wasm', 'jpeg-js', 'pngjs', 'koffi'] },
  { name: 'ui', may: ['terminal/api', 'terminal/common'], packages: ['@zxing/library', 'react', 'react-dom', 'react-dom/client', 'react/jsx-runtime', 'zod', 'zod/mini'] },
];

const layerOf = (path) => layers.find((l) => path === l.name || path.startsWith(`${l.name}/`));
const packageName = (spec) => (spec.startsWith('@') ? spec.split('/').slice(0, 2).join('/') : spec.split('/')[0]);

const rule = {
  meta: { type: 'problem', schema: [], messages: { layer: '{{from}} may not import {{what}}: it may import {{allowed}}' } },
  create(context) {
    const file = relative(root, context.filename);
    const layer = layerOf(file);
    if (!layer) return {};
    const isTest = /\.test\.tsx?$/.test(file);
    const isBuildConfig = file === 'ui/vite.config.ts';
    function check(node, spec) {
      if (typeof spec !== 'string' || isBuildConfig) return;
      const allowed = () => [...(layer.may === '*' ? ['anything'] : [layer.name, ...layer.may]), ...(isTest ? ['terminal/testing', 'terminal/sim', 'drivers/testing'] : [])].join(', ');
      if (spec.startsWith('.')) {
        const target = relative(root, resolve(dirname(context.filename), spec));
        const to = layerOf(target);
        if (!to || layer.may === '*' || to === layer || isTest) return;
        const ok = layer.may.some((m) => target === m || target.startsWith(`${m}/`)) || (isTest && ['terminal/testing', 'terminal/sim', 'drivers/testing'].includes(to.name));
        // drivers/testing counts inside drivers for drivers' own tests and tools.
        if (!ok) context.report({ node, messageId: 'layer', data: { from: layer.name, what: to.name, allowed: allowed() } });
        return;
      }
      if (layer.packages === '*' || isTest) return;
      const pkg = packageName(spec);
      if (!layer.packages.includes(spec) && !layer.packages.includes(pkg)) {
        context.report({ node, messageId: 'layer', data: { from: layer.name, what: `the package ${pkg}`, allowed: `its layers and the packages ${layer.packages.filter((p) => !p.startsWith('node:') && !nodeBuiltins.includes(p)).join(', ') || 'none'}` } });
      }
    }
    return {
      ImportDeclaration: (n) => check(n, n.source.value),
      ExportNamedDeclaration: (n) => n.source && check(n, n.source.value),
      ExportAllDeclaration: (n) => check(n, n.source.value),
      ImportExpression: (n) => n.source.type === 'Literal' && check(n, n.source.value),
    };
  },
};

export const layersPlugin = { rules: { allowlist: rule } };
