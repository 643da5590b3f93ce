/**
 * Every failure of a public ntpass operation is an {@link NtpassError} with one
 * of these stable codes. Hosts branch on `code`, never on `message`.
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'INVALID_CODE',
  'NOT_STARTED',
  'EXPIRED',
  'REDEMPTION_LIMIT',
  'TICKET_LIMIT',
  'THROTTLED',
  'INVALID_TRANSITION',
  'METHOD_BLOCKED',
  'METHOD_DEACTIVATED',
  'CONFLICT',
  'STORE_UNAVAILABLE',
] as const;

/** A stable error code; see SPEC §5. */
export type NtpassErrorCode = (typeof ERROR_CODES)[number];

/** Extra facts some errors carry. */
export interface NtpassErrorDetails {
  /** The underlying failure (a driver error for `STORE_UNAVAILABLE`). */
  readonly cause?: unknown;
  /** `THROTTLED` only: how long until the client may try again. */
  readonly retryAfterMs?: number;
  /** The option or field that was wrong, for `INVALID_ARGUMENT`. */
  readonly field?: string;
  /** `INVALID_TRANSITION` only: the state the subject was in. */
  readonly from?: string;
  /** `INVALID_TRANSITION` only: the state that was asked for. */
  readonly to?: string;
}

// A registered symbol, not instanceof: the ESM and CJS builds each carry their
// own class, and a host may load both.
const BRAND = Symbol.for('@ntpass/core/NtpassError');

/**
 * The one error type ntpass throws. Messages start with the operation and name
 * the field or id; they never contain a code or an email.
 */
export class NtpassError extends Error {
  readonly code: NtpassErrorCode;
  // `declare`: optional facts are absent unless given, not own properties set to undefined.
  declare readonly retryAfterMs?: number;
  declare readonly field?: string;
  declare readonly from?: string;
  declare readonly to?: string;

  constructor(code: NtpassErrorCode, message: string, details: NtpassErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = 'NtpassError';
    this.code = code;
    const self = this as { -readonly [K in keyof NtpassErrorDetails]: NtpassErrorDetails[K] };
    if (details.retryAfterMs !== undefined) self.retryAfterMs = details.retryAfterMs;
    if (details.field !== undefined) self.field = details.field;
    if (details.from !== undefined) self.from = details.from;
    if (details.to !== undefined) self.to = details.to;
    Object.defineProperty(this, BRAND, { value: true });
  }
}

/** True for an {@link NtpassError} from any copy of this package (ESM or CJS). */
export function isNtpassError(value: unknown): value is NtpassError {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[BRAND] === true;
}

/** Shorthand for the most common error: `invalidArgument('createNtpInstance', 'endTime', 'must be after startTime')`. */
export function invalidArgument(operation: string, field: string, problem: string): NtpassError {
  return new NtpassError('INVALID_ARGUMENT', `${operation}: ${field} ${problem}`, { field });
}
