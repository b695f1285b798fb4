// Lint: typescript-eslint's recommended rules plus the layer rules of ARCHITECTURE.md, so that
// where code may run is checked, not hoped for (the idea of VS Code's and Signal's import rules).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layersPlugin } from './eslint-layers.mjs';

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'test-output/**', 'release/**', '.cache/**'] },
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
    // Where code may run: the allowlist of eslint-layers.mjs (each folder, what it may import).
    files: ['terminal/**/*.ts', 'drivers/**/*.ts', 'ui/**/*.ts', 'ui/**/*.tsx'],
    plugins: { layers: layersPlugin },
    rules: { 'layers/allowlist': 'error' },
  },
);
