// 查询 names each payer of a past visit the way the receipt did (一单式: the 大病 line stays), and a
// visit whose refund is under way says so instead of "pending". Rendered to markup as React renders it.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { HistoryVisit, SessionView } from '../../../terminal/api/schema';
import { historyVisit } from '../../../terminal/kiosk/history';
import type { SettlementRow } from '../../../terminal/journal/journal';
import { translate, type Lang } from '../i18n';
import { History } from './History';

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

/** A journal row as the 查询 list reads it, in the given state. */
function row(id: string, state: string): SettlementRow & { settledAt: string | null } {
  return {
    id,
    state,
    service: 'discharge',
    createdAt: '2024-01-10T01:00:00.000Z',
    settledAt: '2024-01-10T02:00:00.000Z',
    setlId: `SETL-${id}`,
    slipNo: null,
    totalFen: split.totalFen,
    splitJson: JSON.stringify(split),
  } as unknown as SettlementRow & { settledAt: string | null };
}

function render(visits: HistoryVisit[], lang: Lang = 'zh'): string {
  const session = { step: 'history', patient: null, history: { visits, reports: [], printedId: null } } as unknown as SessionView;
  return renderToStaticMarkup(createElement(History, { session, status: null, t: (k) => translate(lang, k), lang, elderly: false, busy: false, run: () => {}, submit: () => {} }));
}

const payerLines = (html: string) =>
  [...html.matchAll(/data-testid="history-payer-line" data-field="(\w+)"><dt>([^<]+)<\/dt><dd>([^<]+)<\/dd>/g)].map((m) => [m[1], m[2], m[3]]);

it('lists each payer of a past visit by the receipt’s names, 大病 included, and none that paid nothing', () => {
  const html = render([historyVisit(row('A', 'closed'))]);
  assert.deepEqual(payerLines(html), [
    ['basicFundFen', '统筹基金', '¥34,550.22'],
    ['criticalIllnessFen', '大病保险', '¥8,916.67'],
    ['cashFen', '现金', '¥7,956.33'],
  ]);
  assert.match(html, /data-status="settled"/);
});

it('says 已退费 for a refunded visit and 退费处理中 while the refund is under way, not "pending"', () => {
  const visits = [historyVisit(row('R', 'refunded')), historyVisit(row('Q', 'refund-query-pending')), historyVisit(row('C', 'refund-cash-pending'))];
  assert.deepEqual(
    visits.map((v) => v.status),
    ['refunded', 'refunding', 'refunding'],
  );
  const statuses = (html: string) => [...html.matchAll(/data-testid="history-status"[^>]*>([^<]+)</g)].map((m) => m[1]);
  assert.deepEqual(statuses(render(visits)), ['已退费', '退费处理中', '退费处理中']);
  assert.deepEqual(statuses(render(visits, 'en')), ['Refunded', 'Refund under way', 'Refund under way']);
  assert.ok(visits.every((v) => !v.printable), 'no receipt reprint of a visit being taken back');
});

it('shows no payer lines for a visit that was never paid', () => {
  assert.deepEqual(payerLines(render([historyVisit({ ...row('X', 'cancelled'), splitJson: null })])), []);
});
