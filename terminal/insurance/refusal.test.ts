// The one classification table of non-zero answers: one test a row (its example gets its verdict,
// and no earlier row takes it); only -1, the spec's documented failure, is a refusal; any other
// non-zero infcode is an unknown outcome whatever its words.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { answerTable, classifyAnswer, refusalReasonOf, refusalReasons } from './refusal';
import { classifyCallAnswer } from './client';

describe('answer classification (one table)', () => {
  for (const [i, row] of answerTable.entries()) {
    it(`row ${i}: infcode ${row.example.infcode} "${row.example.errMsg}" is ${row.verdict.kind === 'refused' ? `refused/${row.verdict.reason}` : `unknown/${row.verdict.why}`}`, () => {
      assert.deepEqual(classifyAnswer(row.example.infcode, row.example.errMsg), row.verdict);
      const first = answerTable.findIndex((r) => r.infcode === row.infcode && (!r.text || r.text.test(row.example.errMsg)));
      assert.equal(first, i, 'no earlier row takes the example');
    });
  }

  it('the simulator’s three 2601 refusals are told apart: never arrived, refused, already undone', () => {
    assert.equal(refusalReasonOf(-1, '原交易[X]不存在，无需冲正'), 'not-found');
    assert.equal(refusalReasonOf(-1, '原交易[X]未成功，无需冲正'), 'nothing-to-undo');
    assert.equal(refusalReasonOf(-1, '原交易[X]已冲正'), 'already-reversed');
  });

  it('an undo refused because the thing is settled is already-settled (2205 and 2202 texts)', () => {
    assert.equal(refusalReasonOf(-1, '无可撤销的未结算费用明细'), 'already-settled');
    assert.equal(refusalReasonOf(-1, '收费批次号[0000]无可撤销的未结算费用明细'), 'already-settled');
    assert.equal(refusalReasonOf(-1, '就诊已结算，请先撤销结算'), 'already-settled');
  });

  it('infcode 2 "交易处理中，请稍后查询" and any undocumented code are unknown, never a refusal', () => {
    assert.deepEqual(classifyAnswer(2, '交易处理中，请稍后查询'), { kind: 'unknown', why: 'in-progress' });
    for (const code of [1, 2, 5, 7, -2, 999]) {
      for (const text of ['模拟错误码', '原交易[X]已冲正', '余额不足', '']) {
        assert.equal(classifyAnswer(code, text).kind, 'unknown', `${code} ${text}`);
      }
    }
    assert.throws(() => refusalReasonOf(2, '交易处理中，请稍后查询'));
  });

  it('anything else under -1 is other, with nothing guessed', () => {
    assert.equal(refusalReasonOf(-1, '共济人员[P2]与参保人无共济绑定关系'), 'other');
    assert.equal(refusalReasonOf(-1, ''), 'other');
  });

  it('infcode 0 is not a verdict', () => {
    assert.throws(() => classifyAnswer(0, '已冲正'));
  });

  it('every reason has a row, and the client carries the verdict: rejected with reason, or unknown', () => {
    const reasons = new Set(answerTable.flatMap((r) => (r.verdict.kind === 'refused' ? [r.verdict.reason] : [])));
    assert.deepEqual(reasons, new Set(refusalReasons));
    const o = classifyCallAnswer('2601', { kind: 'answered', status: 200, text: JSON.stringify({ infcode: -1, err_msg: '原交易[X]已冲正', output: null }) });
    assert.ok(o.kind === 'rejected');
    assert.equal(o.reason, 'already-reversed');
    assert.equal(o.errMsg, '原交易[X]已冲正');
    const u = classifyCallAnswer('2207', { kind: 'answered', status: 200, text: JSON.stringify({ infcode: 2, err_msg: '交易处理中，请稍后查询', output: null }) });
    assert.ok(u.kind === 'unknown', JSON.stringify(u));
    assert.equal(u.reason, 'undocumented-infcode');
    assert.match(u.detail, /infcode 2 \(in-progress\)/);
  });
});
