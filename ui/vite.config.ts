// Builds the kiosk renderer into dist/ui with relative URLs, so both the web host and Electron
// (file or custom protocol) can load it. No inline scripts: the CSP forbids them.
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';

const uiRoot = path.dirname(fileURLToPath(import.meta.url));

export default defineConfig({
  root: uiRoot,
  base: './',
  plugins: [react()],
  build: {
    outDir: path.resolve(uiRoot, '../dist/ui'),
    emptyOutDir: true,
    // Inlined assets would become data: URLs for scripts/styles, which the CSP refuses.
    assetsInlineLimit: 0,
    modulePreload: { polyfill: false },
    sourcemap: false,
  },
});
