// The receipt screen names every fund that paid (一单式), as the confirm screen did: the 大病 line of
// the 51,423.22 discharge must not vanish after confirm. Rendered to markup, the way React renders it.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { SessionView } from '../../../terminal/api/schema';
import { translate } from '../i18n';
import { Receipt } from './Receipt';

// The seed's discharge example as the platform split it (fen).
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

it('lists each fund that paid on the receipt, by the confirm screen’s names, and leaves out the ones that paid nothing', () => {
  const session = {
    step: 'receipt',
    patient: null,
    receipt: { settlementId: 'S1', platformSettlementId: 'SETL1', settledAt: '2024-01-10T02:00:00.000Z', split, balanceAfterFen: null },
  } as unknown as SessionView;
  const html = renderToStaticMarkup(
    createElement(Receipt, { session, status: null, t: (k) => translate('zh', k), lang: 'zh', elderly: false, busy: false, run: () => {}, submit: () => {} }),
  );
  const lines = [...html.matchAll(/data-testid="receipt-fund-line" data-field="(\w+)"><dt>([^<]+)<\/dt><dd>([^<]+)<\/dd>/g)].map((m) => [m[1], m[2], m[3]]);
  assert.deepEqual(lines, [
    ['basicFundFen', '统筹基金', '¥34,550.22'],
    ['criticalIllnessFen', '大病保险', '¥8,916.67'],
  ]);
});

it('leaves out a fund total of ¥0.00 and says in one line why the funds paid nothing (issue 14, item 5)', () => {
  const nothingFromFunds = { ...split, totalFen: 8_000, fundFen: 0, basicFundFen: 0, criticalIllnessFen: 0, cashFen: 8_000 };
  const session = {
    step: 'receipt',
    patient: null,
    receipt: { settlementId: 'S2', platformSettlementId: 'SETL2', settledAt: '2024-01-10T02:00:00.000Z', split: nothingFromFunds, balanceAfterFen: null },
  } as unknown as SessionView;
  for (const lang of ['zh', 'en'] as const) {
    const html = renderToStaticMarkup(
      createElement(Receipt, { session, status: null, t: (k) => translate(lang, k), lang, elderly: false, busy: false, run: () => {}, submit: () => {} }),
    );
    assert.ok(!html.includes('data-testid="receipt-fund"'), `no ¥0.00 fund row (${lang})`);
    assert.ok(!html.includes('data-testid="receipt-fund-line"'), `no ¥0.00 fund lines (${lang})`);
    assert.match(html, /data-testid="fund-zero-why"/, `the one line that says why (${lang})`);
  }
});
