// Paying by ID card and face, end to end in the core: the ID card reader on a socat pty, camera
// frames arriving as the renderer sends them (JPEG in base64 through the API), the face model on its
// worker. A patient who paid by 医保码 accepts the receipt's offer and enrols by turning as asked;
// next time the card alone is not enough: their face lets them on, a stranger's face with their card
// is refused, and each check is in the journal.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { SessionView } from '../../terminal/api/schema';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { createPtyPair, type PtyPair } from '../../drivers/transport/pty';
import { modelMissing, parseFaceConfig } from '../../terminal/face/face-config';
import { FacePipeline } from '../../terminal/face/face-pipeline';
import type { Box, Frame } from '../../terminal/face/frame';
import { loadSamplePhoto } from '../../terminal/testing/face/sample-photos';
import { patientFrames, type PatientFrames } from '../../terminal/testing/face/patient-frames';
import { openJournal } from '../../terminal/journal/journal';
import { formatMsgid } from '../../terminal/insurance/msgid';
import { nextStep, presentIdCard } from '../../terminal/testing/terminal.testkit';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');
const skip = modelMissing(parseFaceConfig().detector.model) ?? false;

describe('paying by ID card and face', { skip }, () => {
  const open = nothingOpenAfterEach();
  let pty: PtyPair;
  let terminal: RunningTerminal;
  let dataDir: string;
  let photo: Frame;
  let boxes: Box[];

  before(async () => {
    pty = await createPtyPair();
    dataDir = mkdtempSync(join(tmpdir(), 'face-pay-'));
    terminal = await startTerminal({
      config: parseConfig({
        devices: [{ id: 'id-1', kind: 'id-card', pollMs: 50, transport: { type: 'serial', path: pty.hostPath } }],
        face: { enabled: true, idCard: 'if-enrolled', frameTimeoutMs: 4000 },
      }),
      dataDir,
      fixturesDir,
    });
    open.track(terminal);
    photo = loadSamplePhoto('sample6.jpg');
    const finder = await FacePipeline.open();
    boxes = await finder.detect(photo);
    await finder.close();
  });
  after(async () => {
    await terminal?.close();
    await pty?.close();
  });

  /** A person in front of the kiosk's camera at ~5 frames/s, sent as the renderer sends them; turns
   * the way the screen asks, when it asks. */
  const shotsOf = new Map<Box, PatientFrames>();
  const shots = (box: Box) => shotsOf.get(box) ?? shotsOf.set(box, patientFrames(photo, box)).get(box)!;

  function standInFront(box: Box): () => void {
    const made = shots(box);
    // Asked to turn, a person turns again and again until the screen asks for something else: a busy
    // machine drops frames while the face worker is behind, and a turn played only once could go unseen.
    let turning: { frames: string[]; k: number } | null = null;
    const stopWatching = terminal.api.subscribe((event) => {
      if (event.type !== 'session') return;
      const prompt = event.session.face?.prompt;
      if (prompt === 'turn-left' || prompt === 'turn-right') {
        const frames = prompt === 'turn-left' ? made.left : made.right;
        if (turning?.frames !== frames) turning = { frames, k: 0 };
      } else turning = null;
    });
    let n = 0;
    const timer = setInterval(() => {
      const jpegBase64 = turning ? turning.frames[turning.k++ % turning.frames.length]! : made.front[n++ % made.front.length]!;
      void terminal.api.execute({ type: 'camera.frame', jpegBase64 });
    }, 200);
    return () => {
      clearInterval(timer);
      stopWatching();
    };
  }

  it('an ID card with no face enrolled goes on as before, and frames outside the face step are ignored', async () => {
    const refused = await terminal.api.execute({ type: 'camera.frame', jpegBase64: Buffer.from('not a jpeg at all').toString('base64') });
    assert.equal(refused.ok, true, 'not decoded at all outside the face step');
    const atConfirm = nextStep(terminal, (s) => s.step === 'confirm' || s.step === 'error' || s.step === 'face');
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    await presentIdCard(pty.devicePath, fixturesDir);
    const view = await atConfirm;
    assert.equal(view.step, 'confirm', JSON.stringify(view.error));
    await terminal.api.execute({ type: 'session.reset' });
  });

  it('a patient who paid by 医保码 enrols at the receipt by turning as asked', async () => {
    const platform = terminal.simulators.platform!;
    const atConfirm = nextStep(terminal, (s) => s.step === 'confirm' || s.step === 'error');
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    await terminal.api.execute({ type: 'credential.text', text: platform.mintEcQr('card-holder') });
    const confirm = await atConfirm;
    assert.equal(confirm.step, 'confirm', JSON.stringify(confirm.error));
    const atReceipt = nextStep(terminal, (s) => s.step === 'receipt' || s.step === 'error');
    await terminal.api.execute({ type: 'session.confirm', settlementId: confirm.settlementId! });
    const receipt = await atReceipt;
    assert.equal(receipt.faceOffer, 'offer');

    const done = nextStep(terminal, (s) => s.step === 'receipt' && (s.faceOffer === 'enrolled' || s.faceOffer === 'failed'));
    const stop = standInFront(boxes[0]!);
    const accepted = await terminal.api.execute({ type: 'face.enrol' });
    assert.equal(accepted.ok, true);
    const after = await done.finally(stop);
    assert.equal(after.faceOffer, 'enrolled');
    assert.ok(after.receipt, 'the receipt is still on screen');
    const again = await terminal.api.execute({ type: 'face.enrol' });
    assert.equal(again.ok, false, 'the offer is not made twice');
    await terminal.api.execute({ type: 'session.reset' });
  });

  it('next time the card holder\'s own face lets the card through; a stranger with the card is refused', async () => {
    // Theirs: past the face step to the bill (already paid above, so: no bill to pay).
    let stop = standInFront(boxes[0]!);
    const sawFace = nextStep(terminal, (s) => s.step === 'face');
    const passed = nextStep(terminal, (s) => s.step === 'confirm' || s.step === 'error');
    let view: SessionView;
    try {
      await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
      await presentIdCard(pty.devicePath, fixturesDir);
      await sawFace;
      view = await passed;
    } finally {
      stop();
    }
    assert.ok(view.step === 'confirm' || !view.error?.code.startsWith('face-'), `face step passed: ${JSON.stringify(view.error)}`);
    await terminal.api.execute({ type: 'session.reset' });

    stop = standInFront(boxes[1]!);
    const refused = nextStep(terminal, (s) => s.step === 'confirm' || s.step === 'error');
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    await presentIdCard(pty.devicePath, fixturesDir);
    const stranger = await refused.finally(stop);
    assert.equal(stranger.step, 'error');
    assert.equal(stranger.error?.code, 'face-mismatch');
    await terminal.api.execute({ type: 'session.reset' });
  });

  it('a face the camera cannot settle (a photo that cannot turn) waits for staff, who confirm with PIN and reason', async () => {
    // The card holder's face, standing still: it matches, but the head turn never comes.
    const front = shots(boxes[0]!).front;
    let n = 0;
    const still = setInterval(() => void terminal.api.execute({ type: 'camera.frame', jpegBase64: front[n++ % front.length]! }), 150);
    const waiting = nextStep(terminal, (s) => s.step === 'error' || s.step === 'confirm', 60_000);
    let view: SessionView;
    try {
      await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
      await presentIdCard(pty.devicePath, fixturesDir);
      view = await waiting;
    } finally {
      clearInterval(still);
    }
    assert.equal(view.error?.code, 'face-needs-staff');
    const wrongPin = await terminal.api.execute({ type: 'face.staffConfirm', pin: '999999', reason: '核对了身份证照片' });
    assert.equal(wrongPin.ok, false);
    const leaky = await terminal.api.execute({ type: 'face.staffConfirm', pin: '000000', reason: '本人 440305198001010013' });
    assert.ok(!leaky.ok && leaky.error.code === 'bad-request', 'a reason with an ID number is not recorded');
    const goesOn = nextStep(terminal, (s) => s.step !== 'error' || s.error?.code !== 'face-needs-staff');
    const confirmed = await terminal.api.execute({ type: 'face.staffConfirm', pin: '000000', reason: '核对了身份证照片与本人' });
    assert.equal(confirmed.ok, true);
    const next = await goesOn;
    assert.notEqual(next.error?.code, 'face-needs-staff');
    const again = await terminal.api.execute({ type: 'face.staffConfirm', pin: '000000', reason: '核对了身份证照片与本人' });
    assert.equal(again.ok, false, 'nothing waits for staff any more');
    await terminal.api.execute({ type: 'session.reset' });
  });

  it('every face check is in the journal, with no image and no ID number', async () => {
    await terminal.close();
    const journal = openJournal({ dataDir, institutionCode: parseConfig({}).terminal.institutionCode, formatMsgid });
    const audits = journal.faceAudits(1000);
    journal.close();
    assert.ok(audits.some((a) => a.outcome === 'not-same-person'));
    assert.ok(audits.filter((a) => a.outcome === 'verified' && a.event.challengePassed === true).length >= 2, 'enrolment and the second visit');
    assert.ok(!JSON.stringify(audits).includes('440305198001010013'));
    const staff = audits.filter((a) => a.outcome === 'staff-verified');
    assert.equal(staff.length, 1);
    assert.equal(staff[0]!.event.reason, '核对了身份证照片与本人');
  });
});
