// 医保支付找人: the patient-side page behind the pay link (payLinkBase + request id) the room device
// shows as a QR. The request id (128 random bits) is the only credential, so the page shows the
// bill and the outcome but never a name or ID number. Plain HTML with no script: it reloads itself
// while the payment moves, and its one form sends the patient's 医保码 text (or, at the split, a
// payment code) or the confirm, which the terminal handles as if scanned or tapped on the device.
import type { InRoomPatientView } from '../../kiosk/in-room-requests';
import { fenToYuanString } from '../../common/money';
import { fundLines } from '../../common/vocabulary';

const statusText: Record<InRoomPatientView['status'], string> = {
  waiting: '待支付：请出示医保码或在下方填入医保码',
  paying: '支付中',
  paid: '已支付',
  failed: '未支付成功，请到人工窗口办理',
  cancelled: '已取消',
  expired: '已过期，请找医生重新发起',
  refunded: '已退费',
};

const notices: Record<string, string> = {
  'not-now': '现在不能这样操作，请看设备屏幕上的提示。',
  refused: '没有成功，请检查后再试。',
  'bad-request': '请填入医保码。',
};

const escape = (s: string) => s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
// Integer maths on fen: fen / 100 as a float already misreads amounts past 2^53 / 100 fen.
const yuan = (fen: number) => `¥${fenToYuanString(fen)}`;

/** Security headers for the page: nothing loads from anywhere, forms post back here only. */
export const payPageHeaders = {
  'content-type': 'text/html; charset=utf-8',
  'cache-control': 'no-store',
  'referrer-policy': 'no-referrer',
  'x-content-type-options': 'nosniff',
  'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
};

export function renderPayPage(view: InRoomPatientView, formAction: string, notice?: string): string {
  const rows = view.items.map((i) => `<tr><td>${escape(i.name)}</td><td class="n">${escape(i.quantity)}</td><td class="n">${yuan(i.amountFen)}</td></tr>`).join('');
  const split = view.split
    ? `<h2>医保结算</h2><dl id="split">
<dt>总金额</dt><dd data-k="total">${yuan(view.split.totalFen)}</dd>
<dt>医保基金支付</dt><dd data-k="fund">${yuan(view.split.fundFen)}</dd>
${fundLines(view.split)
  .map((l) => `<dt class="sub">${l.name}</dt><dd data-k="fund-line" data-field="${l.field}">${yuan(l.fen)}</dd>`)
  .join('\n')}
<dt>个人账户支付</dt><dd data-k="account">${yuan(view.split.personalAccountFen + view.split.familyAccountFen)}</dd>
<dt>个人现金支付</dt><dd data-k="cash">${yuan(view.split.cashFen)}</dd></dl>`
    : '';
  const form =
    view.next === 'identify'
      ? `<form method="post" action="${escape(formAction)}"><label for="code">医保码（在医保电子凭证中复制，或扫码得到的文字）</label><input id="code" name="code" autocomplete="off" required maxlength="512"><button type="submit">提交医保码</button></form>`
      : view.next === 'confirm'
        ? `<form method="post" action="${escape(formAction)}"><input type="hidden" name="confirm" value="1"><button type="submit" id="confirm">确认支付</button></form>
<form method="post" action="${escape(formAction)}"><label for="code">或填入付款码支付个人现金部分</label><input id="code" name="code" autocomplete="off" maxlength="512"><button type="submit">用付款码支付</button></form>`
        : '';
  const live = view.status === 'waiting' || view.status === 'paying';
  return `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
${live ? '<meta http-equiv="refresh" content="3">' : ''}<title>诊间支付</title>
<style>body{font-family:sans-serif;margin:1rem;max-width:32rem}table{width:100%;border-collapse:collapse}td{padding:.25rem 0;border-bottom:1px solid #ddd}.n{text-align:right}dl{display:grid;grid-template-columns:1fr auto}dd{margin:0;text-align:right}input{width:100%;font-size:1rem;margin:.5rem 0}button{font-size:1.1rem;padding:.5rem 1rem}.notice{color:#a00}.sub{padding-left:1.5em}</style>
</head><body>
<h1>诊间支付</h1>
<p>${escape(view.deptName)} · ${escape(view.requester)}</p>
<p id="status" data-status="${view.status}">${statusText[view.status]}${view.errorCode ? `（${escape(view.errorCode)}）` : ''}</p>
${notice && notices[notice] ? `<p class="notice" id="notice" data-notice="${escape(notice)}">${notices[notice]}</p>` : ''}
<table id="bill"><tbody>${rows}</tbody><tfoot><tr><td>合计</td><td></td><td class="n" id="total">${yuan(view.totalFen)}</td></tr></tfoot></table>
${split}
${form}
</body></html>`;
}
