// The UI's terminal client over the Electron bridge, with a fake bridge: what comes back is
// validated, and an invalid command never crosses. (The WebSocket transport is tested against the
// real web host in terminal/host/web/ui-client.test.ts.)
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { TerminalEvent } from '../../terminal/api/schema';
import { createBridgeClient } from './terminal-client';

describe('terminal client over the Electron bridge', () => {
  it('validates what the bridge returns and drops malformed events', async () => {
    let emit: (event: unknown) => void = () => {};
    const sent: unknown[] = [];
    let answer: unknown = { ok: true, session: 'not a session' };
    const client = createBridgeClient({
      execute: async (command) => {
        sent.push(command);
        return answer;
      },
      onEvent: (listener) => {
        emit = listener;
        return () => {};
      },
    });
    const bad = await client.execute({ type: 'status.get' });
    assert.equal(bad.ok === false && bad.error.code, 'bad-response');

    answer = { ok: false, error: { code: 'busy', message: '请稍候' } };
    assert.deepEqual(await client.execute({ type: 'session.reset' }), answer);
    assert.deepEqual(sent, [{ type: 'status.get' }, { type: 'session.reset' }]);

    const tooLong = await client.execute({ type: 'credential.text', text: 'x'.repeat(5000) });
    assert.equal(tooLong.ok === false && tooLong.error.code, 'bad-request');
    assert.equal(sent.length, 2, 'an invalid command never crosses the bridge');

    const events: TerminalEvent[] = [];
    client.onEvent((e) => events.push(e));
    emit({ type: 'status', status: { terminalId: 'T', platformOnline: 'yes' } });
    emit({ type: 'status', status: { terminalId: 'T', platformOnline: true, outboxPending: 0, devices: [] } });
    assert.equal(events.length, 1);
  });
});
