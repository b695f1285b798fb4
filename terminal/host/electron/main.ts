// Electron's main process: a thin shell that starts the same terminal core as every other host,
// opens one locked-down kiosk window, and carries the typed API over IPC. An ES module (main.mjs):
// import.meta.url is real, so the face worker and the models resolve beside it.
import { app, BrowserWindow, ipcMain, powerSaveBlocker, session, type WebContents } from 'electron';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { channels, Command, type CommandResult } from '../../api/schema';
import { loadConfig } from '../../config/config';
import { startTerminal, type RunningTerminal } from '../../app/start-terminal';
import { createLogger, errorFields, type Logger } from '../../app/logger';
import { kioskWindowOptions } from './window-options';
import { CONTENT_SECURITY_POLICY, isNavigationAllowed, isPermissionAllowed } from './policy';
import { packagedPaths } from './paths';
import { utilityVendorWorker } from './vendor-worker';

const kiosk = !process.argv.includes('--no-kiosk');
const configFile = argValue('--config') ?? process.env.TERMINAL_CONFIG;
const version = process.env.TERMINAL_BUILD_VERSION ?? app.getVersion();
let running: RunningTerminal | null = null;
let closing: Promise<void> | null = null;
let win: BrowserWindow | null = null;
let log: Logger = createLogger({ dir: null, console: true });

function argValue(name: string): string | undefined {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

app.enableSandbox();
// One kiosk app per machine: a second start would fight over the devices and the journal.
if (!app.requestSingleInstanceLock()) app.quit();

const paths = packagedPaths({ isPackaged: app.isPackaged, appPath: app.getAppPath(), resourcesPath: process.resourcesPath });
// The face worker is another thread: it learns where the packaged models are from the environment.
if (paths.modelPackages) process.env.FACE_MODEL_PACKAGES ??= paths.modelPackages;

app.on('web-contents-created', (_e, contents) => lockDownContents(contents));
app.on('window-all-closed', () => app.quit());
// Quit waits for the core: the journal closes cleanly and the devices are released.
app.on('before-quit', (event) => {
  if (!running) return;
  event.preventDefault();
  closing ??= running
    .close()
    .catch((err: unknown) => log.error('terminal did not close cleanly', errorFields(err)))
    .finally(() => {
      running = null;
      app.quit();
    });
});
// A crashed renderer or GPU process must not leave a kiosk on a dead screen: open the window again.
app.on('render-process-gone', (_e, _wc, details) => {
  log.error('renderer gone; reopening the window', { reason: details.reason, exitCode: details.exitCode });
  relaunchWindow();
});
app.on('child-process-gone', (_e, details) => {
  if (details.reason === 'clean-exit') return;
  log.error('child process gone', { type: details.type, reason: details.reason, exitCode: details.exitCode, name: details.name });
  if (details.type === 'GPU') relaunchWindow();
});
process.on('uncaughtException', (err) => log.error('uncaught exception', errorFields(err)));
process.on('unhandledRejection', (err) => log.error('unhandled rejection', errorFields(err)));

const uiUrl = pathToFileURL(join(paths.appRoot, 'dist', 'ui', 'index.html')).toString();

void app.whenReady().then(async () => {
  let dataDir = '';
  try {
    const config = loadConfig(configFile);
    dataDir = config.dataDir ?? join(app.getPath('userData'), 'terminal-data');
    log = createLogger({ dir: join(dataDir, 'logs'), level: config.log.level, maxBytes: config.log.maxBytes, keep: config.log.keep, console: !app.isPackaged });
    log.info('terminal starting', { version, electron: process.versions.electron, packaged: app.isPackaged, dataDir });
    running = await startTerminal({ config, dataDir, fixturesDir: config.fixturesDir ?? paths.fixtures, logger: log, version, startVendorWorker: utilityVendorWorker });
  } catch (err) {
    // A Windows GUI app has no console: the reason goes to the log (and a fallback file) first.
    if (!log.file) log = createLogger({ dir: join(dataDir || app.getPath('userData'), 'logs'), console: true });
    log.error('terminal failed to start', errorFields(err));
    app.exit(1);
    return;
  }

  session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [CONTENT_SECURITY_POLICY] } });
  });
  session.defaultSession.setPermissionRequestHandler((_wc, permission, callback, details) => {
    callback(isPermissionAllowed(permission, details as { mediaTypes?: string[] }));
  });
  // A check carries one mediaType ('video' | 'audio' | 'unknown'), not the request's mediaTypes list.
  session.defaultSession.setPermissionCheckHandler((_wc, permission, _origin, details) =>
    isPermissionAllowed(permission, { mediaTypes: details.mediaType ? [details.mediaType] : [] }),
  );
  // The kiosk's screen never blanks: a patient walking up must see it.
  powerSaveBlocker.start('prevent-display-sleep');

  ipcMain.handle(channels.command, async (event, raw: unknown): Promise<CommandResult> => {
    if (event.senderFrame?.url !== uiUrl) {
      return { ok: false, error: { code: 'forbidden', message: 'command from an unknown page' } };
    }
    const parsed = Command.safeParse(raw);
    if (!parsed.success) return { ok: false, error: { code: 'bad-request', message: 'malformed command' } };
    if (!running) return { ok: false, error: { code: 'forbidden', message: 'terminal is closing' } };
    return running.api.execute(parsed.data);
  });
  await openWindow();
});

async function openWindow(): Promise<void> {
  const api = running?.api;
  if (!api) return;
  const w = new BrowserWindow(kioskWindowOptions(join(import.meta.dirname, 'preload.cjs'), { kiosk }));
  win = w;
  w.webContents.on('will-navigate', (event, url) => {
    if (!isNavigationAllowed(url, uiUrl)) event.preventDefault();
  });
  const unsubscribe = api.subscribe((event) => {
    if (!w.isDestroyed()) w.webContents.send(channels.event, event);
  });
  w.on('closed', () => {
    unsubscribe();
    if (win === w) win = null;
  });
  w.once('ready-to-show', () => w.show());
  await w.loadURL(uiUrl);
}

let relaunching = false;
function relaunchWindow(): void {
  if (relaunching || closing || !running) return;
  relaunching = true;
  const old = win;
  win = null;
  if (old && !old.isDestroyed()) old.destroy();
  openWindow()
    .catch((err: unknown) => log.error('could not reopen the window', errorFields(err)))
    .finally(() => {
      relaunching = false;
    });
}

function lockDownContents(contents: WebContents): void {
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.on('will-redirect', (event) => event.preventDefault());
}
