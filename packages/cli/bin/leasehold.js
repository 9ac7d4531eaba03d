#!/usr/bin/env node
// The `leasehold` binary. Installed from npm it runs built JavaScript under plain Node and never
// loads tsx (only `--impl my-lease.ts` does, when it loads that file): the agent commands from
// bundle/agent.cjs, one file run with V8's code cache (a hook runs one after every tool call), every
// other command from dist/. In a checkout of the repository (tsconfig.build.json beside
// package.json: the packed package does not ship it) it runs the TypeScript sources through tsx,
// resolving the workspace packages to their sources too (the `@leasehold/source` export
// condition), so no build step stands between an edit and a run. This directory's package.json
// makes these files CommonJS: an ES module entry costs every command the module loader's start.
'use strict';
const { existsSync, readFileSync } = require('node:fs');
const { join } = require('node:path');
const { pathToFileURL } = require('node:url');

const argv = process.argv.slice(2);
const root = join(__dirname, '..');

async function cli() {
  if (existsSync(join(root, 'tsconfig.build.json'))) {
    const [{ register }, { register: registerHooks }] = await Promise.all([
      import('tsx/esm/api'),
      import('node:module'),
    ]);
    register();
    registerHooks(
      'data:text/javascript,export function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, "@leasehold/source"] }); }',
    );
    return import(pathToFileURL(join(root, 'src', 'main.ts')).href);
  }
  const bundled = JSON.parse(readFileSync(join(root, 'bundle', 'commands.json'), 'utf8'));
  if (bundled.agent.includes(argv[0]))
    return require('./cached-load.js').loadCached(join(root, 'bundle', 'agent.cjs'), argv[0]);
  return import(pathToFileURL(join(root, 'dist', 'main.js')).href);
}

// A reader that stops early (`leasehold dst run --help | head`) is not an error of the CLI.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (error) => {
    if (error.code === 'EPIPE') process.exit(process.exitCode ?? 0);
    throw error;
  });
}
const io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  interactive: Boolean(process.stderr.isTTY),
  color: Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined,
};
cli()
  .then((main) => main.runCli(argv, io))
  .then(
    (code) => {
      process.exitCode = code;
    },
    // The CLI itself could not be loaded (a broken install): not a refusal (1), an internal error.
    (error) => {
      process.stderr.write(`leasehold: cannot start: ${error?.stack ?? error}\n`);
      process.exitCode = 70;
    },
  );
