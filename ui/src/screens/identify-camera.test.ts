// The identify step lights the window's camera only where a code is read from it: a fixture camera or
// one kept for the face step must not show a preview (or turn the camera light on) at identify.
import { it } from 'node:test';
import assert from 'node:assert/strict';
import { createElement } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import type { SessionView, TerminalStatus } from '../../../terminal/api/schema';
import { translate } from '../i18n';
import { Identify } from './Identify';

const session = { step: 'identify', service: 'outpatient', revision: 1 } as unknown as SessionView;
const camera = { id: 'cam-1', kind: 'camera', state: 'ready', lastDataAt: null, errorCount: 0, lastError: null } as const;
const scanner = { id: 'qr-1', kind: 'qr-scanner', state: 'ready', lastDataAt: null, errorCount: 0, lastError: null } as const;
const render = (status: TerminalStatus) =>
  renderToStaticMarkup(createElement(Identify, { session, status, t: (k) => translate('zh', k), lang: 'zh', elderly: false, busy: false, run: () => {}, submit: () => {} }));

it('shows the camera preview at identify only for a camera that reads codes from this window', () => {
  const base: TerminalStatus = { terminalId: 'T', platformOnline: true, outboxPending: 0, devices: [scanner, camera] };
  assert.doesNotMatch(render(base), /data-testid="scan-camera"/, 'a camera not fed by the window');
  assert.match(render({ ...base, windowCameraQr: true }), /data-testid="scan-camera"/);
});
