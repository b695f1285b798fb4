import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatMsgid, formatWireTime } from './msgid';

describe('formatMsgid', () => {
  it('is code(12) + yyyyMMddHHmmss(14) + sequence(4)', () => {
    const at = new Date(2024, 0, 5, 9, 3, 7);
    const id = formatMsgid('H33010000001', at, 42);
    assert.equal(id, 'H33010000001202401050903070042');
    assert.equal(id.length, 30);
  });
  it('wraps the sequence at 10000', () => {
    assert.equal(formatMsgid('H33010000001', new Date(2024, 0, 1), 10_001).slice(-4), '0001');
  });
  it('refuses a code that is not 12 characters', () => {
    assert.throws(() => formatMsgid('H3301', new Date(), 1));
  });
  it('formats inf_time', () => {
    assert.equal(formatWireTime(new Date(2024, 11, 31, 23, 59, 58)), '2024-12-31 23:59:58');
  });
});
