// The kiosk window's camera reads a 医保码 on the identify step, in Chromium: its fake camera plays a
// Y4M picture of a phone showing a code the embedded platform minted (a camera cannot exist here),
// the identify screen turns the camera on, the renderer sends its frames as it would from a real
// one, and the core's QR decoding identifies the patient: the confirm screen comes with no scanner
// or typed input at all.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { screenshot } from './browser';
import { startKioskHarness, uiDir, type KioskHarness } from './kiosk-harness';
import { qrSymbol, renderQrScene } from '../../drivers/testing/synth-qr';
import type { CameraFrame } from '../../drivers/camera/frame';

/** One frame as a Y4M file (4:2:0, BT.601 full range), which Chromium's fake camera loops. */
function y4m(frame: CameraFrame): Buffer {
  const { width: W, height: H, data } = frame;
  const y = Buffer.alloc(W * H);
  const u = Buffer.alloc((W / 2) * (H / 2));
  const v = Buffer.alloc((W / 2) * (H / 2));
  for (let i = 0; i < W * H; i++) y[i] = Math.round(0.299 * data[i * 4]! + 0.587 * data[i * 4 + 1]! + 0.114 * data[i * 4 + 2]!);
  for (let r = 0; r < H / 2; r++) {
    for (let c = 0; c < W / 2; c++) {
      const j = ((2 * r) * W + 2 * c) * 4;
      const [R, G, B] = [data[j]!, data[j + 1]!, data[j + 2]!];
      u[r * (W / 2) + c] = Math.max(0, Math.min(255, Math.round(128 - 0.168736 * R - 0.331264 * G + 0.5 * B)));
      v[r * (W / 2) + c] = Math.max(0, Math.min(255, Math.round(128 + 0.5 * R - 0.418688 * G - 0.081312 * B)));
    }
  }
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${W} H${H} F15:1 Ip A1:1 C420jpeg\nFRAME\n`), y, u, v]);
}

describe('the window\'s camera reads a 医保码 in the browser', () => {
  let kiosk: KioskHarness;
  const dir = mkdtempSync(join(tmpdir(), 'camera-e2e-'));

  before(async () => {
    assert.ok(existsSync(join(uiDir, 'index.html')), 'run `npm run build:ui` first');
    kiosk = await startKioskHarness({
      camera: async (platform) => {
        const file = join(dir, 'phone.y4m');
        writeFileSync(file, y4m(renderQrScene(await qrSymbol(platform.mintEcQr('employee')), { hard: false, seed: 7 })));
        return file;
      },
    });
  });
  after(async () => {
    await kiosk?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('identifies the patient from the camera alone and reaches the confirm screen', async () => {
    const { page } = kiosk;
    await page.goto(kiosk.host.url);
    await page.getByTestId('screen-idle').waitFor();
    // The attract screen does not turn the camera on.
    assert.equal(await page.getByTestId('scan-camera').count(), 0);
    await page.getByTestId('service-outpatient').click();
    await page.locator('[data-testid="scan-camera"][data-state="on"]').or(page.getByTestId('screen-confirm')).first().waitFor();
    await page.getByTestId('screen-confirm').waitFor();
    await screenshot(page, 'camera-qr-confirm');
    assert.ok((await page.getByTestId('bill-total').innerText()).startsWith('¥'));
    assert.deepEqual(kiosk.pageErrors, []);
    await page.getByTestId('cancel').click();
    await page.getByTestId('screen-idle').waitFor();
  });
});
