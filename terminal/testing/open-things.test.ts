// The open-things check's judgement: an unexpected leftover fails, an expected one passes only in
// the number stated and stays allowed while it is open, and an expectation nothing meets fails.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { judgeOpenThings, type OpenThing } from './open-things.testkit';

const registration = (id: string, psnNo: string): OpenThing => ({ kind: 'registration', id, psnNo, detail: `registration ${id}` });
const feeLine = (id: string, psnNo: string): OpenThing => ({ kind: 'fee-line', id, psnNo, detail: `fee line ${id}` });

it('fails on what nobody expected, names it, and passes when nothing is open', () => {
  assert.deepEqual(judgeOpenThings([], [], new Map()), []);
  assert.deepEqual(judgeOpenThings([registration('M1', 'P1')], [], new Map()), ['  registration M1: registration M1']);
});

it('takes an expected leftover in the stated number only, and carries the allowance until it closes', () => {
  const allowed = new Map<string, string>();
  const open = [registration('M1', 'P1'), feeLine('M1/1', 'P1'), feeLine('M1/2', 'P1')];
  const stated = [
    { kind: 'registration' as const, psnNo: 'P1', reason: 'sent to staff' },
    { kind: 'fee-line' as const, psnNo: 'P1', count: 2, reason: 'sent to staff' },
  ];
  assert.deepEqual(judgeOpenThings(open, stated, allowed), []);
  // The next test states nothing: the same things, still open, stay allowed; a new one does not.
  assert.deepEqual(judgeOpenThings([...open, registration('M2', 'P2')], [], allowed), ['  registration M2: registration M2']);
  // Closed, the allowance ends: the same key open again later is a leftover again.
  assert.deepEqual(judgeOpenThings([], [], allowed), []);
  assert.equal(allowed.size, 0);
  assert.deepEqual(judgeOpenThings([registration('M1', 'P1')], [], allowed), ['  registration M1: registration M1']);
});

it('fails an expectation nothing meets, or met in another number or by another person', () => {
  const stated = [{ kind: 'fee-line' as const, psnNo: 'P1', count: 2, reason: 'why' }];
  assert.deepEqual(judgeOpenThings([feeLine('M1/1', 'P1')], stated, new Map()), ['  expected 2 open fee-line of P1 (why), found 1']);
  assert.deepEqual(judgeOpenThings([], [{ kind: 'stay', reason: 'why' }], new Map()), ['  expected 1 open stay (why), found 0']);
  assert.deepEqual(judgeOpenThings([registration('M1', 'P2')], [{ kind: 'registration', psnNo: 'P1', reason: 'why' }], new Map()), [
    '  expected 1 open registration of P1 (why), found 0',
    '  registration M1: registration M1',
  ]);
});
