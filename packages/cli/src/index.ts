// The public API of @leasehold/cli: run the CLI in-process (tests, scripts).
export { runCli, HELP } from './main';
export { EXIT, UsageError } from './io';
export type { CliIo } from './io';
