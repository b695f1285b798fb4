import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { qrPath } from './qr-path';

describe('qrPath', () => {
  it('merges a row of dark modules into one rectangle, offset by the quiet zone', () => {
    const grid = ['##.#', '....', '.###', '#...'];
    const path = qrPath({ size: 4, dark: (x, y) => grid[y]![x] === '#' });
    assert.equal(path, 'M4 4h2v1h-2zM7 4h1v1h-1zM5 6h3v1h-3zM4 7h1v1h-1z');
  });

  it('draws nothing for an all-light symbol', () => {
    assert.equal(qrPath({ size: 3, dark: () => false }, 2), '');
  });
});
