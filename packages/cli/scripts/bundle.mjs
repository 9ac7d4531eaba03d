// Bundles the agent commands (claim, heartbeat, gate, release, leases, ...) of the CLI's built
// JavaScript (dist/) into one CommonJS file, bundle/agent.cjs, which the installed `leasehold`
// binary runs for them (bin/leasehold.js) with V8's code cache. A coding agent's hook runs one of
// these after every tool call, so their start-up is the product: imported as modules, the schema
// library alone is seven hundred files, and compiling the code again on every call cost more than
// running the command. The schema library is not in the bundle at all: the typed client checks
// replies with checks compiled from the schemas ahead of time (@leasehold/api's reply-checks), and
// the build fails if anything the agent commands import brings the library back. Every other command (dst, serve, mcp) and the local-file backend stay in
// dist/, imported as modules from the bundle when a command needs them: nothing is bundled twice
// into one process that shares a class across the two.
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { build } from 'esbuild';

/** The packages bundled in; any other package a module imports stays external. */
const BUNDLED = new Set([
  '@leasehold/api',
  '@leasehold/client',
  '@leasehold/core',
  '@leasehold/store',
  'commander',
]);

/** Packages the agent commands must not load at all (each costs every call its start-up). */
const BANNED = new Set(['typebox']);

/** CLI modules the agent commands never load, or load only as separate modules. */
const OUTSIDE = /^\.\/(dst-[a-z-]+|serve|mcp-command|local-backend)\.js$/;

/**
 * Node modules the agent commands import and seldom call (the CLI parser's subcommand processes,
 * the guard's git, a claim's request id): each is loaded at its first call, not at start. Only the
 * names listed exist in the bundle: a build that uses another one fails.
 */
const LAZY = { child_process: ['spawn', 'spawnSync'], crypto: ['randomUUID'] };

function lazyModule(name) {
  const load = `let loaded; const load = () => (loaded ??= require(${JSON.stringify(name)}));`;
  const names = LAZY[name].map(
    (f) => `export function ${f}(...args) { return load().${f}(...args); }`,
  );
  return [load, ...names].join('\n');
}

function packageOf(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

const root = new URL('..', import.meta.url);
const outdir = new URL('bundle/', root);
rmSync(outdir, { recursive: true, force: true });
const built = await build({
  write: false,
  absWorkingDir: root.pathname,
  entryPoints: ['dist/main.js'],
  outfile: new URL('agent.cjs', outdir).pathname,
  bundle: true,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  minify: true,
  logLevel: 'warning',
  // The modules' own URL, as dist/ has it (the version is read from ../package.json).
  define: { 'import.meta.url': '__leaseholdModuleUrl' },
  banner: {
    js: "var __leaseholdModuleUrl = require('node:url').pathToFileURL(require('node:path').join(__dirname, '..', 'dist', 'main.js')).href;",
  },
  plugins: [
    {
      name: 'external-modules',
      setup(context) {
        context.onResolve({ filter: /^node:(child_process|crypto)$/ }, (args) => ({
          path: args.path.slice('node:'.length),
          namespace: 'lazy-node',
        }));
        context.onLoad({ filter: /.*/, namespace: 'lazy-node' }, (args) => ({
          contents: lazyModule(args.path),
          loader: 'js',
        }));
        // bundle/ and dist/ are siblings: the module at ../dist/ is the one dist/ would import.
        context.onResolve({ filter: OUTSIDE }, (args) => ({
          path: `../dist/${basename(args.path)}`,
          external: true,
        }));
        context.onResolve({ filter: /^[^./]/ }, (args) => {
          if (args.path.startsWith('node:') || BUNDLED.has(packageOf(args.path))) return undefined;
          return { path: args.path, external: true };
        });
      },
    },
  ],
});
// The bundle runs as a script with V8's code cache, where Node 20 has no dynamic import: an
// import() of a module outside the bundle becomes a require() of it (Node 20.19 and later require
// ES modules), which answers the same namespace.
const code = built.outputFiles[0].text.replace(
  /\bimport\("((?:node:|\.\.\/dist\/)[^"]+)"\)/g,
  (_, specifier) => `Promise.resolve().then(()=>require(${JSON.stringify(specifier)}))`,
);
if (/\bimport\(/.test(code))
  throw new Error('bundle/agent.cjs: an import() is left that no script can run');
for (const name of BANNED) {
  if (code.includes(`require("${name}`))
    throw new Error(`bundle/agent.cjs: the agent commands load ${name}, which they must not`);
}
mkdirSync(outdir, { recursive: true });
writeFileSync(new URL('agent.cjs', outdir), code);

// Which commands the binary runs from the bundle: the agent group of the CLI's own table.
const { COMMAND_GROUPS } = await import(new URL('dist/program.js', root).href);
const agent = Object.keys(COMMAND_GROUPS).filter((name) => COMMAND_GROUPS[name] === 'agent');
writeFileSync(new URL('commands.json', outdir), `${JSON.stringify({ agent })}\n`);
