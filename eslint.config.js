// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Real time and randomness are arguments in the pure packages (CONSTRAINTS.md C-4).
const PURE_PACKAGES = ['packages/core/**/*.ts', 'packages/sim/**/*.ts', 'packages/model/**/*.ts'];
const WHY =
  'is forbidden in core/sim/model: take time and randomness as arguments (CONSTRAINTS.md C-4)';

export default tseslint.config(
  {
    ignores: [
      '**/node_modules/**',
      '**/dist/**',
      'packages/cli/bundle/**',
      '.dst/**',
      'coverage/**',
      'reports/**',
      '.stryker-tmp/**',
      'test/.readme/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strict,
  {
    files: ['**/*.js', '**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', URL: 'readonly' } },
  },
  {
    // The CLI's binary is CommonJS (its directory's package.json says so): a faster start.
    files: ['packages/cli/bin/*.js'],
    languageOptions: {
      sourceType: 'commonjs',
      globals: { require: 'readonly', module: 'writable', __dirname: 'readonly' },
    },
    rules: { '@typescript-eslint/no-require-imports': 'off' },
  },
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
      eqeqeq: ['error', 'always'],
      'no-console': 'off',
    },
  },
  {
    files: PURE_PACKAGES,
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: `Date.now ${WHY}` },
        { object: 'Math', property: 'random', message: `Math.random ${WHY}` },
        { object: 'performance', property: 'now', message: `performance.now ${WHY}` },
        { object: 'globalThis', property: 'setTimeout', message: `setTimeout ${WHY}` },
        { object: 'globalThis', property: 'setInterval', message: `setInterval ${WHY}` },
        { object: 'process', property: 'hrtime', message: `process.hrtime ${WHY}` },
        { object: 'crypto', property: 'randomUUID', message: `crypto.randomUUID ${WHY}` },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: `setTimeout ${WHY}` },
        { name: 'setInterval', message: `setInterval ${WHY}` },
        { name: 'setImmediate', message: `setImmediate ${WHY}` },
        { name: 'performance', message: `performance ${WHY}` },
      ],
      'no-restricted-syntax': [
        'error',
        { selector: "NewExpression[callee.name='Date']", message: `new Date() ${WHY}` },
        { selector: "CallExpression[callee.name='Date']", message: `Date() ${WHY}` },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'node:timers', message: `timers ${WHY}` },
            { name: 'node:perf_hooks', message: `perf_hooks ${WHY}` },
            { name: 'timers', message: `timers ${WHY}` },
            { name: 'perf_hooks', message: `perf_hooks ${WHY}` },
          ],
        },
      ],
    },
  },
);
