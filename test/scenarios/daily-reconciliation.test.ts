import { it } from 'node:test';
import assert from 'node:assert/strict';
import { reconciliationDue } from '../../terminal/staff/daily-reconciliation';

it('reconciles once a day after the set time, and retries a run that did not reach the platform', () => {
  const at = (hhmm: string) => new Date(`2026-11-23T${hhmm}:00`);
  assert.equal(reconciliationDue(at('23:29'), '23:30', null), false);
  assert.equal(reconciliationDue(at('23:30'), '23:30', null), true);
  assert.equal(reconciliationDue(at('23:45'), '23:30', { date: '2026-11-23', error: null }), false);
  assert.equal(reconciliationDue(at('23:45'), '23:30', { date: '2026-11-23', error: 'platform did not answer (timeout)' }), true);
  assert.equal(reconciliationDue(at('23:45'), '23:30', { date: '2026-11-22', error: null }), true);
});
