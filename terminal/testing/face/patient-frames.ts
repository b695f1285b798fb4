// A patient in front of the kiosk camera, as JPEG frames made once (encoding on every tick starved
// the card reader's conversation on the test's own event loop): three looks straight on, and the
// eight frames of a head turn each way, 0.1 -> 0.5 -> 0.1, for the challenge. `left` and `right`
// are the challenge's sides: the way the nose moves in the image.
import jpeg from 'jpeg-js';
import type { Box, Frame } from '../../face/frame';
import { camera, placeFace, turnHead } from './augment';

export interface PatientFrames {
  front: string[];
  left: string[];
  right: string[];
}

const TURN = [0.1, 0.25, 0.4, 0.5, 0.5, 0.4, 0.25, 0.1];

/** Base64 JPEGs of the face `box` of `photo` in a 640x480 kiosk frame. */
export function patientFrames(photo: Frame, box: Box, quality = 85): PatientFrames {
  const encode = (amount: number, seed: number) => {
    const frame = camera(turnHead(placeFace(photo, box, { faceSide: 200, centerX: 320, centerY: 230, rotationDegrees: 0 }), 320, amount), seed);
    return Buffer.from(jpeg.encode({ width: frame.width, height: frame.height, data: Buffer.from(frame.data) }, quality).data).toString('base64');
  };
  return { front: [1, 2, 3].map((k) => encode(0, k)), left: TURN.map((a, k) => encode(a, 10 + k)), right: TURN.map((a, k) => encode(-a, 20 + k)) };
}
