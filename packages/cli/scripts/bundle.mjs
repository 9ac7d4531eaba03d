// Bundles the CLI's built JavaScript (dist/) into bundle/, the code the `leasehold` binary runs
// once installed. Every command loads only its own chunk (the entry imports each command group
// lazily), and the agent commands' chunk holds the typed HTTP client with its schema library in
// one file: loading the schema library's seven hundred module files one by one cost more than
// the whole budget of a command an agent's hook runs after every tool call. Everything else (the
// simulator, the service, the store drivers, tsx) stays an import of its installed package.
import { rmSync } from 'node:fs';
import { build } from 'esbuild';

/** The packages bundled in; any other package a module imports stays external. */
const BUNDLED = new Set([
  '@leasehold/api',
  '@leasehold/client',
  '@leasehold/core',
  '@leasehold/store',
  'commander',
  'typebox',
]);

function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const root = new URL('..', import.meta.url);
const outdir = new URL('bundle', root).pathname;
rmSync(outdir, { recursive: true, force: true });
await build({
  absWorkingDir: root.pathname,
  entryPoints: ['dist/main.js', 'dist/worker.js'],
  outdir,
  bundle: true,
  splitting: true,
  format: 'esm',
  platform: 'node',
  target: 'node20',
  logLevel: 'warning',
  minify: true,
  // A CommonJS package bundled into ES modules (commander) still calls require.
  banner: {
    js: "import { createRequire as __leaseholdRequire } from 'node:module'; const require = __leaseholdRequire(import.meta.url);",
  },
  plugins: [
    {
      name: 'external-packages',
      setup(context) {
        context.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith('node:') || BUNDLED.has(packageOf(args.path))) return undefined;
          return { path: args.path, external: true };
        });
      },
    },
  ],
});
