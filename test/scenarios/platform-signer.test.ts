// The configured gateway signature reaches the wire: a terminal configured for SM2 is served by a
// platform that checks SM2 signatures, and one signing with another key is not.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal } from '../../terminal/app/start-terminal';
import { startPlatformSimulator, type PlatformSimulator } from '../../terminal/sim/platform/server';
import { startHisSimulator } from '../../terminal/sim/his/server';
import { simEnvelopeContext } from '../../terminal/sim/platform/context';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');

describe('gateway signing from config', () => {
  const open = nothingOpenAfterEach();
  const dir = mkdtempSync(join(tmpdir(), 'signer-'));
  const keys = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  const other = generateKeyPairSync('ec', { namedCurve: 'SM2' });
  writeFileSync(join(dir, 'good.pem'), keys.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  writeFileSync(join(dir, 'other.pem'), other.privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  let platform: PlatformSimulator;
  let his: { url: string; close(): Promise<void> };

  before(async () => {
    platform = await startPlatformSimulator({ fixturesDir, signature: { type: 'sm2', publicKey: keys.publicKey } });
    open.track(platform);
    his = await startHisSimulator({ fixturesDir });
  });
  after(async () => {
    await platform.close();
    await his.close();
  });

  const kioskWith = async (keyFile: string) =>
    open.track(await startTerminal({
      config: parseConfig({
        terminal: { institutionCode: simEnvelopeContext.fixmedins_code, areaCode: simEnvelopeContext.mdtrtarea_admvs },
        platform: { mode: 'remote', baseUrl: platform.url, signer: { type: 'sm2', privateKeyFile: keyFile } },
        his: { mode: 'remote', baseUrl: his.url },
        devices: [],
      }),
      dataDir: mkdtempSync(join(tmpdir(), 'signer-kiosk-')),
      fixturesDir,
    }), { books: platform });

  it('is accepted when signed with the registered key, refused with another', async () => {
    const good = await kioskWith(join(dir, 'good.pem'));
    try {
      await good.api.execute({ type: 'session.begin', service: 'outpatient' });
      const result = await good.api.execute({ type: 'credential.text', text: platform.mintEcQr('employee') });
      assert.ok(result.ok);
      assert.equal(result.session.step, 'confirm', JSON.stringify(result.session.error));
      await good.api.execute({ type: 'session.reset' });
    } finally {
      await good.close();
    }
    const bad = await kioskWith(join(dir, 'other.pem'));
    try {
      await bad.api.execute({ type: 'session.begin', service: 'outpatient' });
      const result = await bad.api.execute({ type: 'credential.text', text: platform.mintEcQr('employee') });
      assert.ok(result.ok);
      assert.equal(result.session.step, 'error');
    } finally {
      await bad.close();
    }
  });

  it('names the key file it cannot read', async () => {
    await assert.rejects(kioskWith(join(dir, 'missing.pem')), /platform\.signer\.privateKeyFile: cannot read/);
  });
});
