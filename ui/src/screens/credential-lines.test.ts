// The identify screen leads with what works: a scanner in error or missing goes below the card
// readers that work, and elderly mode (two lines) keeps the working ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { DeviceHealth, TerminalStatus } from '../../../terminal/api/schema';
import { credentialLines } from './CredentialList';

const device = (id: string, kind: DeviceHealth['kind'], state: DeviceHealth['state']): DeviceHealth => ({ id, kind, state, lastDataAt: null, errorCount: 0, lastError: null });
const status = (devices: DeviceHealth[]): TerminalStatus => ({ terminalId: 'T', platformOnline: true, outboxPending: 0, devices });

test('a working scanner leads, in the usual order', () => {
  const lines = credentialLines(status([device('qr', 'qr-scanner', 'ready'), device('ss', 'card-reader', 'ready'), device('id', 'id-card', 'ready')]), false);
  assert.deepEqual(lines.map((l) => l.key), ['qr', 'ss-card', 'id-card']);
});

test('a broken or missing scanner goes last; elderly mode keeps the two cards that work', () => {
  const broken = status([device('qr', 'qr-scanner', 'error'), device('ss', 'card-reader', 'ready'), device('id', 'id-card', 'ready')]);
  assert.deepEqual(credentialLines(broken, false).map((l) => l.key), ['ss-card', 'id-card', 'qr']);
  assert.deepEqual(credentialLines(broken, true).map((l) => l.key), ['ss-card', 'id-card']);
  const missing = status([device('id', 'id-card', 'ready')]);
  assert.deepEqual(credentialLines(missing, false).map((l) => [l.key, l.state]), [['id-card', 'ready'], ['qr', 'missing']]);
});
