// Camera frames and the QR pipeline: fixture images decode to RGBA frames, the frame source hands
// frames to iterators and listeners, and the pipeline reads with zxing-wasm first and @zxing/library
// after it (or alone, without the wasm), within a frame's budget, skipping frames that did not change.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { PNG } from 'pngjs';
import jpeg from 'jpeg-js';
import { createFrameSource, decodeImage, FrameDecodeError, isCameraFrame } from './frame';
import { createQrFramePipeline, decodeQrFrame, decodeQrZxingJs } from './qr-decode';
import { qrSymbol, renderQrScene } from '../testing/synth-qr';

const CODE = 'NHSAEC1.EC00000000000000000000000000E101.1700000000.7f3a9c2e5b1d4e80.d07e8ea7380ad71895234da7887191a1';

describe('camera frames', () => {
  it('decodes PNG and JPEG fixtures to RGBA frames and refuses other bytes with a typed error', async () => {
    const frame = renderQrScene(await qrSymbol(CODE), { hard: false, seed: 1 });
    const png = new PNG({ width: frame.width, height: frame.height });
    png.data = Buffer.from(frame.data);
    const fromPng = decodeImage(PNG.sync.write(png));
    assert.ok(isCameraFrame(fromPng));
    assert.deepEqual(fromPng.data, frame.data);
    const fromJpeg = decodeImage(jpeg.encode({ width: frame.width, height: frame.height, data: Buffer.from(frame.data) }, 90).data);
    assert.equal(fromJpeg.width, 640);
    assert.equal(decodeQrZxingJs(fromJpeg), CODE);
    assert.throws(() => decodeImage(Uint8Array.of(1, 2, 3)), FrameDecodeError);
    assert.throws(() => decodeImage(Uint8Array.of(0xff, 0xd8, 0, 0)), FrameDecodeError);
    assert.equal(isCameraFrame({ width: 2, height: 2, data: new Uint8Array(15) }), false);
  });

  it('hands frames to listeners and to an iterator, dropping old ones for a slow reader', async () => {
    const source = createFrameSource(2);
    const seen: number[] = [];
    source.onFrame((f) => seen.push(f.width));
    for (const w of [1, 2, 3, 4]) source.push({ width: w, height: 1, data: new Uint8Array(w * 4) });
    const it = source.frames();
    assert.equal((await it.next()).value?.width, 3);
    assert.equal((await it.next()).value?.width, 4);
    source.stop();
    assert.equal((await it.next()).done, true);
    assert.deepEqual(seen, [1, 2, 3, 4]);
  });

  it('reads a clean code with zxing-wasm first, and with @zxing/library when the wasm is missing', async () => {
    const symbol = await qrSymbol(CODE);
    const clean = renderQrScene(symbol, { hard: false, seed: 3 });
    assert.deepEqual(await decodeQrFrame(clean), { text: CODE, by: 'zxing-wasm' });
    const missing = () => Promise.reject(new Error('ENOENT: zxing_reader.wasm'));
    assert.deepEqual(await decodeQrFrame(clean, { loadWasm: missing }), { text: CODE, by: 'zxing-js-hybrid' });
    assert.deepEqual(await decodeQrFrame(clean, { wasm: false }), { text: CODE, by: 'zxing-js-hybrid' });
  });

  it('gives up within the frame budget: no JS try starts once the budget has gone', async () => {
    const blank = { width: 320, height: 240, data: new Uint8Array(320 * 240 * 4).fill(128) };
    let clock = 0;
    // Every read of the clock is 30 ms later: the wasm try and one more fit in a 50 ms budget.
    const now = () => (clock += 30);
    assert.equal(await decodeQrFrame(blank, { budgetMs: 50, now }), null);
    assert.equal(clock, 90, 'read at the start, after the wasm try, after the second try: then it stopped');
  });

  it('decodes only the frames that changed: an idle camera costs one decode, a phone coming up is read', async () => {
    const symbol = await qrSymbol(CODE);
    const pipeline = createQrFramePipeline();
    const empty = renderQrScene({ dark: new Uint8Array(symbol.size * symbol.size), size: symbol.size }, { hard: false, seed: 5 });
    for (let i = 0; i < 5; i++) assert.equal(await pipeline.decode({ ...empty, data: empty.data.slice() }), null);
    assert.deepEqual(pipeline.stats(), { frames: 5, decoded: 1, skippedUnchanged: 4 });
    assert.equal((await pipeline.decode(renderQrScene(symbol, { hard: false, seed: 5 })))?.text, CODE);
    assert.equal(pipeline.stats().decoded, 2);
  });

  it('reads every presentation of a hard code: a phone held up for a second, frames varying', async () => {
    const symbol = await qrSymbol(CODE);
    for (let seed = 0; seed < 4; seed++) {
      const pipeline = createQrFramePipeline();
      let read = false;
      for (let f = 0; f < 15 && !read; f++) read = (await pipeline.decode(renderQrScene(symbol, { hard: true, seed, frame: f })))?.text === CODE;
      assert.ok(read, `presentation ${seed} not read in 15 frames`);
    }
  });

  it('reads a hard code through the pipeline more often than @zxing/library alone', async () => {
    const symbol = await qrSymbol(CODE);
    // Seeds the baseline fails on: the pipeline's retries or zxing-wasm must read them.
    let hardRead = 0;
    let baseline = 0;
    for (let seed = 0; seed < 6; seed++) {
      const frame = renderQrScene(symbol, { hard: true, seed });
      if (decodeQrZxingJs(frame) === CODE) baseline++;
      if ((await decodeQrFrame(frame))?.text === CODE) hardRead++;
    }
    assert.ok(hardRead > baseline, `pipeline ${hardRead}/6 vs baseline ${baseline}/6`);
    assert.ok(hardRead >= 4, `pipeline read ${hardRead}/6 hard frames`);
  });
});
