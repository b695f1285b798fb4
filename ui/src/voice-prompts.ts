// The spoken prompt for each screen, as bundled audio (ui/audio/generate.sh makes the files):
// Electron on Linux has no speech-synthesis voices, and nothing may call a voice service.
// Only screens where the patient must act get a prompt; a progress screen stays quiet.
import type { SessionStep } from '../../terminal/api/schema';
import type { Lang } from './i18n';

export const voicePrompts = ['identify', 'confirm', 'receipt', 'pending', 'error', 'idle-warning'] as const;
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

/** Relative to the page, like every asset of the build (base './'). */
export function promptUrl(lang: Lang, prompt: VoicePrompt): string {
  return `./audio/${lang}/${prompt}.ogg`;
}
