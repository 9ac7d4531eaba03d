// What the `leasehold` binary runs (bin/leasehold.js): the CLI, in-process.
export { runCli } from './program.js';
