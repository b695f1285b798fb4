import { it } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { contextCache } from './context-cache';
import { createSealer } from './sealed';

it('opens a sealed context once, and again only when the bytes in the row are not the bytes it opened', () => {
  const sealer = createSealer(randomBytes(32));
  let opens = 0;
  const open = (b: Buffer) => {
    opens++;
    return sealer.open(b);
  };
  const cache = contextCache(8);
  const first = sealer.seal('{"pay":"account"}');
  assert.equal(cache.plain('v1', first, open), '{"pay":"account"}');
  assert.equal(cache.plain('v1', Buffer.from(first), open), '{"pay":"account"}');
  assert.equal(opens, 1);
  // The same context sealed again has other bytes (its own nonce): opened, not taken for the old one.
  const changed = sealer.seal('{"pay":"cash"}');
  assert.equal(cache.plain('v1', changed, open), '{"pay":"cash"}');
  assert.equal(opens, 2);
  // A rolled-back write: the row still holds the older bytes, which no longer match the entry.
  assert.equal(cache.plain('v1', first, open), '{"pay":"account"}');
  assert.equal(opens, 3);
  // What was just sealed needs no open.
  const sealed = sealer.seal('{"pay":"credit"}');
  cache.remember('v2', sealed, '{"pay":"credit"}');
  assert.equal(cache.plain('v2', sealed, open), '{"pay":"credit"}');
  assert.equal(opens, 3);
});

it('holds at most its limit, dropping the visit read least recently, and forgets a visit on request', () => {
  const cache = contextCache(2);
  const open = (b: Buffer) => b.toString();
  const a = Buffer.from('a');
  cache.plain('a', a, open);
  cache.plain('b', Buffer.from('b'), open);
  cache.plain('a', a, open);
  cache.plain('c', Buffer.from('c'), open);
  assert.equal(cache.size, 2);
  let opened = 0;
  const counting = (b: Buffer) => {
    opened++;
    return b.toString();
  };
  cache.plain('a', a, counting);
  assert.equal(opened, 0, 'a was read after b, so b went');
  cache.plain('b', Buffer.from('b'), counting);
  assert.equal(opened, 1);
  cache.forget('b');
  cache.forget('a');
  assert.equal(cache.size, 0);
});
