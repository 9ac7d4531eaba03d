#!/usr/bin/env node
// The `leasehold` binary. Installed from npm it runs built JavaScript under plain Node and never
// loads tsx (only `--impl my-lease.ts` does, when it loads that file): the agent commands from
// bundle/agent.cjs, one file compiled with V8's code cache (a hook runs one after every tool
// call), every other command from dist/. In a checkout of the repository (tsconfig.build.json
// beside package.json: the packed package does not ship it) it runs the TypeScript sources
// through tsx, resolving the workspace packages to their sources too (the `@leasehold/source`
// export condition), so no build step stands between an edit and a run.
import { existsSync, readFileSync } from 'node:fs';

const argv = process.argv.slice(2);
const checkout = existsSync(new URL('../tsconfig.build.json', import.meta.url));
let main;
if (checkout) {
  const [{ register }, { register: registerHooks }] = await Promise.all([
    import('tsx/esm/api'),
    import('node:module'),
  ]);
  register();
  registerHooks(
    'data:text/javascript,export function resolve(s, c, next) { return next(s, { ...c, conditions: [...c.conditions, "@leasehold/source"] }); }',
  );
  main = await import(new URL('../src/main.ts', import.meta.url).href);
} else {
  const bundled = JSON.parse(readFileSync(new URL('../bundle/commands.json', import.meta.url)));
  main = bundled.agent.includes(argv[0])
    ? (await import('./cached-load.js')).loadCached(new URL('../bundle/agent.cjs', import.meta.url))
    : await import('../dist/main.js');
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
process.exitCode = await main.runCli(argv, io);
