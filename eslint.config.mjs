// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import { layeringPlugin } from './scripts/eslint/layering.mjs';

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', '.tmp/**', '.vscode-test/**', 'test-results/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: { console: 'readonly', process: 'readonly', require: 'readonly', module: 'writable', __dirname: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', Buffer: 'readonly', performance: 'readonly' },
    },
    rules: {
      'no-eval': 'error',
      'no-implied-eval': 'error',
      'no-new-func': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    // The folder layering and no import cycles (scripts/eslint/layering.mjs; README, "Layout").
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    plugins: { flab: layeringPlugin },
    rules: { 'flab/layers': 'error', 'flab/no-cycle': 'error' },
  },
);
