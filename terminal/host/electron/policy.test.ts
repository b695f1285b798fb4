import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { kioskWindowOptions } from './window-options';
import { CONTENT_SECURITY_POLICY, isNavigationAllowed, isPermissionAllowed } from './policy';

describe('kiosk window security', () => {
  it('isolates and sandboxes the renderer, with no Node', () => {
    const prefs = kioskWindowOptions('/app/preload.cjs', { kiosk: true }).webPreferences ?? {};
    assert.equal(prefs.contextIsolation, true);
    assert.equal(prefs.sandbox, true);
    assert.equal(prefs.nodeIntegration, false);
    assert.equal(prefs.nodeIntegrationInWorker, false);
    assert.equal(prefs.nodeIntegrationInSubFrames, false);
    assert.equal(prefs.webSecurity, true);
    assert.equal(prefs.webviewTag, false);
    assert.equal(prefs.allowRunningInsecureContent, false);
    assert.equal(prefs.devTools, false, 'no devtools on a kiosk');
    assert.equal(prefs.preload, '/app/preload.cjs');
    assert.equal(prefs.autoplayPolicy, 'no-user-gesture-required', 'voice prompts play on screen changes');
  });

  it('runs in kiosk mode on a kiosk', () => {
    const options = kioskWindowOptions('/p', { kiosk: true });
    assert.equal(options.kiosk, true);
    assert.equal(options.fullscreen, true);
  });

  it('has a CSP with no inline or eval scripts and no remote origins', () => {
    assert.match(CONTENT_SECURITY_POLICY, /default-src 'self'/);
    assert.match(CONTENT_SECURITY_POLICY, /script-src 'self'(;|$)/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /unsafe-(inline|eval)/);
    assert.doesNotMatch(CONTENT_SECURITY_POLICY, /https?:/);
    assert.match(CONTENT_SECURITY_POLICY, /object-src 'none'/);
  });

  it('refuses navigation away from the app', () => {
    const app = 'file:///opt/terminal/dist/ui/index.html';
    assert.equal(isNavigationAllowed(app, app), true);
    assert.equal(isNavigationAllowed('file:///etc/passwd', app), false);
    assert.equal(isNavigationAllowed('https://example.com/', app), false);
    assert.equal(isNavigationAllowed('javascript:alert(1)', app), false);
    assert.equal(isNavigationAllowed('not a url', app), false);
    assert.equal(isNavigationAllowed('http://127.0.0.1:5000/x', 'http://127.0.0.1:5000/'), true);
    assert.equal(isNavigationAllowed('http://127.0.0.1:5001/', 'http://127.0.0.1:5000/'), false);
  });

  it('grants the camera and nothing else', () => {
    assert.equal(isPermissionAllowed('media', { mediaTypes: ['video'] }), true);
    assert.equal(isPermissionAllowed('media', { mediaTypes: ['audio'] }), false);
    assert.equal(isPermissionAllowed('media', { mediaTypes: ['video', 'audio'] }), false);
    assert.equal(isPermissionAllowed('media', {}), false);
    for (const p of ['geolocation', 'notifications', 'usb', 'hid', 'serial', 'clipboard-read', 'openExternal', 'fullscreen']) {
      assert.equal(isPermissionAllowed(p), false, p);
    }
  });
});
