// 刷脸 inside the kiosk session: an ID-card patient's face checked against the face they enrolled
// (and, when the camera cannot settle it, staff confirming in person), and the enrolment a patient
// accepts at the receipt. Its own state is only the patient waiting for staff; everything it shows
// goes through the pass it runs in, so a pass that ends (reset, a new begin) stops the camera and
// the wait with it.
import type { Receipt } from '../api/schema';
import { userError, type UserErrorCode } from '../common/user-errors';
import type { FaceService } from '../face/face-service';
import type { Frame } from '../face/frame';
import type { PassFlow } from './session-pass';

/** Config `face`: absent when the terminal has no face check. */
export interface KioskFaceOptions {
  service: FaceService;
  idCard: 'never' | 'if-enrolled' | 'always';
  offerEnrolment: boolean;
}

/** Who a pass identified and by what, kept out of the view (the ID number never goes to the screen). */
export interface IdentifiedBy {
  kind: 'ec-qr' | 'ss-card' | 'id-card';
  idNo: string;
}

const outcomeError = { 'not-same-person': 'face-mismatch', 'staff-check': 'face-needs-staff', 'not-enrolled': 'face-not-enrolled' } as const;

export type FaceFlow = ReturnType<typeof createFaceFlow>;

export function createFaceFlow(face: KioskFaceOptions | undefined) {
  // The one piece of state: a patient of some pass waiting on the screen that says staff are coming.
  let staffWait: { pass: PassFlow; resolve: (confirmed: boolean) => void } | null = null;

  return {
    /** Whether a patient waits for staff, in this pass. */
    awaitingStaff: (pass: PassFlow): boolean => staffWait?.pass === pass && pass.live(),

    /**
     * The camera step for a patient who identified by ID card: the card says who, the face says it
     * is them. Null when they may go on (or the pass ended), else what to tell them.
     */
    async verify(pass: PassFlow, idNo: string): Promise<UserErrorCode | null> {
      if (!face || face.idCard === 'never') return null;
      if (face.idCard === 'if-enrolled' && !face.service.isEnrolled(idNo)) return null;
      pass.move('face-check', { step: 'face', face: { mode: 'verify', prompt: null } });
      const result = await face.service.verify(idNo, (prompt) => pass.move('face-prompt', { face: { mode: 'verify', prompt } }), pass.signal);
      if (!pass.move('face-result', { face: null })) return null;
      if (result.outcome === 'verified') return null;
      if (result.outcome !== 'staff-check') return outcomeError[result.outcome];
      // What the camera could not settle, a person can: staff look at the card and the patient and
      // confirm with their PIN and a reason (audited), or the patient walks away and nothing goes on.
      if (!pass.move('face-needs-staff', { step: 'error', error: userError('face-needs-staff') })) return null;
      const confirmed = await new Promise<boolean>((resolve) => {
        staffWait = { pass, resolve };
        pass.signal.addEventListener('abort', () => resolve(false), { once: true });
      });
      if (staffWait?.pass === pass) staffWait = null;
      if (confirmed) pass.move('staff-confirmed', { error: null });
      return null;
    },

    /** Staff confirmed the waiting patient in person; false when nobody of this pass waits. */
    staffConfirm(pass: PassFlow): boolean {
      const waiting = staffWait;
      if (!waiting || waiting.pass !== pass || !pass.live()) return false;
      waiting.resolve(true);
      return true;
    },

    /** Offered only to a patient identified by 医保码 or social security card (the platform vouched
     * for them), with no face enrolled yet, on a terminal whose ID-card path looks at faces. */
    offerFor(by: IdentifiedBy | null): 'offer' | null {
      if (!face || !face.offerEnrolment || face.idCard === 'never' || !by || by.kind === 'id-card') return null;
      return face.service.isEnrolled(by.idNo) ? null : 'offer';
    },

    canEnrol: (): boolean => face !== undefined,

    /**
     * The patient accepted the receipt's offer: a live face is taken now, and the screen goes back to
     * the receipt saying whether it worked. Returns at once; the screen follows the prompts.
     */
    enrol(pass: PassFlow, idNo: string, receipt: Receipt | null): void {
      if (!face) return;
      pass.move('enrol-face', { step: 'face', face: { mode: 'enrol', prompt: null } });
      void face.service
        .enrol(idNo, (prompt) => pass.move('face-prompt', { face: { mode: 'enrol', prompt } }), pass.signal)
        .then(
          (result) => (result.outcome === 'verified' ? 'enrolled' : 'failed'),
          (err: unknown) => {
            pass.note('face enrolment', err);
            return 'failed' as const;
          },
        )
        .then((faceOffer) => pass.move('face-enrolled', { step: 'receipt', face: null, receipt, faceOffer }))
        .catch((err: unknown) => pass.note('face enrolment, back to the receipt', err));
    },

    /** A camera frame, for the face step that is looking. */
    push(frame: Frame): void {
      face?.service.push(frame);
    },
  };
}
