import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { translate, languages, otherLang, type TextKey } from './i18n';

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
