// Paying by ID card and face through the web host in Chromium, on the real core, with the
// renderer's own camera code: getUserMedia is the one part that cannot exist here, so the page's
// camera is a canvas stream the test paints with a real face (from face-api's sample photos, a
// package's test input), and everything after it is the product's path: the video element, the
// hook's JPEG frames over the WebSocket, the core's decode, the face model on its worker. A patient
// pays by 医保码, enrols at the receipt by turning as the screen asks, then comes back with the ID
// card: their face lets them through; someone else's face with that card is refused.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { startKioskHarness, uiDir, type KioskHarness } from './kiosk-harness';
import { captureVariants } from './screen-checks';
import { screenshot } from './browser';
import { modelMissing, parseFaceConfig } from '../../terminal/face/face-config';
import { FacePipeline } from '../../terminal/face/face-pipeline';
import type { Box, Frame } from '../../terminal/face/frame';
import { loadSamplePhoto } from '../../terminal/testing/face/sample-photos';
import { patientFrames, type PatientFrames } from '../../terminal/testing/face/patient-frames';

const skip = modelMissing(parseFaceConfig().detector.model) ?? false;

describe('paying by ID card and face in the browser', { skip }, () => {
  let kiosk: KioskHarness;
  let photo: Frame;
  let boxes: Box[];

  before(async () => {
    assert.ok(existsSync(join(uiDir, 'index.html')), 'run `npm run build:ui` first');
    kiosk = await startKioskHarness({ idCard: true, config: { face: { enabled: true, frameTimeoutMs: 8000 } } });
    // The camera: a canvas the test paints, handed out as the camera's stream.
    await kiosk.page.addInitScript(() => {
      const canvas = document.createElement('canvas');
      canvas.width = 640;
      canvas.height = 480;
      const context = canvas.getContext('2d')!;
      context.fillStyle = '#bbb';
      context.fillRect(0, 0, 640, 480);
      (window as unknown as { paintCamera: (url: string) => Promise<void> }).paintCamera = (url) =>
        new Promise((done) => {
          const image = new Image();
          image.onload = () => {
            context.drawImage(image, 0, 0);
            done();
          };
          image.src = url;
        });
      navigator.mediaDevices.getUserMedia = async () => canvas.captureStream(10);
    });
    photo = loadSamplePhoto('sample6.jpg');
    const finder = await FacePipeline.open();
    boxes = await finder.detect(photo);
    await finder.close();
    await kiosk.page.goto(kiosk.host.url);
    await kiosk.page.getByTestId('screen-idle').waitFor();
  });
  after(() => kiosk?.close());

  /** Someone in front of the camera, turning the way the screen asks when it asks. Frames are made
   * once per person (as data URLs): making them on every tick starved the ID card reader's
   * conversation, which runs on this process's event loop too. */
  const shotsOf = new Map<Box, PatientFrames>();
  function shots(box: Box): PatientFrames {
    const known = shotsOf.get(box);
    if (known) return known;
    const url = (b64: string) => `data:image/jpeg;base64,${b64}`;
    const made = patientFrames(photo, box, 90);
    const asUrls = { front: made.front.map(url), left: made.left.map(url), right: made.right.map(url) };
    shotsOf.set(box, asUrls);
    return asUrls;
  }

  function standInFront(box: Box): () => Promise<void> {
    const made = shots(box);
    let turning: { frames: string[]; k: number } | null = null;
    let running = true;
    const loop = (async () => {
      for (let n = 0; running; n++) {
        const prompt = await kiosk.page.getByTestId('screen-face').getAttribute('data-prompt', { timeout: 50 }).catch(() => null);
        if ((prompt === 'turn-left' || prompt === 'turn-right') && !turning) turning = { frames: prompt === 'turn-left' ? made.left : made.right, k: 0 };
        const url = turning && turning.k < turning.frames.length ? turning.frames[turning.k++]! : made.front[n % made.front.length]!;
        await kiosk.page.evaluate((u) => (window as unknown as { paintCamera: (url: string) => Promise<void> }).paintCamera(u), url);
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    return async () => {
      running = false;
      await loop;
    };
  }

  it('a patient who paid by 医保码 enrols at the receipt by turning as the screen asks', async () => {
    const { page } = kiosk;
    await page.getByTestId('service-outpatient').click();
    await page.locator('[data-testid="scanner-status"][data-state="ready"]').waitFor();
    await kiosk.scanFreshCode('card-holder');
    await page.getByTestId('screen-confirm').waitFor({ timeout: 20_000 });
    await page.getByTestId('confirm-pay').click();
    await page.getByTestId('face-offer').waitFor({ timeout: 20_000 });
    await captureVariants(page, 'face-01-offer');

    const leave = standInFront(boxes[0]!);
    try {
      await page.getByTestId('face-offer-accept').click();
      await page.getByTestId('screen-face').waitFor();
      await page.locator('[data-testid="screen-face"][data-prompt^="turn-"]').waitFor({ timeout: 30_000 });
      await screenshot(page, 'face-02-enrol-turn-zh');
      // Spoken too, with the patient's own side: the image's left is their right.
      const asked = await page.getByTestId('screen-face').getAttribute('data-prompt');
      const spoken = asked === 'turn-left' ? 'zh/face-turn-right' : 'zh/face-turn-left';
      await page.locator(`[data-testid="voice"][data-prompt="${spoken}"]`).waitFor({ state: 'attached', timeout: 5_000 });
      await page.getByTestId('face-enrolled').waitFor({ timeout: 30_000 });
    } finally {
      await leave();
    }
    assert.equal(await page.getByTestId('face-camera-unavailable').count(), 0);
    await captureVariants(page, 'face-03-enrolled');
    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();
  });

  it('the ID card holder\'s face lets the card through; a stranger with the card is refused', async () => {
    const { page } = kiosk;
    let leave = standInFront(boxes[0]!);
    try {
      await page.getByTestId('service-outpatient').click();
      await page.getByTestId('screen-identify').waitFor();
      const card = kiosk.presentIdCard('read-card.jsonl');
      await page.getByTestId('screen-face').waitFor({ timeout: 60_000 }); // the card read over a pty and the face worker both lag on a busy machine
      await captureVariants(page, 'face-04-verify', [false]);
      await card;
      // Past the face step: the bill was paid above, so the patient is told there is none to pay.
      await page.getByTestId('screen-error').waitFor({ timeout: 40_000 });
      assert.equal(await page.getByTestId('error-message').innerText().then((t) => /刷脸/.test(t)), false, 'not a face refusal');
    } finally {
      await leave();
    }
    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();

    leave = standInFront(boxes[1]!);
    try {
      await page.getByTestId('service-outpatient').click();
      await page.getByTestId('screen-identify').waitFor();
      await kiosk.presentIdCard('read-card.jsonl');
      await page.getByTestId('screen-error').waitFor({ timeout: 40_000 });
      assert.match(await page.getByTestId('error-message').innerText(), /不是这张身份证的本人/);
      await captureVariants(page, 'face-05-refused', [false]);
    } finally {
      await leave();
    }
    await page.getByTestId('back-to-start').click();
    assert.deepEqual(kiosk.pageErrors, []);
  });

  it('a photo held up with the card goes to staff, who confirm in person with PIN and reason', async () => {
    const { page } = kiosk;
    const photoUrl = shots(boxes[0]!).front[0]!;
    let holding = true;
    const hold = (async () => {
      while (holding) {
        await page.evaluate((u) => (window as unknown as { paintCamera: (url: string) => Promise<void> }).paintCamera(u), photoUrl);
        await new Promise((r) => setTimeout(r, 150));
      }
    })();
    try {
      await page.getByTestId('service-outpatient').click();
      await page.getByTestId('screen-identify').waitFor();
      await kiosk.presentIdCard('read-card.jsonl');
      await page.locator('[data-testid="error-message"][data-code="face-needs-staff"]').waitFor({ timeout: 60_000 });
    } finally {
      holding = false;
      await hold;
    }
    await captureVariants(page, 'face-06-needs-staff', [false]);
    await page.getByTestId('face-staff-check').click();
    for (const d of '000000') await page.getByTestId(`pin-key-${d}`).click();
    await page.getByTestId('pin-submit').click();
    await page.getByTestId('face-staff-reasons').waitFor();
    await captureVariants(page, 'face-07-staff-reason', [false]);
    await page.getByTestId('face-staff-faceStaffReasonIdCard').click();
    // Confirmed: the visit goes on past the face step (this bill was paid above: nothing to pay).
    await page.locator('[data-testid="error-message"]:not([data-code="face-needs-staff"])').waitFor({ timeout: 20_000 });
    await page.getByTestId('back-to-start').click();
    await page.getByTestId('screen-idle').waitFor();
    assert.deepEqual(kiosk.pageErrors, []);
  });
});
