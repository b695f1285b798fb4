import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatFen } from './money';

describe('formatFen', () => {
  it('formats fen as grouped yuan', () => {
    assert.equal(formatFen(0), '¥0.00');
    assert.equal(formatFen(5), '¥0.05');
    assert.equal(formatFen(100), '¥1.00');
    assert.equal(formatFen(123456), '¥1,234.56');
    assert.equal(formatFen(100000), '¥1,000.00');
    assert.equal(formatFen(99999), '¥999.99');
    assert.equal(formatFen(123456789), '¥1,234,567.89');
    assert.equal(formatFen(Number.MAX_SAFE_INTEGER), '¥90,071,992,547,409.91');
  });

  it('puts the sign before the currency for refunds', () => {
    assert.equal(formatFen(-5), '-¥0.05');
    assert.equal(formatFen(-123456), '-¥1,234.56');
  });

  it('refuses anything that is not integer fen', () => {
    assert.throws(() => formatFen(1.5), RangeError);
    assert.throws(() => formatFen(Number.NaN), RangeError);
    assert.throws(() => formatFen(2 ** 53), RangeError);
  });
});
