// How the client sorts answers it cannot trust, against a loopback stub that answers whatever a test
// sets: an envelope this terminal built wrong is thrown and never sent; a reply that is JSON but not an
// envelope, or infcode 0 with an output the transaction's schema refuses, is 'unknown'/'malformed'
// (it may have been committed, so the caller must query or reverse, never act on it).
import { after, before, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { closeServer, listen, readBody, sendText, trackSockets } from '../sim/http';
import { simEnvelopeContext } from '../sim/platform/context';
import { createPlatformClient, InvalidEnvelopeError, type CallOutcome, type PlatformClient } from './client';
import { nextMsgid } from '../testing/platform.testkit';

describe('client classification of untrustworthy answers', () => {
  let reply = '';
  let received: string[] = [];
  const server = createServer((req, res) => void readBody(req).then((body) => {
    received.push(body);
    sendText(res, 200, reply);
  }));
  const sockets = trackSockets(server);
  let client: PlatformClient;
  before(async () => {
    client = createPlatformClient({ baseUrl: await listen(server, 0, '127.0.0.1'), context: simEnvelopeContext, timeoutMs: 5_000 });
  });
  after(() => closeServer(server, sockets));
  beforeEach(() => {
    received = [];
    reply = JSON.stringify({ infcode: 0, output: { signinoutb: { sign_time: '2024-01-15 09:00:00', sign_no: 'S1' } } });
  });

  const signIn = (msgid = nextMsgid()): Promise<CallOutcome> => client.call({ infno: '9001', msgid, input: { signIn: { opter_no: 'K', mac: 'm', ip: 'i' } } });
  const malformed = (o: CallOutcome): string => {
    if (o.kind !== 'unknown' || o.reason !== 'malformed') assert.fail(`expected unknown/malformed, got ${JSON.stringify(o).slice(0, 300)}`);
    return o.detail;
  };

  it('the stub answers a well-formed sign-in as ok (the baseline the other cases differ from)', async () => {
    assert.equal((await signIn()).kind, 'ok');
    assert.equal(received.length, 1);
  });

  it('throws InvalidEnvelopeError for an envelope that breaks the spec, and sends nothing', async () => {
    await assert.rejects(signIn('TOO-SHORT'), (err: unknown) => err instanceof InvalidEnvelopeError && /msgid/.test(err.message));
    await assert.rejects(client.call({ infno: '22O1', msgid: nextMsgid(), input: {} }), (err: unknown) => err instanceof InvalidEnvelopeError && /infno/.test(err.message));
    await assert.rejects(client.call({ infno: '9001', msgid: nextMsgid(), input: {}, infTime: new Date(Number.NaN) }), InvalidEnvelopeError);
    assert.equal(received.length, 0, 'nothing reached the wire');
  });

  for (const [what, body] of [
    ['a JSON object without infcode', JSON.stringify({ code: 0, message: '成功', data: {} })],
    ['a JSON array', '[]'],
    ['a JSON string', '"ok"'],
    ['JSON null', 'null'],
    ['an infcode that is not a number', JSON.stringify({ infcode: 'OK', output: {} })],
  ] as const) {
    it(`${what} is unknown/malformed with the raw text kept`, async () => {
      reply = body;
      const o = await signIn();
      assert.match(malformed(o), /not a response envelope/);
      assert.equal(o.kind === 'unknown' && o.rawResponse, body);
    });
  }

  it('infcode 0 whose output fails the transaction schema is unknown/malformed, not ok', async () => {
    reply = JSON.stringify({ infcode: 0, output: { signinoutb: { sign_time: '2024-01-15 09:00:00' } } });
    assert.match(malformed(await signIn()), /output of 9001 does not match its schema/);
    // A 2207 answer without its amounts: probably settled, so the engine must resolve it, not act on it.
    reply = JSON.stringify({ infcode: 0, output: { setlinfo: { setl_id: 'S1' }, setldetail: [] } });
    const o = await client.call({ infno: '2207', msgid: nextMsgid(), insuplcAdmdvs: '330100', input: {} });
    assert.match(malformed(o), /output of 2207/);
  });

  it('infcode as a numeric string still classifies: "0" ok, "-1" rejected, "2" unknown', async () => {
    reply = JSON.stringify({ infcode: '0', output: { signinoutb: { sign_time: '2024-01-15 09:00:00', sign_no: 'S1' } } });
    assert.equal((await signIn()).kind, 'ok');
    reply = JSON.stringify({ infcode: '-1', err_msg: '签到失败', output: null });
    const o = await signIn();
    assert.deepEqual([o.kind, o.kind === 'rejected' && o.infcode, o.kind === 'rejected' && o.errMsg], ['rejected', -1, '签到失败']);
    reply = JSON.stringify({ infcode: '2', err_msg: '交易处理中，请稍后查询', output: null });
    const u = await signIn();
    assert.deepEqual([u.kind, u.kind === 'unknown' && u.reason], ['unknown', 'undocumented-infcode']);
  });
});
