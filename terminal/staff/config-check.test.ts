// The staff screen's configuration check names one fault once: a misspelt scanner kind is a device
// entry in error (the device table says why), not also "no scanner configured"; amounts read in yuan.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseConfig } from '../config/config';
import { configCheck } from './config-check';
import type { DeviceHealth } from '../common/vocabulary';

const broken: DeviceHealth = { id: 'qr-1', kind: 'qr-scanner', state: 'error', lastDataAt: null, errorCount: 1, lastError: 'config: kind: Invalid input' };

test('a misspelt scanner kind is one warning: the device entry, not "no scanner"', () => {
  const config = parseConfig({ devices: [{ id: 'qr-1', kind: 'qr-scaner', transport: { type: 'serial', path: '/dev/ttyUSB0' } }] });
  // Without the running devices the entry cannot be told from no scanner: the old, doubled answer.
  assert.ok(configCheck(config).warnings.includes('no-scanner'));
  const { warnings } = configCheck(config, undefined, [broken]);
  assert.ok(warnings.includes('device-config'));
  assert.ok(!warnings.includes('no-scanner'), 'the misspelt scanner is not also reported as missing');
});

test('a terminal with no scanner at all is told so, and no device entry is blamed', () => {
  const config = parseConfig({ devices: [] });
  const { warnings } = configCheck(config, undefined, []);
  assert.ok(warnings.includes('no-scanner'));
  assert.ok(!warnings.includes('device-config'));
});

test('offline limits read in yuan, never "fen"', () => {
  const config = parseConfig({ settlement: { offline: { maxPerPatientFen: 200_000, maxTotalFen: 2_000_050 } } });
  const offline = configCheck(config).items.find((i) => i.key === 'offline');
  assert.equal(offline?.value, 'on · ¥2000.00 / ¥20000.50 · 24 h');
  assert.doesNotMatch(JSON.stringify(configCheck(config).items), /\bfen\b/);
});
