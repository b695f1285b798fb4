// Lint: typescript-eslint's recommended rules plus the layer rules of ARCHITECTURE.md, so that
// where code may run is checked, not hoped for (the idea of VS Code's and Signal's import rules).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noImport = (patterns, message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group: patterns, message }] }],
});

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'test-output/**', 'release/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', Buffer: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-console': 'off',
    },
  },
  {
    files: ['terminal/**/*.ts'],
    ignores: ['terminal/host/electron/**', '**/*.test.ts'],
    rules: noImport(['electron', 'react', 'react-dom', '**/ui/**'], 'the terminal core runs without Electron and without a DOM'),
  },
  {
    files: ['drivers/**/*.ts'],
    ignores: ['**/*.test.ts'],
    rules: noImport(['electron', 'react', '**/terminal/settlement/**', '**/terminal/journal/**', '**/terminal/insurance/**', '**/terminal/core/**', '**/ui/**'], 'drivers know devices only: no Electron, UI or settlement'),
  },
  {
    files: ['ui/**/*.ts', 'ui/**/*.tsx'],
    // Tests run in node and the build config is node: neither ships to the renderer.
    ignores: ['**/*.test.ts', 'ui/vite.config.ts'],
    rules: noImport(['electron', 'node:*', 'fs', 'path', 'better-sqlite3', 'serialport', 'node-hid', '**/terminal/!(api)/**', '**/terminal/!(api)', '**/drivers/**'], 'the UI knows only the terminal API'),
  },
);
