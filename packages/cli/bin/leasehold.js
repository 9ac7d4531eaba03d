#!/usr/bin/env node
// The `leasehold` binary. Installed from npm it runs the built JavaScript in dist/ under plain
// Node, and never loads tsx (only `--impl my-lease.ts` does, when it loads that file). In a
// checkout of the repository (tsconfig.build.json beside package.json: the packed package does
// not ship it) it runs the TypeScript sources through tsx, resolving the workspace packages to
// their sources too (the `@leasehold/source` export condition), so no build step stands between
// an edit and a run.
import { existsSync } from 'node:fs';
import { register as registerHooks } from 'node:module';

const checkout = existsSync(new URL('../tsconfig.build.json', import.meta.url));
let main;
if (checkout) {
  const { register } = await import('tsx/esm/api');
  register();
  registerHooks(
    'data:text/javascript,export function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, "@leasehold/source"] }); }',
  );
  main = await import(new URL('../src/main.ts', import.meta.url).href);
} else {
  main = await import('../bundle/main.js');
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
process.exitCode = await main.runCli(process.argv.slice(2), io);
