// @ts-check
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

// Real time and randomness are arguments in the pure packages (CONSTRAINTS.md C-4).
const PURE_PACKAGES = ['packages/core/**/*.ts', 'packages/sim/**/*.ts', 'packages/model/**/*.ts'];
const WHY =
  'is forbidden in core/sim/model: take time and randomness as arguments (CONSTRAINTS.md C-4)';
// The other packages read real time in one file each, and take it from there everywhere else.
const SHELL_PACKAGES = [
  'packages/api/**/*.ts',
  'packages/cli/**/*.ts',
  'packages/client/**/*.ts',
  'packages/server/**/*.ts',
  'packages/step/**/*.ts',
  'packages/store/**/*.ts',
  'packages/store-etcd/**/*.ts',
  'packages/store-sqlite/**/*.ts',
];
const SHELL_CLOCKS = [
  'packages/cli/src/system-clock.ts',
  'packages/client/src/system-clock.ts',
  'packages/server/src/system-clock.ts',
  'packages/store-etcd/src/bounded-call.ts',
  'packages/store-sqlite/src/system-time.ts',
  // Tests drive real processes and servers with real timeouts.
  'packages/*/test/**',
];
const SHELL_WHY =
  "reads real time outside its package's one clock file: take it from there (CONSTRAINTS.md C-4)";

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
  {
    files: SHELL_PACKAGES,
    ignores: SHELL_CLOCKS,
    rules: {
      'no-restricted-properties': [
        'error',
        { object: 'Date', property: 'now', message: `Date.now ${SHELL_WHY}` },
        { object: 'performance', property: 'now', message: `performance.now ${SHELL_WHY}` },
        { object: 'globalThis', property: 'setTimeout', message: `setTimeout ${SHELL_WHY}` },
        { object: 'globalThis', property: 'setInterval', message: `setInterval ${SHELL_WHY}` },
        { object: 'process', property: 'hrtime', message: `process.hrtime ${SHELL_WHY}` },
      ],
      'no-restricted-globals': [
        'error',
        { name: 'setTimeout', message: `setTimeout ${SHELL_WHY}` },
        { name: 'setInterval', message: `setInterval ${SHELL_WHY}` },
        { name: 'setImmediate', message: `setImmediate ${SHELL_WHY}` },
      ],
      'no-restricted-syntax': [
        'error',
        {
          selector: "NewExpression[callee.name='Date'][arguments.length=0]",
          message: `new Date() ${SHELL_WHY}`,
        },
        { selector: "CallExpression[callee.name='Date']", message: `Date() ${SHELL_WHY}` },
      ],
      'no-restricted-imports': [
        'error',
        {
          paths: [
            { name: 'node:timers', message: `timers ${SHELL_WHY}` },
            { name: 'node:perf_hooks', message: `perf_hooks ${SHELL_WHY}` },
            { name: 'timers', message: `timers ${SHELL_WHY}` },
            { name: 'perf_hooks', message: `perf_hooks ${SHELL_WHY}` },
          ],
        },
      ],
    },
  },
);
