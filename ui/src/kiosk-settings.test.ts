import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { defaultTimings, timingsFromQuery } from './kiosk-settings';

describe('kiosk timings from the query string', () => {
  it('takes plain numbers within bounds', () => {
    assert.deepEqual(timingsFromQuery('?idleMs=3000&warnMs=2500'), { idleMs: 3000, warnMs: 2500 });
    assert.deepEqual(timingsFromQuery('?idleMs=3000'), { idleMs: 3000, warnMs: defaultTimings.warnMs });
  });

  it('keeps the defaults for anything else', () => {
    for (const bad of ['?idleMs=0', '?idleMs=-5', '?idleMs=1e9', '?idleMs=3000.5', '?idleMs=abc', '?idleMs=99999999', '?idleMs=', '?idleMs=Infinity', '?idleMs=0x10', '']) {
      assert.deepEqual(timingsFromQuery(bad), defaultTimings, bad);
    }
    assert.equal(timingsFromQuery('?warnMs=500').warnMs, defaultTimings.warnMs, 'below the lower bound');
  });

  it('gives a real patient at least 20 s to continue by default', () => {
    assert.ok(defaultTimings.warnMs >= 20_000);
  });
});
