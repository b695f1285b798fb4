// The UI's WebSocket terminal client against the real web host, with the `ws` package standing in
// for the browser's socket: commands, events, and reconnecting after the host restarts.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import type { TerminalEvent } from '../../api/schema';
import { createWebSocketClient, type SocketLike } from '../../../ui/src/terminal-client';
import { startWebHost } from './server';
import { createScriptedApi } from '../../testing/scripted-api.testkit';

// The deadline only turns a hang into a failure: generous, for a machine busy with other work.
function waitFor<T>(check: () => T | undefined, timeoutMs = 20_000): Promise<T> {
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const poll = (): void => {
      const value = check();
      if (value !== undefined) return resolve(value);
      if (Date.now() - started > timeoutMs) return reject(new Error('timed out'));
      setTimeout(poll, 5);
    };
    poll();
  });
}

describe('terminal client over WebSocket', () => {
  const cleanups: Array<() => Promise<void> | void> = [];
  after(async () => {
    for (const c of cleanups.reverse()) await c();
  });

  it('executes commands, receives events and reconnects after the host restarts', async () => {
    const uiDir = await mkdtemp(path.join(tmpdir(), 'ui-client-'));
    cleanups.push(() => rm(uiDir, { recursive: true, force: true }));
    const api = createScriptedApi();
    let host = await startWebHost({ api, uiDir });
    const port = Number(new URL(host.url).port);
    const origin = host.url.replace(/\/$/, '');
    const client = createWebSocketClient(`ws://127.0.0.1:${port}/api`, {
      openSocket: (u) => new WebSocket(u, { origin }) as unknown as SocketLike,
      minBackoffMs: 20,
      maxBackoffMs: 50,
    });
    cleanups.push(() => client.close());
    const states: boolean[] = [];
    client.onConnection((up) => states.push(up));
    const events: TerminalEvent[] = [];
    client.onEvent((e) => events.push(e));

    await waitFor(() => (states.at(-1) === true ? true : undefined));
    const begun = await client.execute({ type: 'session.begin', service: 'discharge' });
    assert.equal(begun.ok, true);
    assert.equal(begun.ok && begun.session.step, 'identify');
    await waitFor(() => events.find((e) => e.type === 'session' && e.session.service === 'discharge'));

    await host.close();
    await waitFor(() => (states.at(-1) === false ? true : undefined));
    const whileDown = await client.execute({ type: 'status.get' });
    assert.deepEqual(whileDown.ok === false && whileDown.error.code, 'disconnected');

    host = await startWebHost({ api, uiDir, port });
    cleanups.push(() => host.close());
    await waitFor(() => (states.at(-1) === true ? true : undefined));
    const after = await client.execute({ type: 'status.get' });
    assert.equal(after.ok && after.session.step, 'identify');
  });
});
