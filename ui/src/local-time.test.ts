import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { formatLocalTime } from './local-time';

describe('formatLocalTime', () => {
  it('shows the local wall-clock time in the patient language', () => {
    const iso = new Date(2025, 0, 2, 3, 4, 5).toISOString();
    assert.equal(formatLocalTime(iso, 'zh'), '2025年1月2日 03:04:05');
    assert.equal(formatLocalTime(iso, 'en'), '2 Jan 2025, 03:04:05');
  });

  it('passes through text that is not a time rather than showing "Invalid Date"', () => {
    assert.equal(formatLocalTime('soon', 'en'), 'soon');
  });
});
