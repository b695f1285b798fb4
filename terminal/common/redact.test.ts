import { test } from 'node:test';
import assert from 'node:assert/strict';
import { personalValuesIn, redactPersonalData } from './redact';

test('ID numbers, mobile numbers and the known names leave the text; codes and amounts stay', () => {
  const text = '参保人张三丰(33010219800101123X,手机13912345678)的就诊记录MDT2024011500001不存在,金额200.00, 旧证330102800101123';
  const out = redactPersonalData(text, ['张三丰', null, 'x']);
  assert.equal(out, '参保人[name]([ID],手机[phone])的就诊记录MDT2024011500001不存在,金额200.00, 旧证[ID]');
});

test("a call's input names its person by psn_name and certno, at any depth", () => {
  assert.deepEqual(personalValuesIn({ data: { psn_name: '李四', certno: '330106199203152348', begntime: '2024-01-01' }, feedetail: [{ med_list_codg: 'X' }] }).sort(), ['330106199203152348', '李四'].sort());
});
