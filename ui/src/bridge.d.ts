// The Electron preload exposes exactly this on window; the renderer never sees ipcRenderer.
// Everything crossing it is `unknown` and validated with the API schemas on arrival.
export interface TerminalBridge {
  execute(command: unknown): Promise<unknown>;
  onEvent(listener: (event: unknown) => void): () => void;
}

declare global {
  interface Window {
    terminalBridge?: TerminalBridge;
  }
}
