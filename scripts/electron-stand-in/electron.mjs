// A small stand-in for the `electron` module, so the built main-process bundle can be loaded under
// plain Node (terminal/host/electron/packaged-main.test.ts). It records what main does and drives
// one round: the window loads, a command goes through the IPC handler, the log says whether the
// face models loaded, then the app quits the way Electron does (before-quit, then exit).
// SMOKE_APP_PATH, SMOKE_RESOURCES and SMOKE_USER_DATA describe the "installed" app.
import { EventEmitter } from 'node:events';
import { fork } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const say = (event) => process.stdout.write(`SMOKE ${JSON.stringify(event)}\n`);
const handlers = new Map();
let quitting = false;

class App extends EventEmitter {
  isPackaged = process.env.SMOKE_PACKAGED !== '0';
  enableSandbox() {}
  requestSingleInstanceLock() { return true; }
  whenReady() { return new Promise((resolve) => setTimeout(resolve, 0)); }
  getAppPath() { return process.env.SMOKE_APP_PATH; }
  getPath(name) { return join(process.env.SMOKE_USER_DATA, name); }
  getVersion() { return '0.0.0-smoke'; }
  quit() {
    const event = { defaultPrevented: false, preventDefault() { this.defaultPrevented = true; } };
    this.emit('before-quit', event);
    if (event.defaultPrevented) return;
    if (quitting) return;
    quitting = true;
    say({ event: 'quit' });
    setTimeout(() => process.exit(0));
  }
  exit(code) {
    say({ event: 'exit', code });
    process.exit(code);
  }
}
export const app = new App();
process.resourcesPath = process.env.SMOKE_RESOURCES;

// Electron's utilityProcess as far as the vendor-library host uses it: a Node child whose script talks
// through process.parentPort (MessageEvents), set up by parent-port.mjs before the script runs.
class UtilityProcess extends EventEmitter {
  constructor(modulePath, args, options) {
    super();
    const shim = new URL('./parent-port.mjs', import.meta.url).pathname;
    this.child = fork(modulePath, args ?? [], { execArgv: ['--import', shim, ...(options?.execArgv ?? [])], serialization: 'advanced', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
    this.child.on('message', (m) => this.emit('message', m));
    this.child.on('spawn', () => this.emit('spawn'));
    // Electron gives the exit code only; a signal shows as a non-zero code.
    this.child.on('exit', (code, signal) => this.emit('exit', code ?? (signal ? 128 : 0)));
  }
  get pid() { return this.child.pid; }
  postMessage(message) { this.child.send(message); }
  kill() { return this.child.kill('SIGTERM'); }
}
export const utilityProcess = {
  fork(modulePath, args, options) {
    say({ event: 'utilityProcess', modulePath, serviceName: options?.serviceName });
    return new UtilityProcess(modulePath, args, options);
  },
};

export const ipcMain = { handle: (channel, fn) => handlers.set(channel, fn) };
export const powerSaveBlocker = { start: (type) => (say({ event: 'powerSaveBlocker', type }), 1) };
const permission = {};
export const session = {
  defaultSession: {
    webRequest: { onHeadersReceived() {} },
    setPermissionRequestHandler: (fn) => (permission.request = fn),
    setPermissionCheckHandler: (fn) => (permission.check = fn),
  },
};

export class BrowserWindow extends EventEmitter {
  constructor(options) {
    super();
    this.options = options;
    this.destroyed = false;
    this.webContents = Object.assign(new EventEmitter(), { send() {} });
    app.emit('web-contents-created', {}, Object.assign(this.webContents, { setWindowOpenHandler() {} }));
  }
  isDestroyed() { return this.destroyed; }
  destroy() { this.destroyed = true; this.emit('closed'); }
  show() {}
  async loadURL(url) {
    say({ event: 'window', url, preload: this.options.webPreferences.preload, preloadExists: existsSync(this.options.webPreferences.preload) });
    setTimeout(() => void drive(url));
  }
}

async function drive(url) {
  const command = handlers.get('terminal:command');
  const status = await command({ senderFrame: { url } }, { type: 'status.get' });
  say({ event: 'status', ok: status.ok, platformOnline: status.status?.platformOnline });
  say({ event: 'permissions', video: permission.check(null, 'media', '', { mediaType: 'video' }), audio: permission.check(null, 'media', '', { mediaType: 'audio' }) });
  const log = join(process.env.SMOKE_DATA_DIR, 'logs', 'terminal.log');
  for (let i = 0; i < 1200; i++) {
    const text = existsSync(log) ? readFileSync(log, 'utf8') : '';
    const line = text.split('\n').find((l) => l.includes('"face models loaded"') || l.includes('"face verification cannot start"'));
    if (line) {
      say({ event: 'face', line: JSON.parse(line) });
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  // A vendor-library device in the config: wait until its library answered a call (through utilityProcess).
  const vendorId = process.env.SMOKE_VENDOR_DEVICE;
  for (let i = 0; vendorId && i < 600; i++) {
    const now = await command({ senderFrame: { url } }, { type: 'status.get' });
    const health = now.status?.devices?.find((d) => d.id === vendorId);
    if (health?.lastDataAt || i === 599) {
      say({ event: 'vendor', health });
      break;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  app.quit();
}

export default { app, ipcMain, powerSaveBlocker, session, BrowserWindow, utilityProcess };
