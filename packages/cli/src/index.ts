export { runCli } from './run-cli.js';
export { EXIT, type ExitCode } from './exit-codes.js';
export type { CliIo, OpenedStore, StoreTarget } from './io.js';
export type { TerminalStream } from './output/progress.js';
