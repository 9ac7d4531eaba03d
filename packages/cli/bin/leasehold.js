#!/usr/bin/env node
// The `leasehold` binary: registers tsx (the packages are TypeScript, with no build step), then
// hands argv to the in-process CLI.
import { register } from 'tsx/esm/api';

register();
const { runCli } = await import('../src/main.ts');
const io = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  env: process.env,
  cwd: process.cwd(),
  interactive: Boolean(process.stderr.isTTY),
  color: Boolean(process.stdout.isTTY) && process.env.NO_COLOR === undefined,
};
process.exitCode = await runCli(process.argv.slice(2), io);
