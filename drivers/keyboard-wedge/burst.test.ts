// The keyboard-wedge burst detector: scanner bursts against human typing.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createWedgeDetector, type KeyInput, type WedgeResult } from './burst';

function keys(text: string, startMs: number, gapMs: number, enter = true): KeyInput[] {
  const out = [...text].map((key, i) => ({ key, atMs: startMs + i * gapMs }));
  if (enter) out.push({ key: 'Enter', atMs: startMs + text.length * gapMs });
  return out;
}

const run = (inputs: KeyInput[], detector = createWedgeDetector()): WedgeResult[] => inputs.flatMap((k) => detector.push(k));

describe('createWedgeDetector', () => {
  it('reads a fast burst ending in Enter as a scan', () => {
    assert.deepEqual(run(keys('134567890123456789', 0, 4)), [{ type: 'scan', text: '134567890123456789', kind: 'pay-code' }]);
  });

  it('reads slow typing as typed text', () => {
    assert.deepEqual(run(keys('ZY2024081500123', 0, 120)), [{ type: 'typed', text: 'ZY2024081500123' }]);
  });

  it('splits hand-typed text from a scan that follows it', () => {
    const inputs = [...keys('ab', 0, 150, false), ...keys('ZY2024081500123', 1000, 5)];
    assert.deepEqual(run(inputs), [
      { type: 'typed', text: 'ab' },
      { type: 'scan', text: 'ZY2024081500123', kind: 'hospital-barcode' },
    ]);
  });

  it('ignores Shift between keys, and a short fast burst is typing', () => {
    const inputs: KeyInput[] = [{ key: 'Shift', atMs: 0 }, ...keys('ZY2024081500123', 1, 3)];
    assert.equal(run(inputs)[0]?.type, 'scan');
    assert.deepEqual(run(keys('abc', 0, 3)), [{ type: 'typed', text: 'abc' }]);
    assert.deepEqual(run([{ key: 'Enter', atMs: 0 }]), []);
  });

  it('a long pause before Enter means a person pressed it', () => {
    const inputs = [...keys('ZY2024081500123', 0, 3, false), { key: 'Enter', atMs: 2000 }];
    assert.deepEqual(run(inputs), [{ type: 'typed', text: 'ZY2024081500123' }]);
  });
});
