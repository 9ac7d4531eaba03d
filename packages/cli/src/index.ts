// The public API of @leasehold/cli: run the CLI in-process (tests, scripts).
export { runCli, HELP } from './main.js';
export { EXIT, UsageError } from './io.js';
export type { CliIo } from './io.js';
