// The vendor library's process in the kiosk app: Electron's utilityProcess. child_process.fork would
// start the Electron binary as Node, which the packaged app's RunAsNode fuse forbids; a utility
// process is Electron's own Node child and needs no fuse. The worker script speaks through
// process.parentPort there (drivers/vendor-lib/worker.ts handles both).
import { utilityProcess } from 'electron';
import { vendorWorkerGoneSignal, type StartVendorWorker, type VendorWorkerProcess } from '../../app/devices';

export const utilityVendorWorker: StartVendorWorker = ({ path, execArgv }) => {
  const child = utilityProcess.fork(path, [], { serviceName: 'vendor-lib', stdio: 'inherit', execArgv });
  const signal = vendorWorkerGoneSignal();
  // 'error' (a fatal V8 error) is followed by 'exit'; either way the host restarts the process.
  child.on('error', (type) => signal.gone(`utility process error: ${type}`));
  child.on('exit', (code) => signal.gone(`exit code ${code}`));
  const process: VendorWorkerProcess = {
    get pid() {
      return child.pid;
    },
    send: (message) => child.postMessage(message),
    onMessage: (listener) => child.on('message', listener),
    onGone: signal.onGone,
    kill() {
      child.removeAllListeners('message');
      if (!signal.isGone()) child.kill();
    },
  };
  return process;
};
