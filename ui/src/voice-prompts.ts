// The spoken prompt for each screen, as bundled audio (ui/audio/generate.sh makes the files):
// Electron on Linux has no speech-synthesis voices, and nothing may call a voice service.
// Only screens where the patient must act get a prompt; a progress screen stays quiet.
import type { FacePrompt, SessionStep, SessionView } from '../../terminal/api/schema';
import type { Lang } from './i18n';

export const voicePrompts = [
  'identify',
  'confirm',
  'receipt',
  'pending',
  'error',
  'idle-warning',
  'history',
  'face-look',
  'face-closer',
  'face-turn-left',
  'face-turn-right',
  'face-hold-still',
] as const;
export type VoicePrompt = (typeof voicePrompts)[number];

const byStep: Partial<Record<SessionStep, VoicePrompt>> = {
  identify: 'identify',
  confirm: 'confirm',
  receipt: 'receipt',
  pending: 'pending',
  error: 'error',
};

export function promptForStep(step: SessionStep): VoicePrompt | null {
  return byStep[step] ?? null;
}

/**
 * The face step speaks each instruction as it changes: an elderly patient looking at the camera is
 * not reading the screen. The challenge names the way the nose moves in the camera's image; the
 * patient is told their own side (turning to their right moves the nose to the image's left).
 */
const byFacePrompt: Record<FacePrompt, VoicePrompt> = {
  'look-at-camera': 'face-look',
  'come-closer': 'face-closer',
  'more-light': 'face-look',
  'face-the-camera': 'face-look',
  'one-person-only': 'face-look',
  'hold-still': 'face-hold-still',
  'turn-left': 'face-turn-right',
  'turn-right': 'face-turn-left',
  blink: 'face-look',
};

export function promptForSession(session: Pick<SessionView, 'step' | 'face'> & Partial<Pick<SessionView, 'receipt'>>): VoicePrompt | null {
  if (session.step === 'face') return byFacePrompt[session.face?.prompt ?? 'look-at-camera'];
  // "缴费成功" only when nothing is owed: with money still to pay the screen says where, silently.
  const sp = session.receipt?.selfPay;
  if (session.step === 'receipt' && sp && sp.atCashierFen + sp.owedFen > 0) return null;
  if (session.step === 'history') return 'history';
  return promptForStep(session.step);
}

/** Relative to the page, like every asset of the build (base './'). */
export function promptUrl(lang: Lang, prompt: VoicePrompt): string {
  return `./audio/${lang}/${prompt}.ogg`;
}
