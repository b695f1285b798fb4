import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createWedgeCapture } from './wedge';

function feed(keys: string[], gapMs: number, start = 1000): { scans: string[]; consumed: boolean[] } {
  const scans: string[] = [];
  const capture = createWedgeCapture((t) => scans.push(t));
  const consumed = keys.map((k, i) => capture.key(k, start + i * gapMs));
  return { scans, consumed };
}

describe('keyboard-wedge capture', () => {
  it('turns a fast burst ending in Enter into one scan', () => {
    const { scans } = feed([...'ECQR0123456789', 'Enter'], 8);
    assert.deepEqual(scans, ['ECQR0123456789']);
  });

  it('ignores slow human typing', () => {
    const { scans, consumed } = feed([...'12345678', 'Enter'], 120);
    assert.deepEqual(scans, []);
    assert.equal(consumed.some(Boolean), false);
  });

  it('ignores a burst followed by a late Enter', () => {
    const scans: string[] = [];
    const capture = createWedgeCapture((t) => scans.push(t));
    [...'ABCDEFG'].forEach((k, i) => capture.key(k, i * 5));
    capture.key('Enter', 30 + 51);
    assert.deepEqual(scans, []);
  });

  it('drops keys typed slowly before a burst and keeps only the burst', () => {
    const scans: string[] = [];
    const capture = createWedgeCapture((t) => scans.push(t));
    capture.key('x', 0);
    capture.key('y', 300);
    [...'QR123456'].forEach((k, i) => capture.key(k, 1000 + i * 10));
    capture.key('Enter', 1000 + 8 * 10);
    assert.deepEqual(scans, ['QR123456']);
  });

  it('skips modifier keys inside a burst and ignores too-short bursts', () => {
    const scans: string[] = [];
    const capture = createWedgeCapture((t) => scans.push(t));
    ['A', 'Shift', 'b', 'C', 'd', 'Enter'].forEach((k, i) => capture.key(k, i * 5));
    ['1', '2', 'Enter'].forEach((k, i) => capture.key(k, 500 + i * 5));
    assert.deepEqual(scans, ['AbCd']);
  });

  it('treats exactly 50 ms as fast and 51 ms as slow', () => {
    assert.deepEqual(feed([...'ABCD', 'Enter'], 50).scans, ['ABCD']);
    assert.deepEqual(feed([...'ABCD', 'Enter'], 51).scans, []);
  });
});
