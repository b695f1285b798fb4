import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { fenToYuan, fenToYuanString, MoneyFormatError, yuanToFen } from './money';

describe('yuanToFen', () => {
  it('converts numbers and numeric strings exactly', () => {
    assert.equal(yuanToFen(34550.22), 3_455_022);
    assert.equal(yuanToFen('34550.22'), 3_455_022);
    assert.equal(yuanToFen('12'), 1_200);
    assert.equal(yuanToFen(-3.5), -350);
    assert.equal(yuanToFen(0.29), 29); // 0.29 * 100 is 28.999999999999996 in floats
    assert.equal(yuanToFen(1.005 * 0 + 51423.22), 5_142_322);
    assert.equal(yuanToFen('0.1'), 10);
    assert.equal(yuanToFen(-0), 0);
  });
  it('refuses anything that is not a 2-decimal amount', () => {
    for (const bad of [12.345, '12.345', '', 'abc', '1e3', 1e21, NaN, Infinity, null, undefined, {}, '1,000.00', 0.1 + 0.2]) {
      assert.throws(() => yuanToFen(bad), MoneyFormatError, `accepted ${String(bad)}`);
    }
  });
});

describe('fenToYuan', () => {
  it('formats with two decimals and round-trips', () => {
    assert.equal(fenToYuanString(123_450), '1234.50');
    assert.equal(fenToYuanString(-5), '-0.05');
    assert.equal(fenToYuanString(0), '0.00');
    assert.equal(fenToYuan(3_455_022), 34550.22);
    for (let fen = -1000; fen <= 100_000; fen += 7) assert.equal(yuanToFen(fenToYuan(fen)), fen);
  });
  it('refuses non-integer fen', () => {
    assert.throws(() => fenToYuanString(1.5), MoneyFormatError);
  });
});
