// The web host over real loopback HTTP and a real ws client: static serving and its guards,
// the command/result/event protocol, and refusal of foreign origins and bad messages.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, mkdir, writeFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { WebSocket } from 'ws';
import { startWebHost, type WebHost } from './server';
import { createScriptedApi, scriptedSplit, type ScriptedApi } from '../../testing/scripted-api.testkit';

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** Raw request so the path reaches the server exactly as written (fetch would normalise `..`). */
function rawGet(url: string, rawPath: string, headers: Record<string, string> = {}): Promise<RawResponse> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const req = http.request({ hostname, port, path: rawPath, method: 'GET', headers }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('error', reject);
    req.end();
  });
}

interface Client {
  ws: WebSocket;
  messages: unknown[];
  next(predicate: (m: Record<string, unknown>) => boolean, timeoutMs?: number): Promise<Record<string, unknown>>;
}

async function connect(url: string, origin: string): Promise<Client> {
  const ws = new WebSocket(url.replace('http', 'ws') + 'api', { origin });
  const messages: unknown[] = [];
  const waiters: Array<() => void> = [];
  ws.on('message', (data) => {
    messages.push(JSON.parse(String(data)));
    for (const w of waiters.splice(0)) w();
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  // The deadline only turns a missing message into a failure; a loaded machine may be slow with it.
  const next: Client['next'] = (predicate, timeoutMs = 20_000) =>
    new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('timed out waiting for a message')), timeoutMs);
      const check = (): void => {
        const index = messages.findIndex((m) => predicate(m as Record<string, unknown>));
        if (index >= 0) {
          clearTimeout(timer);
          resolve(messages.splice(index, 1)[0] as Record<string, unknown>);
        } else waiters.push(check);
      };
      check();
    });
  return { ws, messages, next };
}

describe('web host', () => {
  let dir: string;
  let uiDir: string;
  let api: ScriptedApi;
  let host: WebHost;
  const clients: WebSocket[] = [];

  before(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'web-host-'));
    uiDir = path.join(dir, 'ui');
    await mkdir(path.join(uiDir, 'assets'), { recursive: true });
    await writeFile(path.join(uiDir, 'index.html'), '<!doctype html><title>kiosk</title>');
    await writeFile(path.join(uiDir, 'assets', 'app.js'), 'console.log(1)');
    await writeFile(path.join(dir, 'secret.txt'), 'SECRET');
    api = createScriptedApi();
    host = await startWebHost({ api, uiDir, port: 0 });
  });

  after(async () => {
    for (const ws of clients) ws.terminate();
    await host.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('listens on 127.0.0.1 only and refuses other interfaces', async () => {
    assert.match(host.url, /^http:\/\/127\.0\.0\.1:\d+\/$/);
    await assert.rejects(startWebHost({ api, uiDir, host: '0.0.0.0' }), /loopback/);
  });

  it('serves files with CSP and nosniff headers', async () => {
    const res = await rawGet(host.url, '/assets/app.js');
    assert.equal(res.status, 200);
    assert.equal(res.body, 'console.log(1)');
    assert.match(String(res.headers['content-type']), /^text\/javascript/);
    assert.equal(res.headers['x-content-type-options'], 'nosniff');
    const csp = String(res.headers['content-security-policy']);
    assert.match(csp, /default-src 'self'/);
    assert.match(csp, /connect-src 'self' ws:\/\/127\.0\.0\.1:\*/);
    assert.match(csp, /img-src 'self' data:/);
    assert.doesNotMatch(csp, /unsafe-eval|unsafe-inline/);
  });

  it('falls back to index.html for routes without an extension, 404 for missing assets', async () => {
    const route = await rawGet(host.url, '/kiosk/confirm');
    assert.equal(route.status, 200);
    assert.match(route.body, /<title>kiosk<\/title>/);
    assert.equal((await rawGet(host.url, '/')).status, 200);
    const missing = await rawGet(host.url, '/assets/nope.js');
    assert.equal(missing.status, 404);
  });

  it('never serves a file outside the UI directory', async () => {
    for (const p of ['/../secret.txt', '/..%2fsecret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/..%5csecret.txt', '/%00/../secret.txt']) {
      const res = await rawGet(host.url, p);
      assert.doesNotMatch(res.body, /SECRET/, p);
      assert.notEqual(res.status, 200, p);
    }
  });

  it('refuses requests for a foreign Host (DNS rebinding)', async () => {
    const res = await rawGet(host.url, '/', { Host: 'evil.example:80' });
    assert.equal(res.status, 421);
  });

  it('refuses WebSocket upgrades from another origin or without one', async () => {
    for (const origin of ['http://evil.example', 'null', `http://127.0.0.1:1`]) {
      const ws = new WebSocket(host.url.replace('http', 'ws') + 'api', { origin });
      ws.on('error', () => {});
      const status = await new Promise<number>((resolve) => {
        ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.once('open', () => resolve(101));
        ws.once('error', () => resolve(-1));
      });
      assert.equal(status, 403, origin);
    }
    const noOrigin = new WebSocket(host.url.replace('http', 'ws') + 'api');
    noOrigin.on('error', () => {});
    const status = await new Promise<number>((resolve) => {
      noOrigin.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      noOrigin.once('open', () => resolve(101));
    });
    assert.equal(status, 403);
  });

  it('carries commands, results and events through to the receipt', async () => {
    const client = await connect(host.url, host.url.replace(/\/$/, ''));
    clients.push(client.ws);
    client.ws.send(JSON.stringify({ id: 1, command: { type: 'session.begin', service: 'outpatient' } }));
    const begun = await client.next((m) => m.id === 1);
    assert.deepEqual((begun.result as { ok: boolean }).ok, true);
    const identify = await client.next((m) => (m.event as { session?: { step?: string } } | undefined)?.session?.step === 'identify');
    assert.ok(identify);

    client.ws.send(JSON.stringify({ id: 2, command: { type: 'credential.text', text: 'ECQR-123' } }));
    await client.next((m) => m.id === 2);
    const confirm = await client.next((m) => (m.event as { session?: { step?: string } } | undefined)?.session?.step === 'confirm');
    const session = (confirm.event as { session: { split: unknown; settlementId: string } }).session;
    assert.deepEqual(session.split, scriptedSplit);

    client.ws.send(JSON.stringify({ id: 3, command: { type: 'session.confirm', settlementId: session.settlementId } }));
    await client.next((m) => m.id === 3);
    const receipt = await client.next((m) => (m.event as { session?: { step?: string } } | undefined)?.session?.step === 'receipt');
    const r = (receipt.event as { session: { receipt: { split: { cashFen: number } } } }).session.receipt;
    assert.equal(r.split.cashFen, 10000);

    api.setStatus({ platformOnline: false });
    const status = await client.next((m) => (m.event as { type?: string } | undefined)?.type === 'status');
    assert.equal((status.event as { status: { platformOnline: boolean } }).status.platformOnline, false);
    client.ws.close();
  });

  it('answers bad messages with bad-request and keeps serving', async () => {
    const client = await connect(host.url, host.url.replace(/\/$/, ''));
    clients.push(client.ws);
    const before = api.commands.length;

    client.ws.send('not json{');
    const notJson = await client.next((m) => m.id === null);
    assert.deepEqual((notJson.result as { error: { code: string } }).error.code, 'bad-request');

    client.ws.send(JSON.stringify({ id: 7, command: { type: 'session.confirm', settlementId: '' } }));
    const invalid = await client.next((m) => m.id === 7);
    assert.equal((invalid.result as { ok: boolean }).ok, false);
    assert.equal((invalid.result as { error: { code: string } }).error.code, 'bad-request');

    client.ws.send(JSON.stringify({ id: 8, command: { type: 'rm -rf' } }));
    assert.equal(((await client.next((m) => m.id === 8)).result as { error: { code: string } }).error.code, 'bad-request');

    client.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    assert.equal(((await client.next((m) => m.id === null)).result as { error: { code: string } }).error.code, 'bad-request');

    assert.equal(api.commands.length, before, 'no bad message reached the core');

    client.ws.send(JSON.stringify({ id: 9, command: { type: 'status.get' } }));
    const ok = await client.next((m) => m.id === 9);
    assert.equal((ok.result as { ok: boolean }).ok, true);
    client.ws.close();
  });

  it('turns a core that throws into an internal error, not a crash', async () => {
    const throwing = await startWebHost({
      api: { execute: () => Promise.reject(new Error('boom')), subscribe: () => () => {} },
      uiDir,
    });
    try {
      const client = await connect(throwing.url, throwing.url.replace(/\/$/, ''));
      client.ws.send(JSON.stringify({ id: 1, command: { type: 'status.get' } }));
      const res = await client.next((m) => m.id === 1);
      assert.equal((res.result as { error: { code: string } }).error.code, 'internal');
      client.ws.terminate();
    } finally {
      await throwing.close();
    }
  });
});
