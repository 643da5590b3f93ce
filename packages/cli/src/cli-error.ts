import { isNtpassError } from '@ntpass/core';
import { EXIT, exitCodeForErrorCode, type ExitCode } from './exit-codes.js';

/** What `--json` reports as `error.code` for failures found by the CLI itself. */
export type CliErrorCode = 'USAGE' | 'STORE_UNAVAILABLE' | 'IO_ERROR';

/**
 * A failure found by the CLI itself, not the engine: bad usage, a store that
 * cannot be opened, a file that cannot be read or written.
 */
export class CliError extends Error {
  readonly code: CliErrorCode;
  readonly exitCode: ExitCode;
  /** The command whose `--help` the message points at (usage errors). */
  declare readonly helpFor?: string;

  constructor(code: CliErrorCode, exitCode: ExitCode, message: string, options: { cause?: unknown; helpFor?: string } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'CliError';
    this.code = code;
    this.exitCode = exitCode;
    if (options.helpFor !== undefined) (this as { helpFor?: string }).helpFor = options.helpFor;
  }
}

/** Bad usage (exit 2); `helpFor` names the command whose `--help` to suggest. */
export function usageError(message: string, helpFor?: string): CliError {
  return new CliError('USAGE', EXIT.usage, message, helpFor === undefined ? {} : { helpFor });
}

/** A file given by a flag could not be read or written (exit 2: nothing was changed). */
export function ioError(message: string, cause: unknown): CliError {
  return new CliError('IO_ERROR', EXIT.usage, message, { cause });
}

/** The store could not be opened or reached (exit 3). */
export function storeUnavailable(message: string, cause?: unknown): CliError {
  return new CliError('STORE_UNAVAILABLE', EXIT.storeUnavailable, message, cause === undefined ? {} : { cause });
}

/** The exit status for anything a command threw. */
export function exitCodeFor(error: unknown): ExitCode {
  if (isNtpassError(error)) return exitCodeForErrorCode(error.code);
  if (error instanceof CliError) return error.exitCode;
  return EXIT.internal;
}
