// The built web host (`npm run start:web`): the bundle starts from dist/web and finds the fixtures
// and the UI at the repository's root, and the main thread's start graph holds no face runtime
// (onnxruntime and the ONNX graph builder load in the face worker only, when a face check starts).
import { before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
// @ts-expect-error: plain .mjs scripts without types
import { buildWeb } from './build-web.mjs';

interface Metafile {
  inputs: Record<string, unknown>;
  outputs: Record<string, { imports: Array<{ path: string; kind: string; external?: boolean }>; inputs: Record<string, unknown> }>;
}
interface Built {
  cli: string;
  worker: string;
  metafiles: { cli: Metafile; worker: Metafile };
}

const root = join(import.meta.dirname, '..');
const externalsOf = (m: Metafile) => new Set(Object.values(m.outputs).flatMap((o) => o.imports.filter((i) => i.external).map((i) => i.path)));
const inputsOf = (m: Metafile) => Object.keys(m.inputs);
/** The output files a start loads: the entry and what it imports statically, transitively. */
function startGraph(m: Metafile, entry: string): string[] {
  const seen = new Set<string>();
  const visit = (out: string) => {
    if (seen.has(out) || !m.outputs[out]) return;
    seen.add(out);
    for (const i of m.outputs[out].imports) if (!i.external && i.kind === 'import-statement') visit(i.path);
  };
  visit(entry);
  return [...seen];
}

describe('npm run build:web', () => {
  let built: Built;
  before(async () => {
    built = (await buildWeb()) as Built;
  });

  it('keeps onnxruntime and protobufjs out of the main thread and in the face worker', () => {
    assert.ok(!externalsOf(built.metafiles.cli).has('onnxruntime-node'), 'the host imports onnxruntime-node at start');
    assert.deepEqual(inputsOf(built.metafiles.cli).filter((f) => /protobufjs|face-pipeline|onnx-session/.test(f)), []);
    assert.ok(externalsOf(built.metafiles.worker).has('onnxruntime-node'), 'the face worker should load onnxruntime-node');
  });

  it('leaves the device libraries out of the start: they load when a configured device or a camera step needs them', () => {
    const m = built.metafiles.cli;
    const graph = startGraph(m, built.cli);
    const atStart = graph.flatMap((out) => Object.keys(m.outputs[out]!.inputs));
    const externalAtStart = graph.flatMap((out) => m.outputs[out]!.imports.filter((i) => i.external && i.kind === 'import-statement').map((i) => i.path));
    assert.deepEqual(externalAtStart.filter((p) => /serialport|node-hid/.test(p)), [], 'a native device binding loads at start');
    assert.ok(atStart.some((f) => f.endsWith('terminal/host/web/cli.ts')), `the start graph should hold the entry: ${atStart.length} inputs`);
    assert.deepEqual(atStart.filter((f) => /@zxing|zxing-wasm|iconv-lite|pngjs|jpeg-js|node_modules\/serialport|@serialport/.test(f)), []);
    // zod's messages in English only (the terminal never switches its language); the others are ~300 KB.
    assert.deepEqual(atStart.filter((f) => /zod\/v4\/locales\/(?!en\.js)/.test(f)), []);
    // zod's JSON Schema conversion and z.compile are stubs: the terminal calls neither.
    const zodUnused = Object.entries(m.outputs[built.cli]!.inputs as Record<string, { bytesInOutput: number }>).filter(([f]) => /zod\/v4\/(core\/(compile|to-json-schema|json-schema-processors)|classic\/from-json-schema)\.js$/.test(f));
    assert.equal(zodUnused.length, 4, 'the four modules are still resolved, as stubs');
    for (const [f, v] of zodUnused) assert.ok(v.bytesInOutput < 8_000, `${f}: ${v.bytesInOutput} bytes in cli.mjs`);
    // Still in the build, as chunks beside cli.mjs.
    assert.ok(inputsOf(built.metafiles.cli).some((f) => f.includes('@zxing/library')));
  });

  it('starts from dist/web on the embedded defaults and serves the UI', async () => {
    const work = mkdtempSync(join(tmpdir(), 'build-web-test-'));
    const config = join(work, 'terminal.json');
    writeFileSync(config, JSON.stringify({ devices: [] }));
    const child = spawn(process.execPath, [join(root, built.cli), '--config', config, '--data', join(work, 'data')], { cwd: work, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      let errors = '';
      child.stderr.on('data', (c: Buffer) => (errors += c.toString()));
      const url = await new Promise<string>((done, fail) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          const m = /terminal web host: (\S+)/.exec(out);
          if (m) done(m[1]!);
        });
        child.on('exit', (code) => fail(new Error(`the built host exited ${code}: ${errors.slice(0, 800)}`)));
      });
      // `npm test` builds the UI first; `test:unit` may run without it, then the host listening is the check.
      if (existsSync(join(root, 'dist', 'ui', 'index.html'))) {
        const page = await fetch(url);
        assert.equal(page.status, 200);
        assert.match(await page.text(), /<div id="root">/);
      }
    } finally {
      child.kill('SIGTERM');
      await exited;
      rmSync(work, { recursive: true, force: true });
    }
  });
});
