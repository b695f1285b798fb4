// Plays the spoken prompt of a screen through one <audio> element when the screen changes, the
// language changes or the idle warning shows, then the amount to pay from number clips where the
// screen asks the patient to pay one. Switched off, it stops at once. A refused play() (autoplay
// before the first touch, no audio device) is silent: the screen says it all too.
import { useEffect, useRef } from 'react';
import type { Lang } from './i18n';
import { promptUrl, type VoicePrompt } from './voice-prompts';
import { amountClips, numberClipUrl } from './voice-amount';

export function useVoice(enabled: boolean, lang: Lang, prompt: VoicePrompt | null, amountFen: number | null = null) {
  const audio = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = audio.current;
    if (!el) return;
    if (!enabled || prompt === null) {
      el.pause();
      return;
    }
    const clips = amountFen === null ? [] : amountClips(lang, amountFen);
    const queue = [promptUrl(lang, prompt), ...clips.map((c) => numberClipUrl(lang, c))];
    el.dataset.prompt = `${lang}/${prompt}`;
    el.dataset.spoken = clips.join(' ');
    // One clip after another on the same element: each starts when the one before has ended.
    let next = 0;
    const playNext = () => {
      const url = queue[next++];
      if (url === undefined) return;
      el.src = url;
      el.play().catch(() => undefined);
    };
    el.addEventListener('ended', playNext);
    playNext();
    return () => el.removeEventListener('ended', playNext);
  }, [enabled, lang, prompt, amountFen]);
  return audio;
}
