// The pay-link page shows money from integer fen the way the platform settled it, never through a float.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import type { InRoomPatientView } from '../../kiosk/in-room-requests';
import { renderPayPage } from './pay-page';

const view = (totalFen: number, split: InRoomPatientView['split'] = null): InRoomPatientView => ({
  status: 'waiting',
  deptName: '内科',
  requester: '王医生',
  items: [{ name: '阿莫西林胶囊', quantity: '2', amountFen: totalFen }],
  totalFen,
  split,
  next: 'identify',
});

const total = (html: string) => /id="total">([^<]+)</.exec(html)?.[1];

it('shows amounts to the fen from integer fen', () => {
  assert.equal(total(renderPayPage(view(12_345), '/pay/x')), '¥123.45');
  assert.equal(total(renderPayPage(view(7), '/pay/x')), '¥0.07');
  assert.equal(total(renderPayPage(view(0), '/pay/x')), '¥0.00');
  // Where fen / 100 as a float lands on the neighbouring fen (toFixed gave ".91").
  assert.equal(total(renderPayPage(view(9_007_199_254_740_990), '/pay/x')), '¥90071992547409.90');
});

it('shows the split the same way, and refuses an amount that is not whole fen', () => {
  const split = {
    totalFen: 5_142_322,
    fundFen: 4_346_689,
    basicFundFen: 3_455_022,
    criticalIllnessFen: 891_667,
    largeAmountFundFen: 0,
    medicalAidFen: 0,
    otherFundFen: 0,
    personalAccountFen: 0,
    familyAccountFen: 0,
    cashFen: 795_633,
    balanceAfterFen: null,
  };
  const html = renderPayPage({ ...view(5_142_322, split), next: 'confirm' }, '/pay/x');
  assert.match(html, /data-k="fund">¥43466.89</);
  assert.match(html, /data-k="cash">¥7956.33</);
  // 一单式: each fund by the name the receipt and the slip use, the 大病 line included; none that paid nothing.
  const lines = [...html.matchAll(/<dt class="sub">([^<]+)<\/dt><dd data-k="fund-line" data-field="(\w+)">([^<]+)</g)].map((m) => [m[2], m[1], m[3]]);
  assert.deepEqual(lines, [
    ['basicFundFen', '统筹基金', '¥34550.22'],
    ['criticalIllnessFen', '大病保险', '¥8916.67'],
  ]);
  assert.throws(() => renderPayPage(view(12.5), '/pay/x'), /not a yuan amount/);
});
