import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createElement, Suspense } from 'react';
import { renderToString } from 'react-dom/server';
import { later } from './later';

const Shown = ({ word }: { word: string }) => createElement('p', null, word);
const inSuspense = (node: ReturnType<typeof createElement>) => renderToString(createElement(Suspense, { fallback: createElement('i', null, 'loading') }, node));

test('a later component suspends until its chunk is in, then renders without the fallback', async () => {
  let loads = 0;
  const Later = later(() => {
    loads++;
    return Promise.resolve(Shown);
  });
  assert.match(inSuspense(createElement(Later, { word: 'before' })), /loading/);
  await Later.preload();
  const after = inSuspense(createElement(Later, { word: 'after' }));
  assert.match(after, /<p>after<\/p>/);
  assert.doesNotMatch(after, /loading/);
  await Later.preload();
  assert.equal(loads, 1, 'the chunk is fetched once');
});

test('a failed fetch is tried again at the next preload, not kept as a failure', async () => {
  let attempts = 0;
  const Later = later(() => (++attempts === 1 ? Promise.reject(new Error('offline')) : Promise.resolve(Shown)));
  await assert.rejects(Later.preload(), /offline/);
  await Later.preload();
  assert.equal(attempts, 2);
  assert.match(inSuspense(createElement(Later, { word: 'again' })), /<p>again<\/p>/);
});
