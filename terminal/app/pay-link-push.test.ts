// The pay link pushed to the hospital's messaging endpoint: a real HTTP receiver on loopback stands
// for it. A doctor's request through the in-room API reaches it once, with the link the QR shows
// and no patient data, through a first answer of 503; a refusal (400) is not retried and is reported.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../config/config';
import { startTerminal, type RunningTerminal } from './start-terminal';
import { createPayLinkPush } from './pay-link-push';
import { setErrorSink } from '../common/report-error';
import type { SessionView } from '../api/schema';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');
const TOKEN = 'ws1-token-0123456789abcdef';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

/** The hospital's messaging endpoint: answers each POST with the next status of `answers` (then 200). */
async function receiver(answers: number[]): Promise<{ url: string; got: Array<{ status: number; body: unknown }>; close(): Promise<void>; server: Server }> {
  const got: Array<{ status: number; body: unknown }> = [];
  const server = createServer((req, res) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const status = answers.shift() ?? 200;
      got.push({ status, body: JSON.parse(text) as unknown });
      res.writeHead(status).end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/messages/pay-link`, got, server, close: () => new Promise((r) => server.close(() => r())) };
}

async function until(what: string, probe: () => boolean): Promise<void> {
  const deadline = Date.now() + 30_000;
  while (!probe()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('pay link pushed to the messaging endpoint', () => {
  let terminal: RunningTerminal;
  let endpoint: Awaited<ReturnType<typeof receiver>>;
  before(async () => {
    endpoint = await receiver([503]);
    terminal = await startTerminal({
      config: parseConfig({
        devices: [],
        settlement: { replayIntervalMs: 60_000 },
        inRoom: { enabled: true, workstations: [{ id: 'ws-1', tokenSha256: sha256(TOKEN) }], payLinkBase: 'https://pay.hospital.example/in-room/v1/pay/', payLinkPush: { url: endpoint.url, timeoutMs: 10_000 } },
      }),
      dataDir: mkdtempSync(join(tmpdir(), 'pay-link-push-')),
      fixturesDir,
    });
  });
  after(async () => {
    await terminal?.close();
    await endpoint?.close();
  });

  it('posts the request\'s link once, retrying a 503, with the bill and no patient data', async () => {
    const created = await fetch(`${terminal.inRoom!.url}/in-room/v1/payment-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ billId: 'OP202401150001' }),
    });
    assert.equal(created.status, 201);
    const { requestId, totalFen } = (await created.json()) as { requestId: string; totalFen: number };
    await until('a delivered push', () => endpoint.got.some((g) => g.status === 200));
    assert.deepEqual(endpoint.got.map((g) => g.status), [503, 200]);
    const body = endpoint.got[1]!.body as Record<string, unknown>;
    assert.equal(body['payLink'], `https://pay.hospital.example/in-room/v1/pay/${requestId}`);
    assert.equal(body['requestId'], requestId);
    assert.equal(body['billId'], 'OP202401150001');
    assert.equal(body['totalFen'], totalFen);
    assert.deepEqual(Object.keys(body).sort(), ['billId', 'deptName', 'payLink', 'requestId', 'requester', 'totalFen']);
    // Later views of the same request push nothing more.
    await terminal.api.execute({ type: 'status.get' });
    await fetch(`${terminal.inRoom!.url}/in-room/v1/payment-requests/${requestId}`, { method: 'DELETE', headers: { authorization: `Bearer ${TOKEN}` } }).then((r) => r.arrayBuffer());
    const again = await fetch(`${terminal.inRoom!.url}/in-room/v1/payment-requests`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json' },
      body: JSON.stringify({ billId: 'OP202401150001' }),
    });
    const second = (await again.json()) as { requestId: string };
    await until('the second request pushed', () => endpoint.got.length === 3);
    assert.equal((endpoint.got[2]!.body as { requestId: string }).requestId, second.requestId);
  });

  it('a refusal (400) is not retried and is reported with its cause', async () => {
    const refusing = await receiver([400, 400, 400]);
    const reported: Array<{ where: string; err: unknown }> = [];
    const restore = setErrorSink((where, err) => reported.push({ where, err }));
    try {
      const push = createPayLinkPush({ url: refusing.url, timeoutMs: 10_000, attempts: 3, backoffMs: 10 });
      const directed = { origin: 'in-room', requestId: 'r-1', requester: '王医生', deptName: '内科', billId: 'OP1', totalFen: 100, bed: null, payLink: 'https://p/r-1' } as const;
      push.sessionChanged({ directed } as unknown as SessionView);
      await until('the push to end', () => reported.length === 1);
      await push.settled();
      assert.equal(refusing.got.length, 1);
      assert.equal(reported[0]!.where, 'inRoom.payLinkPush');
      assert.match(String((reported[0]!.err as Error).message), /r-1 not pushed/);
      assert.match(String(((reported[0]!.err as Error).cause as Error).message), /answered 400/);
    } finally {
      restore();
      await refusing.close();
    }
  });
});
