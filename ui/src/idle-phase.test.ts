import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { idlePhase, watchesIdle } from './idle-phase';

describe('idle phase', () => {
  const timings = { idleMs: 60_000, warnMs: 20_000 };

  it('warns after the idle time and counts down whole seconds, then expires', () => {
    assert.deepEqual(idlePhase(0, timings), { kind: 'active' });
    assert.deepEqual(idlePhase(59_999, timings), { kind: 'active' });
    assert.deepEqual(idlePhase(60_000, timings), { kind: 'warning', secondsLeft: 20 });
    assert.deepEqual(idlePhase(79_001, timings), { kind: 'warning', secondsLeft: 1 });
    assert.deepEqual(idlePhase(80_000, timings), { kind: 'expired' });
  });

  it('never times out the attract screen or a step where the terminal is working', () => {
    for (const step of ['identify', 'confirm', 'receipt', 'pending', 'error'] as const) assert.equal(watchesIdle(step), true, step);
    for (const step of ['idle', 'identifying', 'loading-bill', 'presettling', 'settling'] as const) assert.equal(watchesIdle(step), false, step);
  });
});
