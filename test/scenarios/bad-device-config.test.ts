// A config file with wrong device entries still starts the terminal: each wrong entry is one device
// in error (with the validator's words) on the admin screen, and the rest of the kiosk works.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { loadConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');

describe('a config with a bad device entry', () => {
  const open = nothingOpenAfterEach();
  let terminal: RunningTerminal | undefined;
  after(() => terminal?.close());

  it('starts, reports the bad entries as devices in error, and runs the good one', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'bad-device-'));
    const file = join(dir, 'terminal.json');
    writeFileSync(
      file,
      JSON.stringify({
        devices: [
          { id: 'prn-1', kind: 'printer', transport: { type: 'sim' } },
          { id: 'id-1', kind: 'id-card', transport: { type: 'usb', path: '/dev/ttyUSB1' } },
          { kind: 'scaner', transport: { type: 'serial', path: '/dev/ttyUSB0' } },
        ],
      }),
    );
    terminal = await startTerminal({ config: loadConfig(file), dataDir: join(dir, 'data'), fixturesDir });
    open.track(terminal);
    const status = await terminal.api.execute({ type: 'status.get' });
    assert.ok(status.ok);
    const byId = new Map(status.status.devices.map((d) => [d.id, d]));
    assert.equal(byId.get('prn-1')?.state, 'ready');

    const idCard = byId.get('id-1');
    assert.equal(idCard?.state, 'error');
    assert.equal(idCard?.kind, 'id-card');
    assert.match(idCard?.lastError ?? '', /^config: transport\.type: /);

    // No id: found by its place in the list; a misspelt kind still gives a kind the API accepts.
    const noId = byId.get('devices[2]');
    assert.equal(noId?.state, 'error');
    assert.match(noId?.lastError ?? '', /^config: /);

    // Said at start, where whoever edited the file looks: the log (and stderr on a dev run), each entry once.
    assert.ok(terminal.logger.file);
    const logged = readFileSync(terminal.logger.file, 'utf8')
      .split('\n')
      .filter((l) => l.includes('device entry in the config cannot be used'))
      .map((l) => JSON.parse(l) as { device: string; error: string });
    assert.deepEqual(logged.map((l) => l.device).sort(), ['devices[2]', 'id-1']);
    assert.ok(logged.every((l) => l.error.startsWith('config: ')));

    const begun = await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    assert.ok(begun.ok);
    assert.equal(begun.session.step, 'identify');
  });
});
