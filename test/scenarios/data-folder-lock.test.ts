// A second terminal started on the data folder of a running one is refused before it opens the
// journal: it names the folder and the holder's pid, and it writes nothing there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseConfig } from '../../terminal/config/config';
import { startTerminal } from '../../terminal/app/start-terminal';
import { nothingOpenAfterEach } from '../../terminal/testing/open-things.testkit';

const fixturesDir = resolve(import.meta.dirname, '..', '..', 'fixtures');
const open = nothingOpenAfterEach();

test('a second terminal on the same data folder is refused, naming the folder and the holder', async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'two-terminals-'));
  const config = parseConfig({ devices: [], settlement: { replayIntervalMs: 60_000 } });
  const first = open.track(await startTerminal({ config, dataDir, fixturesDir }));
  try {
    const filesBefore = readdirSync(dataDir).sort();
    await assert.rejects(startTerminal({ config, dataDir, fixturesDir }), (err: Error) => err.message.includes(dataDir) && err.message.includes(`pid ${process.pid}`));
    assert.deepEqual(readdirSync(dataDir).sort(), filesBefore, 'the refused start wrote nothing');
    const status = await first.api.execute({ type: 'status.get' });
    assert.ok(status.ok, 'the first terminal runs on');
  } finally {
    await first.close();
  }
  const again = open.track(await startTerminal({ config, dataDir, fixturesDir }));
  await again.close();
});
