// The packaged app as electron-builder lays it out, built with a stand-in Electron folder (the real
// binary cannot be downloaded here): every runtime file the code opens is where the code will look
// (inside app.asar, unpacked beside it, or in resources/), no other platform's native binary ships,
// devDependencies stay out, the fuses are set, and resources stay under 80 MB. Sizes are printed.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
// @ts-expect-error: plain .mjs scripts without types
import { makeStandInElectron, readFuses } from './stand-in-electron.mjs';

const root = join(import.meta.dirname, '..');
const require = createRequire(import.meta.url);
const electronVersion = (JSON.parse(readFileSync(join(root, 'node_modules', 'electron', 'package.json'), 'utf8')) as { version: string }).version;
const modelsFetched = existsSync(join(root, '.cache', 'model-packages', 'blazeface', 'ONNX', 'face_detection_front_128x128_barracuda.onnx'));
const skip = process.platform !== 'linux' ? 'the packaging test builds the Linux x64 dir target' : !modelsFetched ? 'BlazeFace not fetched: run node scripts/fetch-model-packages.mjs' : false;

function walk(dir: string, out: string[] = []): string[] {
  for (const name of readdirSync(dir)) {
    const full = join(dir, name);
    if (statSync(full).isDirectory()) walk(full, out);
    else out.push(full);
  }
  return out;
}
const sizeOf = (path: string) => (statSync(path).isDirectory() ? walk(path).reduce((n, f) => n + statSync(f).size, 0) : statSync(path).size);
const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(1)} MB`;

describe('npm run dist -- --dir, with a stand-in Electron', { skip }, () => {
  const work = mkdtempSync(join(tmpdir(), 'dist-test-'));
  const out = join(work, 'release');
  let resources = '';
  let asarFiles = new Set<string>();
  let unpacked: string[] = [];

  before(() => {
    const standIn = makeStandInElectron(join(work, 'electron-dist'), electronVersion) as string;
    const bundles = spawnSync(process.execPath, ['scripts/build-electron.mjs'], { cwd: root, encoding: 'utf8' });
    assert.equal(bundles.status, 0, bundles.stderr);
    if (!existsSync(join(root, 'dist', 'ui', 'index.html'))) {
      const ui = spawnSync('npm', ['run', '-s', 'build:ui'], { cwd: root, encoding: 'utf8' });
      assert.equal(ui.status, 0, ui.stderr);
    }
    const r = spawnSync(process.execPath, ['scripts/dist.mjs', '--dir', '--no-build', '--electron-dist', standIn, '--out', out, '--node-abi'], { cwd: root, encoding: 'utf8', timeout: 15 * 60_000 });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    resources = join(out, 'linux-unpacked', 'resources');
    const asar = require('@electron/asar') as { listPackage(p: string, o: object): string[] };
    asarFiles = new Set(asar.listPackage(join(resources, 'app.asar'), {}).map((p) => p.replace(/\\/g, '/')));
    unpacked = walk(join(resources, 'app.asar.unpacked')).map((f) => relative(join(resources, 'app.asar.unpacked'), f));
    const sizes = { resources: sizeOf(resources), 'app.asar': sizeOf(join(resources, 'app.asar')), 'app.asar.unpacked': sizeOf(join(resources, 'app.asar.unpacked')), 'model-packages': sizeOf(join(resources, 'model-packages')), fixtures: sizeOf(join(resources, 'fixtures')) };
    console.log(`packaged sizes: ${Object.entries(sizes).map(([k, v]) => `${k} ${mb(v)}`).join(', ')}`);
  });
  after(() => rmSync(work, { recursive: true, force: true }));

  it('has the bundles, the UI and a package.json that starts the ES-module main', () => {
    for (const f of ['/dist/electron/main.mjs', '/dist/electron/preload.cjs', '/dist/electron/vendor-lib-worker.cjs', '/dist/ui/index.html', '/package.json']) assert.ok(asarFiles.has(f), `${f} in app.asar`);
    assert.ok(unpacked.includes('dist/electron/face-worker.js'), 'the face worker, unpacked beside main.mjs');
    const asar = require('@electron/asar') as { extractFile(a: string, f: string): Buffer };
    const pkg = JSON.parse(asar.extractFile(join(resources, 'app.asar'), 'package.json').toString()) as { main: string; type: string; author: unknown };
    assert.equal(pkg.main, 'dist/electron/main.mjs');
    assert.equal(pkg.type, 'module');
    assert.ok(pkg.author, 'an author (the deb and the installer need one)');
  });

  it('puts every file the code opens where it looks: natives unpacked, zxing wasm, models and fixtures in resources', async () => {
    for (const f of [
      'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/onnxruntime_binding.node',
      'node_modules/onnxruntime-node/bin/napi-v6/linux/x64/libonnxruntime.so.1',
      'node_modules/node-hid/prebuilds/HID_hidraw-linux-x64/node-napi-v4.node',
    ]) assert.ok(unpacked.includes(f), `${f} unpacked (${unpacked.filter((u) => u.startsWith(f.split('/').slice(0, 2).join('/'))).slice(0, 5).join(', ')})`);
    assert.ok(unpacked.some((f) => f.startsWith('node_modules/@serialport/bindings-cpp/prebuilds/linux-x64/')), 'serialport binding');
    // Resolved the way drivers/camera/qr-decode.ts resolves it (createRequire from the bundle).
    const wasm = '/' + relative(root, require.resolve('zxing-wasm/reader/zxing_reader.wasm')).replace(/\\/g, '/');
    for (const f of [wasm, '/node_modules/zxing-wasm/package.json', '/node_modules/onnxruntime-node/dist/index.js', '/node_modules/better-sqlite3/lib/index.js']) {
      assert.ok(asarFiles.has(f) || unpacked.includes(f.slice(1)), `${f} packaged`);
    }
    assert.ok(existsSync(join(resources, 'fixtures', 'platform')), 'fixtures in resources/, where main.ts looks when packaged');
    assert.ok(existsSync(join(resources, 'THIRD_PARTY_NOTICES.txt')));
    // The model paths of the default face config, resolved as the packaged app resolves them.
    const previous = process.env.FACE_MODEL_PACKAGES;
    process.env.FACE_MODEL_PACKAGES = join(resources, 'model-packages');
    try {
      const { DEFAULT_FACE_CONFIG, resolveModelPath } = await import('../terminal/face/face-config');
      const { faceApiRecogniserManifest } = await import('../terminal/face/dlib-resnet-onnx');
      const detector = resolveModelPath(DEFAULT_FACE_CONFIG.detector.model);
      assert.ok(detector.startsWith(resources) && existsSync(detector), detector);
      const manifest = faceApiRecogniserManifest();
      assert.ok(manifest.startsWith(resources) && existsSync(manifest), manifest);
      assert.ok(existsSync(join(resources, 'model-packages', 'face-api', 'model', 'face_recognition_model.bin')));
    } finally {
      if (previous === undefined) delete process.env.FACE_MODEL_PACKAGES;
      else process.env.FACE_MODEL_PACKAGES = previous;
    }
    const { packagedPaths } = await import('../terminal/host/electron/paths');
    const p = packagedPaths({ isPackaged: true, appPath: join(resources, 'app.asar'), resourcesPath: resources });
    assert.ok(existsSync(p.fixtures) && existsSync(p.modelPackages ?? ''));
  });

  it('ships no other platform\'s native binaries, no source maps and no devDependencies', () => {
    const all = [...asarFiles].map((f) => f.slice(1)).concat(unpacked);
    const natives = all.filter((f) => /\.(node|dll|dylib|so(\.\d+)*)$/.test(f));
    assert.ok(natives.length > 0);
    for (const f of natives) assert.doesNotMatch(f, /darwin|win32|arm64|ia32|android|musl|linux-arm(?!64)|\/arm\//, `${f} is another platform's`);
    assert.deepEqual(all.filter((f) => f.endsWith('.map')), []);
    for (const dev of ['react', 'react-dom', 'zod', 'ws', 'iconv-lite', 'faceplugin-face-recognition-js', '@vladmandic/face-api', 'electron', 'typescript', 'sm-crypto-v2', 'prom-client']) {
      assert.ok(![...asarFiles].some((f) => f.startsWith(`/node_modules/${dev}/`)), `${dev} is bundled or build-time only, not shipped`);
    }
  });

  it('sets the fuses: no RunAsNode, NODE_OPTIONS or --inspect; the app only from an integrity-checked asar', () => {
    const fuses = readFuses(join(out, 'linux-unpacked', 'settlement-terminal')) as Record<string, boolean>;
    assert.deepEqual(
      { runAsNode: fuses.RunAsNode, nodeOptions: fuses.EnableNodeOptionsEnvironmentVariable, inspect: fuses.EnableNodeCliInspectArguments, asarIntegrity: fuses.EnableEmbeddedAsarIntegrityValidation, onlyAsar: fuses.OnlyLoadAppFromAsar },
      { runAsNode: false, nodeOptions: false, inspect: false, asarIntegrity: true, onlyAsar: true },
    );
  });

  it('keeps resources for one platform under 80 MB', () => {
    assert.ok(sizeOf(resources) < 80 * 1024 * 1024, `resources are ${mb(sizeOf(resources))}`);
  });
});
