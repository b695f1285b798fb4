import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, loadConfig, parseConfig } from './config';
import { DeviceConfig } from '../../drivers/manager';

describe('terminal config', () => {
  it('runs fully simulated on the embedded defaults', () => {
    const config = parseConfig({});
    assert.equal(config.platform.mode, 'embedded-sim');
    assert.equal(config.his.mode, 'embedded-sim');
    assert.equal(config.terminal.operatorType, '2');
    const device = DeviceConfig.parse(config.devices[0]);
    assert.ok(device.kind === 'qr-scanner');
    assert.equal(device.transport.type, 'replay');
  });

  it("keeps the replay's pool at 4 visits unless the hospital sets it, within 1-32", () => {
    assert.equal(parseConfig({}).settlement.replayConcurrency, 4);
    assert.equal(parseConfig({ settlement: { replayConcurrency: 8 } }).settlement.replayConcurrency, 8);
    assert.throws(() => parseConfig({ settlement: { replayConcurrency: 0 } }), ConfigError);
    assert.throws(() => parseConfig({ settlement: { replayConcurrency: 64 } }), ConfigError);
  });

  it('takes a remote platform and a serial scanner', () => {
    const config = parseConfig({
      platform: { mode: 'remote', baseUrl: 'https://gateway.example/fsi', timeoutMs: 5000 },
      devices: [{ id: 'qr', kind: 'qr-scanner', transport: { type: 'serial', path: '/dev/ttyUSB0' } }],
    });
    assert.equal(config.platform.mode === 'remote' && config.platform.baseUrl, 'https://gateway.example/fsi');
    const device = DeviceConfig.parse(config.devices[0]);
    assert.ok(device.kind === 'qr-scanner');
    assert.equal(device.transport.type === 'serial' && device.transport.baudRate, 9600);
  });

  it('keeps a wrong device entry as written instead of refusing the whole config', () => {
    const bad = { id: 'prn', kind: 'printer', transport: { type: 'usb' } };
    const config = parseConfig({ devices: [{ id: 'qr', kind: 'qr-scanner', transport: { type: 'serial', path: '/dev/ttyUSB0' } }, bad] });
    assert.deepEqual(config.devices[1], bad);
    assert.equal(DeviceConfig.safeParse(config.devices[1]).success, false);
    assert.throws(() => parseConfig({ devices: 'qr' }), ConfigError, 'a devices value that is not a list still names itself');
  });

  it('names every wrong field', () => {
    assert.throws(
      () => parseConfig({ terminal: { areaCode: '44' }, platform: { mode: 'remote', baseUrl: 'not a url' } }),
      (err: unknown) =>
        err instanceof ConfigError &&
        err.problems.some((p) => p.startsWith('terminal.areaCode')) &&
        err.problems.some((p) => p.includes('baseUrl')),
    );
  });

  it('keeps the in-room API off by default and names a wrong workstation token hash', () => {
    const defaults = parseConfig({}).inRoom;
    assert.equal(defaults.enabled, false);
    assert.equal(defaults.host, '127.0.0.1');
    assert.deepEqual(defaults.workstations, []);
    assert.throws(
      () => parseConfig({ inRoom: { enabled: true, workstations: [{ id: 'ws-1', tokenSha256: 'the-token-itself' }] } }),
      (err: ConfigError) => err.problems.some((p) => p.startsWith('inRoom.workstations.0.tokenSha256:')),
    );
    assert.throws(
      () => parseConfig({ inRoom: { workstations: [{ id: 'a', tokenSha256: 'a'.repeat(64) }, { id: 'a', tokenSha256: 'b'.repeat(64) }] } }),
      (err: ConfigError) => err.problems.some((p) => p.startsWith('inRoom.workstations:') && /unique/.test(p)),
    );
  });

  it('says which file is not JSON', () => {
    const dir = mkdtempSync(join(tmpdir(), 'cfg-'));
    const file = join(dir, 'terminal.json');
    writeFileSync(file, '{ nope');
    assert.throws(() => loadConfig(file), /terminal\.json is not JSON/);
    assert.throws(() => loadConfig(join(dir, 'missing.json')), /cannot read config file/);
  });
});
