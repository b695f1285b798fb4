// The kiosk window's options in one place, so a test can hold the security settings fixed:
// the renderer is sandboxed, isolated from the preload, and has no Node.
import type { BrowserWindowConstructorOptions } from 'electron';

export function kioskWindowOptions(preloadPath: string, opts: { kiosk: boolean }): BrowserWindowConstructorOptions {
  return {
    width: 1080,
    height: 1920,
    kiosk: opts.kiosk,
    fullscreen: opts.kiosk,
    autoHideMenuBar: true,
    backgroundColor: '#ffffff',
    show: false,
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      devTools: !opts.kiosk,
      navigateOnDragDrop: false,
      spellcheck: false,
      // Voice prompts for elderly patients play when a screen changes, not only after a tap.
      autoplayPolicy: 'no-user-gesture-required',
      safeDialogs: true,
    },
  };
}
