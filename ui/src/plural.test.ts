import { test } from 'node:test';
import assert from 'node:assert/strict';
import { translate, type Lang, type TextKey } from './i18n';
import { countText } from './plural';

const tr = (lang: Lang) => (key: TextKey) => translate(lang, key);

test('English counts agree with their number; Chinese has one form', () => {
  const items = { one: 'itemCountOne', other: 'itemCount' } as const;
  assert.equal(countText('en', tr('en'), items, 1), '1 item');
  assert.equal(countText('en', tr('en'), items, 2), '2 items');
  assert.equal(countText('en', tr('en'), items, 0), '0 items');
  assert.equal(countText('en', tr('en'), { one: 'adminPinEnteredOne', other: 'adminPinEntered' }, 1), '1 digit entered');
  assert.equal(countText('en', tr('en'), { one: 'historyMoreOne', other: 'historyMore' }, 1), '1 older record is not shown; please ask at the service desk.');
  assert.equal(countText('zh', tr('zh'), items, 1), '共 1 项');
  assert.equal(countText('zh', tr('zh'), items, 3), '共 3 项');
});
