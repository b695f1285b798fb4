import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { alertDetailText, deviceKindText, formatAge, serviceText, stateText, validReason } from './admin-text';

describe('admin texts', () => {
  it('names an alert’s counts in the screen’s language, and shows a count it does not know as sent', () => {
    const detail = { lines: 1, quantity: 3, threshold: 2, newCount: 7 };
    assert.equal(alertDetailText('zh', detail), '超量项目 1 · 数量 3 · 阈值 2 · newCount 7');
    assert.equal(alertDetailText('en', detail), 'lines 1 · quantity 3 · threshold 2 · newCount 7');
  });

  it('says how long a visit has waited, in both languages', () => {
    assert.equal(formatAge('zh', 42), '42 秒');
    assert.equal(formatAge('en', 42), '42 s');
    assert.equal(formatAge('en', 185), '3 min');
    assert.equal(formatAge('zh', 2 * 3600 + 5 * 60), '2 小时 5 分');
    assert.equal(formatAge('en', 86_400 + 3 * 3600 + 1), '1 d 3 h');
    assert.equal(formatAge('en', -3), '0 s');
  });

  it('names states, services and devices, and shows an unknown state as the core wrote it', () => {
    assert.equal(stateText('zh', 'reversal-pending'), '待冲正');
    assert.equal(stateText('en', 'needs-staff'), 'Needs staff');
    assert.equal(stateText('en', 'brand-new-state'), 'brand-new-state');
    assert.equal(stateText('zh', 'refund-query-pending'), '退费：待查询撤销结果', 'a refund under way is named, not shown as the core wrote it');
    assert.equal(stateText('zh', 'refunded'), '已退费，待通知医院系统');
    assert.equal(serviceText('zh', 'outpatient'), '门诊');
    assert.equal(deviceKindText('en', 'qr-scanner'), 'QR scanner');
  });

  it('accepts a reason the core accepts', () => {
    assert.equal(validReason('  '), null);
    assert.equal(validReason('x'), null);
    assert.equal(validReason(' 已核实 '), '已核实');
    assert.equal(validReason('x'.repeat(201)), null);
  });
});
