// Electron's main process: a thin shell that starts the same terminal core as every other host,
// opens one locked-down kiosk window, and carries the typed API over IPC.
import { app, BrowserWindow, ipcMain, session, type WebContents } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { channels, Command, type CommandResult } from '../../api/schema';
import { loadConfig } from '../../config/config';
import { startTerminal, type RunningTerminal } from '../../app/start-terminal';
import { kioskWindowOptions } from './window-options';
import { CONTENT_SECURITY_POLICY, isNavigationAllowed, isPermissionAllowed } from './policy';

const kiosk = !process.argv.includes('--no-kiosk');
const configFile = argValue('--config') ?? process.env.TERMINAL_CONFIG;
let running: RunningTerminal | null = null;

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

app.enableSandbox();
// One kiosk app per machine: a second start would fight over the devices and the journal.
if (!app.requestSingleInstanceLock()) app.quit();

app.on('web-contents-created', (_e, contents) => lockDownContents(contents));
app.on('window-all-closed', () => app.quit());
app.on('before-quit', () => {
  void running?.close();
});

void app.whenReady().then(async () => {
  const appRoot = app.getAppPath();
  const uiUrl = pathToFileURL(join(appRoot, 'dist', 'ui', 'index.html')).toString();
  try {
    const config = loadConfig(configFile);
    running = await startTerminal({
      config,
      dataDir: config.dataDir ?? join(app.getPath('userData'), 'terminal-data'),
      fixturesDir: config.fixturesDir ?? join(appRoot, 'fixtures'),
    });
  } catch (err) {
    console.error(`terminal failed to start: ${(err as Error).message}`);
    app.exit(1);
    return;
  }
  const api = running.api;

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details as { mediaTypes?: string[] }));
  });
  session.defaultSession.setPermissionCheckHandler((_wc, permission, _origin, details) =>
    isPermissionAllowed(permission, details as { mediaTypes?: string[] }),
  );

  const win = new BrowserWindow(kioskWindowOptions(join(__dirname, 'preload.cjs'), { kiosk }));
  win.webContents.on('will-navigate', (event, url) => {
    if (!isNavigationAllowed(url, uiUrl)) event.preventDefault();
  });

  ipcMain.handle(channels.command, async (event, raw: unknown): Promise<CommandResult> => {
    if (event.senderFrame?.url !== uiUrl) {
      return { ok: false, error: { code: 'forbidden', message: 'command from an unknown page' } };
    }
    const parsed = Command.safeParse(raw);
    if (!parsed.success) return { ok: false, error: { code: 'bad-request', message: 'malformed command' } };
    return api.execute(parsed.data);
  });
  const unsubscribe = api.subscribe((event) => {
    if (!win.isDestroyed()) win.webContents.send(channels.event, event);
  });
  win.on('closed', unsubscribe);
  win.once('ready-to-show', () => win.show());
  await win.loadURL(uiUrl);
});

function lockDownContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
}
