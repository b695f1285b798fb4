// The admin screen's configuration check and the simulator's rehearsal faults, through the API on a
// running terminal: what the embedded demo warns about, a remote set-up's own warnings (and no
// secret in the answer), and faults that really reach the platform simulator and switch off again.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal, type RunningTerminal } from '../../terminal/app/start-terminal';
import { startPlatformSimulator, type PlatformSimulator } from '../../terminal/sim/platform/server';
import { startHisSimulator } from '../../terminal/sim/his/server';
import { nextStep } from '../../terminal/testing/terminal.testkit';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');
const PIN = '000000';

describe('configuration check and rehearsal faults', () => {
  const open = nothingOpenAfterEach();
  const stops: Array<() => Promise<void>> = [];
  after(async () => {
    for (const stop of stops.reverse()) await stop();
  });
  const start = async (raw: Record<string, unknown>): Promise<RunningTerminal> => {
    const terminal = await startTerminal({ config: parseConfig({ devices: [], ...raw }), dataDir: mkdtempSync(join(tmpdir(), 'admin-config-')), fixturesDir });
    stops.push(() => terminal.close());
    // The remote set-up's simulator is tracked where the test starts it.
    if (terminal.simulators.platform) open.track(terminal);
    return terminal;
  };
  const overview = async (terminal: RunningTerminal) => {
    const result = await terminal.api.execute({ type: 'admin.overview', pin: PIN });
    assert.ok(result.ok && result.admin?.config, JSON.stringify(result));
    return result.admin.config;
  };

  it('warns the embedded demo about its PIN, its simulators and the missing devices', async () => {
    const terminal = await start({});
    const config = await overview(terminal);
    for (const w of ['demo-admin-pin', 'embedded-platform', 'embedded-his', 'no-scanner', 'no-printer'] as const) assert.ok(config.warnings.includes(w), w);
    assert.equal(config.simulatorFaults, 'none');
    assert.deepEqual(config.items.map((i) => i.key), ['terminal', 'platform', 'his', 'devices', 'offline', 'face', 'in-room', 'journal key', 'journal check', 'journal backup', 'journal retention']);
  });

  it('shows the journal key\'s fingerprint, and runs the full integrity check on request', async () => {
    const terminal = await start({});
    const config = await overview(terminal);
    assert.match(config.items.find((i) => i.key === 'journal key')?.value ?? '', /^fingerprint [0-9a-f]{16}$/);
    assert.match(config.items.find((i) => i.key === 'journal check')?.value ?? '', /full check not run/);
    const refused = await terminal.api.execute({ type: 'admin.integrityCheck', pin: '123456' });
    assert.equal(refused.ok, false, 'behind the PIN');
    const checked = await terminal.api.execute({ type: 'admin.integrityCheck', pin: PIN });
    assert.ok(checked.ok && checked.admin?.config, JSON.stringify(checked));
    assert.match(checked.admin.config.items.find((i) => i.key === 'journal check')?.value ?? '', /^ok · \d{4}-/);
  });

  it('rehearses a platform outage on the simulator, and ends it', async () => {
    const terminal = await start({});
    const platform = terminal.simulators.platform!;
    const refused = await terminal.api.execute({ type: 'admin.simFaults', pin: '123456', preset: 'platform-down' });
    assert.equal(refused.ok, false, 'behind the PIN');
    const on = await terminal.api.execute({ type: 'admin.simFaults', pin: PIN, preset: 'platform-down' });
    assert.ok(on.ok && on.admin?.config?.simulatorFaults === 'platform-down');
    const failed = nextStep(terminal, ['error', 'confirm']);
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    await terminal.api.execute({ type: 'credential.text', text: platform.mintEcQr('employee') });
    assert.equal((await failed).error?.code, 'platform-unreachable');
    await terminal.api.execute({ type: 'session.reset' });

    await terminal.api.execute({ type: 'admin.simFaults', pin: PIN, preset: 'none' });
    const works = nextStep(terminal, ['error', 'confirm']);
    await terminal.api.execute({ type: 'session.begin', service: 'outpatient' });
    await terminal.api.execute({ type: 'credential.text', text: platform.mintEcQr('employee') });
    assert.equal((await works).step, 'confirm');
    await terminal.api.execute({ type: 'session.reset' });
  });

  it('a remote set-up gets its own warnings, no secret in the answer, and no simulator faults', async () => {
    const sim: PlatformSimulator = open.track(await startPlatformSimulator({ fixturesDir }));
    stops.push(() => sim.close());
    const his = await startHisSimulator({ fixturesDir });
    stops.push(() => his.close());
    const terminal = await start({
      platform: { mode: 'remote', baseUrl: `${sim.url}/fsi`, signer: { type: 'none' } },
      his: { mode: 'remote', baseUrl: his.url },
      inRoom: { enabled: true, host: '127.0.0.1', workstations: [] },
    });
    const config = await overview(terminal);
    for (const w of ['unsigned-platform', 'no-msgid-slot', 'in-room-loopback', 'in-room-no-workstation'] as const) assert.ok(config.warnings.includes(w), w);
    assert.ok(!config.warnings.includes('embedded-platform'));
    assert.equal(config.simulatorFaults, null);
    assert.match(config.items.find((i) => i.key === 'platform')!.value, /^remote 127\.0\.0\.1:\d+ · none$/);
    const refused = await terminal.api.execute({ type: 'admin.simFaults', pin: PIN, preset: 'platform-down' });
    assert.ok(!refused.ok && refused.error.code === 'admin-refused');
  });
});
