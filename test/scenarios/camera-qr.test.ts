// A 医保码 shown to the kiosk window's own camera: frames arrive as the renderer sends them (JPEG in
// base64 through the API), on the identify step they go to the QR decoding of the camera configured
// with source push, and the code identifies the patient. A camera cannot exist here: the frames are
// synthetic pictures of a phone showing a code the embedded platform minted, through the same path.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import jpeg from 'jpeg-js';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { nextStep } from '../../terminal/testing/terminal.testkit';
import { qrSymbol, renderQrScene } from '../../drivers/testing/synth-qr';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');

async function phoneShowing(text: string, seed: number): Promise<string> {
  const frame = renderQrScene(await qrSymbol(text), { hard: false, seed });
  return Buffer.from(jpeg.encode({ width: frame.width, height: frame.height, data: Buffer.from(frame.data) }, 80).data).toString('base64');
}

describe('the kiosk window\'s camera reads a 医保码 on the identify step', () => {
  const open = nothingOpenAfterEach();
  let terminal: RunningTerminal;

  before(async () => {
    terminal = await startTerminal({
      config: parseConfig({ devices: [{ id: 'cam-1', kind: 'camera', source: { type: 'push' } }] }),
      dataDir: mkdtempSync(join(tmpdir(), 'camera-qr-')),
      fixturesDir,
    });
    open.track(terminal);
  });
  after(async () => {
    await terminal?.close();
  });

  it('a code held up from before the step is read as the step opens, and identifies the patient', async () => {
    const platform = terminal.simulators.platform;
    assert.ok(platform);
    const shown = await phoneShowing(platform.mintEcQr('employee'), 3);
    // The patient holds the phone up while the attract screen is still there: not decoded then.
    const early = await terminal.api.execute({ type: 'camera.frame', jpegBase64: shown });
    assert.ok(early.ok);
    assert.equal(early.session.step, 'idle');
    const past = nextStep(terminal, (s) => s.step !== 'identify' && s.step !== 'identifying' && s.step !== 'idle', 60_000);
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    // The same picture, frame after frame, as the renderer sends it every 200 ms until the step moves on.
    let moved = false;
    void past.finally(() => (moved = true));
    const sending = (async () => {
      while (!moved) {
        await terminal.api.execute({ type: 'camera.frame', jpegBase64: shown });
        await new Promise((r) => setTimeout(r, 200));
      }
    })();
    const view = await past;
    await sending;
    assert.equal(view.error, null, JSON.stringify(view.error));
    assert.ok(view.patient, 'the patient the code names');
    await terminal.api.execute({ type: 'session.reset' });

    // Cancelled and begun again at once, the phone still up: the same code (within the camera's
    // 3 s repeat window, the frames unchanged) is read again, not dropped as a repeat.
    const again = nextStep(terminal, (s) => s.step !== 'identify' && s.step !== 'identifying' && s.step !== 'idle', 60_000);
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    let readAgain = false;
    void again.finally(() => (readAgain = true));
    while (!readAgain) {
      await terminal.api.execute({ type: 'camera.frame', jpegBase64: shown });
      await new Promise((r) => setTimeout(r, 200));
    }
    await again;
    await terminal.api.execute({ type: 'session.reset' });
  });
});
