import { isNtpassError } from '@ntpass/core';
import { CliError, exitCodeFor } from './cli-error.js';
import type { Command } from './command.js';
import { EXIT, type ExitCode } from './exit-codes.js';
import { kebab } from './flag-spec.js';
import type { CliIo } from './io.js';
import { duration } from './output/format.js';

/**
 * Prints a failure (on stderr, or as `{"error":…}` on stdout with `--json`)
 * and returns its exit status. Engine messages are printed as they are: they
 * name the operation and the field, never a code or an email.
 */
export function reportError(error: unknown, io: CliIo, json: boolean, command: Command | undefined): ExitCode {
  const exitCode = exitCodeFor(error);
  const described = describe(error, command);
  if (json) {
    io.stdout.write(`${JSON.stringify({ error: { ...described.fields, exitCode } }, null, 2)}\n`);
  } else {
    io.stderr.write(`ntpass: ${described.text}\n`);
    for (const line of described.hints) io.stderr.write(`${line}\n`);
  }
  return exitCode;
}

interface Described {
  /** The `error` object of `--json`. */
  readonly fields: Record<string, unknown>;
  readonly text: string;
  readonly hints: readonly string[];
}

function describe(error: unknown, command: Command | undefined): Described {
  if (isNtpassError(error)) {
    const flag = error.field === undefined ? undefined : flagFor(error.field, command);
    const hints: string[] = [];
    if (flag !== undefined) hints.push(`(the value of ${flag})`);
    if (error.retryAfterMs !== undefined) hints.push(`Try again in ${duration(error.retryAfterMs)}.`);
    if (error.code === 'STORE_UNAVAILABLE') {
      hints.push('The store did not answer. If this command changes state, its outcome is unknown: check before retrying.');
    }
    return {
      fields: {
        code: error.code,
        message: error.message,
        ...(error.field === undefined ? {} : { field: error.field }),
        ...(flag === undefined ? {} : { flag }),
        ...(error.retryAfterMs === undefined ? {} : { retryAfterMs: error.retryAfterMs }),
      },
      text: `${error.code}: ${error.message}`,
      hints,
    };
  }
  if (error instanceof CliError) {
    return {
      fields: { code: error.code, message: error.message },
      text: error.message,
      hints: error.helpFor === undefined ? [] : [`Run 'ntpass ${error.helpFor} --help' for usage.`],
    };
  }
  const message = error instanceof Error ? error.message : String(error);
  return {
    fields: { code: 'INTERNAL', message },
    text: `internal error (exit ${EXIT.internal}; please report it): ${error instanceof Error ? (error.stack ?? message) : message}`,
    hints: [],
  };
}

// `endTime` → `--end-time` when the command has that flag; `lockout.x` and other nested fields have none.
function flagFor(field: string, command: Command | undefined): string | undefined {
  return command !== undefined && field in command.flags ? `--${kebab(field)}` : undefined;
}
