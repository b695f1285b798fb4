// The renderer's only door to the terminal: two functions over IPC, exposed through contextBridge.
// The renderer never sees ipcRenderer itself; main validates every command against the API schema.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';

// Duplicated from terminal/api/schema.ts on purpose: a sandboxed preload bundle stays tiny and imports nothing.
const COMMAND_CHANNEL = 'terminal:command';
const EVENT_CHANNEL = 'terminal:event';

contextBridge.exposeInMainWorld('terminalBridge', {
  execute: (command: unknown): Promise<unknown> => ipcRenderer.invoke(COMMAND_CHANNEL, command),
  onEvent: (listener: (event: unknown) => void): (() => void) => {
    const handler = (_e: IpcRendererEvent, event: unknown) => listener(event);
    ipcRenderer.on(EVENT_CHANNEL, handler);
    return () => ipcRenderer.removeListener(EVENT_CHANNEL, handler);
  },
});
