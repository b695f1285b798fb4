// process.parentPort as Electron gives it in a utility process, over a forked child's IPC channel:
// messages arrive as MessageEvent-like { data }, postMessage sends to the parent.
const listeners = [];
process.parentPort = {
  postMessage: (message) => process.send?.(message),
  on(event, listener) {
    if (event === 'message') listeners.push(listener);
    return this;
  },
};
process.on('message', (data) => {
  for (const l of listeners) l({ data, ports: [] });
});
