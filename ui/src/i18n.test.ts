import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fill, translate, languages, otherLang, textKeys, type TextKey } from './i18n';

describe('i18n', () => {
  it('has a non-empty, distinct text for every key in every language', () => {
    const keys = ['identifyPrompt', 'confirmPay', 'cashFen', 'backToStart'] satisfies TextKey[];
    for (const key of keys) {
      for (const lang of languages) assert.ok(translate(lang, key).length > 0);
      assert.notEqual(translate('zh', key), translate('en', key));
    }
    assert.equal(translate('zh', 'identifyPrompt'), '请出示医保码');
  });

  it('toggles between the two languages', () => {
    assert.equal(otherLang('zh'), 'en');
    assert.equal(otherLang('en'), 'zh');
  });
});

describe('every text', () => {
  it('exists in both languages with the same placeholders', () => {
    const placeholders = (text: string) => [...text.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();
    for (const key of textKeys) {
      assert.ok(translate('zh', key).trim().length > 0 && translate('en', key).trim().length > 0, key);
      assert.deepEqual(placeholders(translate('en', key)), placeholders(translate('zh', key)), key);
    }
  });

  it('fills placeholders and leaves unknown ones visible', () => {
    assert.equal(fill(translate('zh', 'idleBody'), { seconds: 20 }), '20 秒后将返回首页，并清除您的信息。');
    assert.equal(fill('{a} and {b}', { a: 1 }), '1 and {b}');
  });
});
