// The one classification table of the platform's refusals: one test a row (its example text gets
// its reason, and no earlier row takes it), and what falls through is 'other'.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { refusalReasonOf, refusalReasons, refusalTable } from './refusal';
import { classifyCallAnswer } from './client';

describe('refusal reasons (one table)', () => {
  for (const row of refusalTable) {
    it(`${row.reason}: "${row.example}"`, () => {
      assert.equal(refusalReasonOf(-1, row.example), row.reason);
      // Whatever non-zero infcode carries it (the simulator's wrong-infcode fault answers 1).
      assert.equal(refusalReasonOf(1, row.example), row.reason);
    });
  }

  it('the simulator’s three 2601 refusals are told apart: never arrived, refused, already undone', () => {
    assert.equal(refusalReasonOf(-1, '原交易[X]不存在，无需冲正'), 'not-found');
    assert.equal(refusalReasonOf(-1, '原交易[X]未成功，无需冲正'), 'nothing-to-undo');
    assert.equal(refusalReasonOf(-1, '原交易[X]已冲正'), 'already-reversed');
  });

  it('anything else is other, with nothing guessed', () => {
    assert.equal(refusalReasonOf(-1, '共济人员[P2]与参保人无共济绑定关系'), 'other');
    assert.equal(refusalReasonOf(-1, ''), 'other');
    assert.equal(refusalReasonOf(1, '模拟故障'), 'other');
  });

  it('infcode 0 is not a refusal', () => {
    assert.throws(() => refusalReasonOf(0, '已冲正'));
  });

  it('every reason but other has a row, and the client’s rejected outcome carries it', () => {
    assert.deepEqual(new Set(refusalTable.map((r) => r.reason)), new Set(refusalReasons.filter((r) => r !== 'other')));
    const o = classifyCallAnswer('2601', { kind: 'answered', status: 200, text: JSON.stringify({ infcode: -1, err_msg: '原交易[X]已冲正', output: null }) });
    assert.ok(o.kind === 'rejected');
    assert.equal(o.reason, 'already-reversed');
    assert.equal(o.errMsg, '原交易[X]已冲正');
  });
});
