// The settlement time as the patient reads it: the kiosk's local time in words of their language,
// not the ISO text the core sends. Built from Date's local fields so it does not depend on which
// ICU data the renderer ships.
import type { Lang } from './i18n';

const enMonths = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function formatLocalTime(iso: string, lang: Lang): string {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const two = (n: number) => String(n).padStart(2, '0');
  const clock = `${two(d.getHours())}:${two(d.getMinutes())}:${two(d.getSeconds())}`;
  if (lang === 'zh') return `${d.getFullYear()}年${d.getMonth() + 1}月${d.getDate()}日 ${clock}`;
  return `${d.getDate()} ${enMonths[d.getMonth()] ?? ''} ${d.getFullYear()}, ${clock}`;
}
