// Plays the spoken prompt of a screen through one <audio> element when the screen changes, the
// language changes or the idle warning shows. Switched off, it stops at once. A refused play()
// (autoplay before the first touch, no audio device) is silent: the screen says it all too.
import { useEffect, useRef } from 'react';
import type { Lang } from './i18n';
import { promptUrl, type VoicePrompt } from './voice-prompts';

export function useVoice(enabled: boolean, lang: Lang, prompt: VoicePrompt | null) {
  const audio = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = audio.current;
    if (!el) return;
    if (!enabled || prompt === null) {
      el.pause();
      return;
    }
    el.src = promptUrl(lang, prompt);
    el.dataset.prompt = `${lang}/${prompt}`;
    el.play().catch(() => undefined);
  }, [enabled, lang, prompt]);
  return audio;
}
