// The layer allowlist refuses every direction the re-cut named as "never", and names what is allowed.
// Each case lints a one-line import as if it stood in a file of the offending folder.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ESLint } from 'eslint';

const eslint = new ESLint({ cwd: process.cwd() });

async function layerErrors(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  return (result?.messages ?? []).filter((m) => m.ruleId === 'layers/allowlist').map((m) => m.message);
}

const forbidden: Array<[string, string, string]> = [
  ['settlement -> sim', 'terminal/settlement/x.ts', "import { startPlatformSimulator } from '../sim/platform/server';\nexport const s = startPlatformSimulator;\n"],
  ['settlement -> testing', 'terminal/settlement/x.ts', "import * as kit from '../testing/settlement.testkit';\nexport const k = kit;\n"],
  ['kiosk -> sim', 'terminal/kiosk/x.ts', "import * as sim from '../sim/platform/faults';\nexport const s = sim;\n"],
  ['staff -> sim', 'terminal/staff/x.ts', "import * as sim from '../sim/his/server';\nexport const s = sim;\n"],
  ['identity -> settlement', 'terminal/identity/x.ts', "import type { VisitContext } from '../settlement/calls';\nexport type V = VisitContext;\n"],
  ['config -> drivers', 'terminal/config/x.ts', "import type { DeviceConfig } from '../../drivers/manager';\nexport type D = DeviceConfig;\n"],
  ['settlement -> config', 'terminal/settlement/x.ts', "import type { TerminalConfig } from '../config/config';\nexport type C = TerminalConfig;\n"],
  ['drivers -> api', 'drivers/qr-scanner/x.ts', "import type { SessionView } from '../../terminal/api/schema';\nexport type S = SessionView;\n"],
  ['drivers -> settlement', 'drivers/printer/x.ts', "import * as e from '../../terminal/settlement/engine';\nexport const x = e;\n"],
  ['common -> api', 'terminal/common/x.ts', "import type { SessionView } from '../api/schema';\nexport type S = SessionView;\n"],
  ['journal -> settlement', 'terminal/journal/x.ts', "import * as e from '../settlement/engine';\nexport const x = e;\n"],
  ['ui -> journal', 'ui/src/x.ts', "import * as j from '../../terminal/journal/journal';\nexport const x = j;\n"],
  ['ui -> node', 'ui/src/x.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n"],
  ['core -> electron', 'terminal/app/x.ts', "import { app } from 'electron';\nexport const x = app;\n"],
  ['an unlisted package in settlement', 'terminal/settlement/x.ts', "import fc from 'fast-check';\nexport const x = fc;\n"],
];

for (const [name, file, code] of forbidden) {
  test(`layers: ${name} is refused`, async () => {
    const errors = await layerErrors(file, code);
    assert.equal(errors.length, 1, `expected one layer error for ${file}`);
    assert.match(errors[0] ?? '', /may not import .*: it may import/);
  });
}

test('layers: allowed directions pass', async () => {
  assert.deepEqual(await layerErrors('terminal/app/x.ts', "import * as sim from '../sim/platform/server';\nexport const s = sim;\n"), []);
  assert.deepEqual(await layerErrors('terminal/settlement/x.ts', "import type { Split } from '../common/vocabulary';\nexport type S = Split;\n"), []);
  assert.deepEqual(await layerErrors('drivers/qr-scanner/x.ts', "import type { DeviceHealth } from '../../terminal/common/vocabulary';\nexport type D = DeviceHealth;\n"), []);
});
