// Counted phrases in the visit's language: English says "1 item" and "2 items", so the form is
// picked by Intl.PluralRules, not by `count === 1` (other languages have more forms than two).
import { fill, type Lang, type TextKey } from './i18n';

const rules: Record<Lang, Intl.PluralRules> = { zh: new Intl.PluralRules('zh-CN'), en: new Intl.PluralRules('en') };

/** `keys.one` where the language's rule says "one" for this count, else `keys.other`; {count} filled in. */
export function countText(lang: Lang, t: (key: TextKey) => string, keys: { one: TextKey; other: TextKey }, count: number): string {
  return fill(t(rules[lang].select(count) === 'one' ? keys.one : keys.other), { count });
}
