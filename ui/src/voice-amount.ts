// The amount to pay, spoken from bundled number clips (ui/audio/generate.sh makes them with the
// same voice as the prompts): Electron on Linux has no speech synthesis and nothing may call a voice
// service, so an amount is a sequence of small files, composed here the way it is read aloud.
// Chinese reads money as 元/角/分 with 万 grouping and 零 for skipped places; English reads the
// yuan in words and the fen as two digits after "point", as the screen shows ¥12,747.20.
import type { Lang } from './i18n';

/** Clip names under audio/<lang>/n/: digits, place words and the lead-in. */
export const numberClips: Record<Lang, readonly string[]> = {
  zh: ['pay-now', '0', '1', '2', '3', '4', '5', '6', '7', '8', '9', 'liang', 'shi', 'bai', 'qian', 'wan', 'yi', 'yuan', 'jiao', 'fen', 'zheng'],
  en: [
    'pay-now',
    ...Array.from({ length: 20 }, (_, i) => String(i)),
    ...['20', '30', '40', '50', '60', '70', '80', '90'],
    'hundred',
    'thousand',
    'million',
    'point',
    'yuan',
  ],
};

/** Amounts past this are read as the screen shows them, not spoken (no bill at a kiosk comes near). */
export const maxSpokenFen = 99_999_999_99;

const zhPlaces = ['', 'shi', 'bai', 'qian'] as const;

/** 0 < n < 10,000 in Chinese, with 零 where places are skipped between digits; `lead` drops 一 before 十. */
function zhGroup(n: number, lead: boolean): string[] {
  const digits = String(n).padStart(4, '0').split('').map(Number);
  const out: string[] = [];
  let zeroPending = false;
  digits.forEach((d, i) => {
    const place = zhPlaces[3 - i]!;
    if (d === 0) {
      if (out.length > 0) zeroPending = true;
      return;
    }
    if (zeroPending) out.push('0');
    zeroPending = false;
    // 十二 not 一十二 at the head of the number; 一百一十 inside it.
    if (!(lead && out.length === 0 && d === 1 && place === 'shi')) out.push(String(d));
    if (place) out.push(place);
  });
  return out;
}

function zhInteger(n: number): string[] {
  if (n === 0) return ['0'];
  const groups: Array<{ value: number; unit: string }> = [
    { value: Math.floor(n / 100_000_000), unit: 'yi' },
    { value: Math.floor(n / 10_000) % 10_000, unit: 'wan' },
    { value: n % 10_000, unit: '' },
  ];
  const out: string[] = [];
  let zeroPending = false;
  for (const g of groups) {
    if (g.value === 0) {
      if (out.length > 0) zeroPending = true;
      continue;
    }
    // A group below 1000 after a higher one is read with 零 (一万零五百), as is a skipped group.
    if (out.length > 0 && (zeroPending || g.value < 1000)) out.push('0');
    zeroPending = false;
    out.push(...zhGroup(g.value, out.length === 0));
    if (g.unit) out.push(g.unit);
  }
  return out;
}

/** 两百, 两千, 两万 as people say them; 二十 and a last 二 stay. */
const liangBefore = new Set(['bai', 'qian', 'wan', 'yi']);
const spokenTwos = (clips: string[]): string[] => clips.map((c, i) => (c === '2' && liangBefore.has(clips[i + 1] ?? '') ? 'liang' : c));

function zhAmount(fen: number): string[] {
  const yuan = Math.floor(fen / 100);
  const jiao = Math.floor(fen / 10) % 10;
  const f = fen % 10;
  const out = yuan > 0 ? [...spokenTwos(zhInteger(yuan)), 'yuan'] : [];
  if (jiao === 0 && f === 0) return [...out, 'zheng'];
  if (jiao > 0) out.push(String(jiao), 'jiao');
  else if (yuan > 0) out.push('0');
  if (f > 0) out.push(String(f), 'fen');
  return out;
}

function enBelowThousand(n: number): string[] {
  const out: string[] = [];
  if (n >= 100) out.push(String(Math.floor(n / 100)), 'hundred');
  const rest = n % 100;
  if (rest === 0) return out;
  if (rest < 20) return [...out, String(rest)];
  out.push(String(rest - (rest % 10)));
  if (rest % 10) out.push(String(rest % 10));
  return out;
}

function enInteger(n: number): string[] {
  if (n === 0) return ['0'];
  const out: string[] = [];
  const millions = Math.floor(n / 1_000_000);
  const thousands = Math.floor(n / 1000) % 1000;
  if (millions) out.push(...enBelowThousand(millions), 'million');
  if (thousands) out.push(...enBelowThousand(thousands), 'thousand');
  out.push(...enBelowThousand(n % 1000));
  return out;
}

function enAmount(fen: number): string[] {
  const cents = fen % 100;
  const out = enInteger(Math.floor(fen / 100));
  if (cents) out.push('point', String(Math.floor(cents / 10)), String(cents % 10));
  return [...out, 'yuan'];
}

/** The clips that say "you need to pay <amount>"; none for nothing to pay or an amount past reading. */
export function amountClips(lang: Lang, fen: number): string[] {
  if (!Number.isSafeInteger(fen) || fen <= 0 || fen > maxSpokenFen) return [];
  return ['pay-now', ...(lang === 'zh' ? zhAmount(fen) : enAmount(fen))];
}

export function numberClipUrl(lang: Lang, clip: string): string {
  return `./audio/${lang}/n/${clip}.ogg`;
}
