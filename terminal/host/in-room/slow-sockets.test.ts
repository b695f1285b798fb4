// 1,100 slow-header sockets without any token against the in-room port (a LAN neighbour, or a
// scanner gone wrong): the terminal caps them, closes the silent ones at the header deadline, keeps
// its descriptors, and a patient's payment through the platform still goes through, as does a
// workstation on another address.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync } from 'node:fs';
import { connect, type Socket } from 'node:net';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../config/config';
import { startTerminal, type RunningTerminal } from '../../app/start-terminal';

const fixturesDir = resolve(import.meta.dirname, '..', '..', '..', 'fixtures');
const TOKEN = 'ws1-token-0123456789abcdef';
const openDescriptors = () => readdirSync('/proc/self/fd').length;

function slowSocket(port: number): Promise<Socket | null> {
  return new Promise((done) => {
    const s = connect({ host: '127.0.0.1', port }, () => {
      // Half a request line, then nothing: the classic slow-header hold.
      s.write('POST /in-room/v1/payment-requests HTTP/1.1\r\nHost: x\r\n');
      done(s);
    });
    s.on('error', () => done(null));
  });
}

/** A workstation on another loopback address (127.0.0.2), so the per-address cap of the flood is not its own. */
function workstationGet(url: string, path: string): Promise<number> {
  const { hostname, port } = new URL(url);
  return new Promise((done, fail) => {
    const req = request({ host: hostname, port, path, method: 'GET', localAddress: '127.0.0.2', headers: { authorization: `Bearer ${TOKEN}` } }, (res) => {
      res.resume();
      res.on('end', () => done(res.statusCode ?? 0));
    });
    req.on('error', fail);
    req.end();
  });
}

describe('in-room API under a slow-header flood', () => {
  let terminal: RunningTerminal;
  const sockets: Socket[] = [];
  before(async () => {
    terminal = await startTerminal({
      config: parseConfig({
        devices: [],
        settlement: { replayIntervalMs: 60_000 },
        inRoom: { enabled: true, workstations: [{ id: 'ws-1', tokenSha256: createHash('sha256').update(TOKEN).digest('hex') }] },
      }),
      dataDir: mkdtempSync(join(tmpdir(), 'in-room-flood-')),
      fixturesDir,
    });
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await terminal?.close();
  });

  it('caps the flood, keeps descriptors, closes silent sockets, and a payment still goes through', async () => {
    const before = openDescriptors();
    const port = Number(new URL(terminal.inRoom!.url).port);
    for (let i = 0; i < 1_100; i++) {
      const s = await slowSocket(port);
      if (s) {
        s.on('error', () => undefined);
        sockets.push(s);
      }
    }
    const stats = terminal.inRoom!.connections();
    assert.ok(stats.open <= 16, `per-address cap holds: ${stats.open} open`);
    assert.ok(stats.refused >= 1_000, `the rest were refused at once: ${stats.refused}`);
    // Our own client ends count too (1,100 sockets in this process); the server side stays capped.
    const serverSide = openDescriptors() - before - sockets.filter((s) => !s.destroyed).length;
    assert.ok(serverSide < 200, `the terminal's own descriptors stay bounded: ${serverSide}`);

    assert.equal(await workstationGet(terminal.inRoom!.url, '/in-room/v1/payment-requests/abcdefghijkl'), 404, 'a workstation on another address is served');

    const platform = terminal.simulators.platform!;
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    const atConfirm = await terminal.api.execute({ type: 'credential.text', text: platform.mintEcQr('employee') });
    assert.ok(atConfirm.ok && atConfirm.session.step === 'confirm', JSON.stringify(atConfirm.ok ? atConfirm.session.error : atConfirm));
    const done = await terminal.api.execute({ type: 'session.confirm', settlementId: atConfirm.session.settlementId! });
    assert.ok(done.ok && done.session.step === 'receipt', 'the patient paid during the flood');

    // The held sockets never finish their headers: the deadline (5 s) closes them without a request.
    await new Promise<void>((settled, fail) => {
      const deadline = Date.now() + 30_000;
      const poll = () => {
        if (terminal.inRoom!.connections().open === 0) return settled();
        if (Date.now() > deadline) return fail(new Error(`still ${terminal.inRoom!.connections().open} open`));
        setTimeout(poll, 100);
      };
      poll();
    });
  });
});
