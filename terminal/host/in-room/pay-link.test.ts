// 医保支付找人 end to end over HTTP: a workstation asks for payment, the patient opens the pay link
// (payLinkBase pointing at this in-room server), sees the bill, sends their 医保码 text from the
// phone, sees the split, confirms from the phone, and the simulator's ledger has the settlement the
// workstation then reads as paid. The page names no one, and nothing but the request id opens it.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../config/config';
import { startTerminal, type RunningTerminal } from '../../app/start-terminal';

const fixturesDir = resolve(import.meta.dirname, '..', '..', '..', 'fixtures');
const TOKEN = 'ws1-token-0123456789abcdef';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

describe('the pay link (医保支付找人)', () => {
  let terminal: RunningTerminal;
  before(async () => {
    terminal = await startTerminal({
      config: parseConfig({
        devices: [],
        settlement: { replayIntervalMs: 60_000 },
        inRoom: { enabled: true, workstations: [{ id: 'ws-1', tokenSha256: sha256(TOKEN) }], payLinkBase: 'http://127.0.0.1/in-room/v1/pay/' },
      }),
      dataDir: mkdtempSync(join(tmpdir(), 'pay-link-')),
      fixturesDir,
    });
  });
  after(() => terminal?.close());

  const page = async (path: string) => {
    const res = await fetch(terminal.inRoom!.url + path, { redirect: 'manual' });
    return { status: res.status, headers: res.headers, html: await res.text() };
  };
  const post = async (path: string, form: Record<string, string>) => {
    const res = await fetch(terminal.inRoom!.url + path, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: new URLSearchParams(form).toString() });
    await res.arrayBuffer();
    return { status: res.status, location: res.headers.get('location') };
  };
  /** The page once it says what the test waits for (it reloads itself while the payment moves). */
  async function pageWhen(path: string, ok: (html: string) => boolean): Promise<string> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const { html } = await page(path);
      if (ok(html) || Date.now() > deadline) return html;
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('shows the bill, takes the 医保码 from the phone, shows the split, and settles on the confirm', async () => {
    const created = await fetch(`${terminal.inRoom!.url}/in-room/v1/payment-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ billId: 'OP202401150001' }),
    });
    assert.equal(created.status, 201);
    const { requestId } = (await created.json()) as { requestId: string };
    const link = await terminal.api.execute({ type: 'status.get' });
    assert.ok(link.ok && link.session.directed?.payLink?.endsWith(`/in-room/v1/pay/${requestId}`), 'the QR carries the link this server serves');
    const path = `/in-room/v1/pay/${requestId}`;

    const first = await page(path);
    assert.equal(first.status, 200);
    assert.match(first.headers.get('content-type') ?? '', /^text\/html/);
    assert.match(first.headers.get('content-security-policy') ?? '', /default-src 'none'/);
    assert.match(first.html, /data-status="waiting"/);
    assert.match(first.html, /门诊诊查费/);
    assert.match(first.html, /id="total">¥200\.00</);
    assert.match(first.html, /name="code"/);

    // An empty form is refused with a notice; nothing reaches the device.
    const empty = await post(path, { code: ' ' });
    assert.equal(empty.status, 303);
    assert.equal(empty.location, `${path}?notice=bad-request`);
    assert.match((await page(empty.location!)).html, /id="notice"/);

    const sent = await post(path, { code: terminal.simulators.platform!.mintEcQr('employee') });
    assert.deepEqual(sent, { status: 303, location: path });
    const atSplit = await pageWhen(path, (h) => /id="split"/.test(h) || /data-status="failed"/.test(h));
    assert.match(atSplit, /id="split"/, atSplit);
    assert.match(atSplit, /id="confirm"/);
    assert.doesNotMatch(atSplit, /测试|33010219800101123X|33000000000000000101/, 'the page names no one');

    assert.deepEqual(await post(path, { confirm: '1' }), { status: 303, location: path });
    const paid = await pageWhen(path, (h) => /data-status="(paid|failed)"/.test(h));
    assert.match(paid, /data-status="paid"/, paid);
    assert.doesNotMatch(paid, /http-equiv="refresh"/, 'a finished page stops reloading');
    const settled = terminal.simulators.platform!.ledger().settlements.filter((s) => s.status === 'settled');
    assert.equal(settled.length, 1);
    const status = await fetch(`${terminal.inRoom!.url}/in-room/v1/payment-requests/${requestId}`, { headers: { authorization: `Bearer ${TOKEN}` } });
    const view = (await status.json()) as { status: string; setlId?: string };
    assert.equal(view.status, 'paid');
    assert.equal(view.setlId, settled[0]?.setlId);

    // Done: the form is gone and a late code is not taken.
    assert.equal((await post(path, { code: 'anything' })).location, `${path}?notice=not-now`);
  });

  it('an unknown or malformed request id is 404, and the page takes only GET and form POSTs', async () => {
    assert.equal((await page('/in-room/v1/pay/AAAAAAAAAAAAAAAAAAAAAA')).status, 404);
    assert.equal((await page('/in-room/v1/pay/<script>')).status, 404);
    // A path that climbs out of the pay link is the workstation API, which wants its token.
    assert.equal((await page('/in-room/v1/pay/../payment-requests')).status, 401);
    const created = await fetch(`${terminal.inRoom!.url}/in-room/v1/payment-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ billId: 'OP202401150002' }),
    });
    const { requestId } = (await created.json()) as { requestId: string };
    const path = `/in-room/v1/pay/${requestId}`;
    assert.equal((await fetch(terminal.inRoom!.url + path, { method: 'PUT' })).status, 405);
    const json = await fetch(terminal.inRoom!.url + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"code":"x"}' });
    assert.equal(json.status, 415);
    await fetch(`${terminal.inRoom!.url}/in-room/v1/payment-requests/${requestId}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } });
  });
});
