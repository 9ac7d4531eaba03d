// The public API of @leasehold/cli: run the CLI in-process (tests, scripts).
export { COMMAND_GROUPS, createProgram, runCli } from './program.js';
export { EXIT, UsageError } from './io.js';
export type { CliIo, Done } from './io.js';
export { dstRunSettings, runInWorkers } from './dst-run.js';
export type { DstRunSettings, DstRunValues, Finished } from './dst-run.js';
