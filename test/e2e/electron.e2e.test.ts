// The kiosk in a real Electron (Playwright's _electron): the ES-module main starts the terminal,
// the sandboxed preload exposes the bridge, the idle screen shows, and a command goes through IPC.
// Skipped, saying why, where Electron's binary is not installed (it downloads from outside the npm
// registry; this repository's CI cannot reach that host).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { _electron, type ElectronApplication } from 'playwright-core';
// @ts-expect-error: a plain .mjs script without types
import { electronBinary } from '../../scripts/electron-binary.mjs';

const root = join(import.meta.dirname, '..', '..');
const binary = electronBinary() as string | null;
const skip = binary ? false : 'no Electron binary (node_modules/electron/dist): install it with `npx install-electron --no` where its download host is reachable';

describe('the kiosk in Electron', { skip }, () => {
  let electronApp: ElectronApplication;
  before(async () => {
    for (const script of ['build:ui', 'build:electron']) assert.equal(spawnSync('npm', ['run', '-s', script], { cwd: root }).status, 0, script);
    const work = mkdtempSync(join(tmpdir(), 'electron-e2e-'));
    writeFileSync(join(work, 'config.json'), JSON.stringify({ dataDir: join(work, 'data') }));
    electronApp = await _electron.launch({ executablePath: binary ?? '', args: [root, '--no-kiosk', '--config', join(work, 'config.json')], cwd: root });
  });
  after(() => electronApp?.close());

  it('shows the idle screen and answers status over the preload bridge', async () => {
    const page = await electronApp.firstWindow();
    await page.getByTestId('screen-idle').waitFor();
    const status = await page.evaluate(() => (window as unknown as { terminalBridge: { execute(c: unknown): Promise<{ ok: boolean }> } }).terminalBridge.execute({ type: 'status.get' }));
    assert.equal(status.ok, true);
    assert.equal(await page.evaluate(() => typeof (window as unknown as { require?: unknown }).require), 'undefined', 'no Node in the renderer');
  });
});
