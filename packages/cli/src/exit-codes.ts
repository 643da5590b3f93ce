import type { NtpassErrorCode } from '@ntpass/core';

/** The exit statuses of `ntpass`, documented in the README. */
export const EXIT = {
  /** The command did what was asked. */
  ok: 0,
  /** The engine refused by a rule (unknown instance, code not valid, ticket limit, invalid transition…), or `code status` found the code not redeemable. */
  refused: 1,
  /** Bad usage: unknown command or flag, a bad value, no secret, an unusable file. Nothing was changed. */
  usage: 2,
  /** The store could not be opened or did not answer; for a write, the outcome is unknown. */
  storeUnavailable: 3,
  /** Anything else: a bug. The stack is printed; please report it. */
  internal: 70,
} as const;

/** One of {@link EXIT}'s values. */
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

// Every code the engine may throw, mapped once, so a new code fails the typecheck here.
const BY_ERROR_CODE: { readonly [C in NtpassErrorCode]: ExitCode } = {
  INVALID_ARGUMENT: EXIT.usage,
  NOT_FOUND: EXIT.refused,
  INVALID_CODE: EXIT.refused,
  NOT_STARTED: EXIT.refused,
  EXPIRED: EXIT.refused,
  REDEMPTION_LIMIT: EXIT.refused,
  TICKET_LIMIT: EXIT.refused,
  THROTTLED: EXIT.refused,
  INVALID_TRANSITION: EXIT.refused,
  METHOD_BLOCKED: EXIT.refused,
  METHOD_DEACTIVATED: EXIT.refused,
  CONFLICT: EXIT.refused,
  STORE_UNAVAILABLE: EXIT.storeUnavailable,
};

/** The exit status for an engine error code. */
export function exitCodeForErrorCode(code: NtpassErrorCode): ExitCode {
  return BY_ERROR_CODE[code];
}
