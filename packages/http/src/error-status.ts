import { isNtpassError, type NtpassErrorCode } from '@ntpass/core';
import { errorResponse, type HttpOnlyErrorCode } from './envelope.js';

/** The HTTP status of each engine error code (SPEC §7). */
export const STATUS_BY_ERROR_CODE: { readonly [C in NtpassErrorCode]: number } = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  INVALID_CODE: 403,
  REDEMPTION_LIMIT: 403,
  EXPIRED: 403,
  NOT_STARTED: 403,
  INVALID_TRANSITION: 409,
  METHOD_BLOCKED: 409,
  METHOD_DEACTIVATED: 409,
  TICKET_LIMIT: 409,
  CONFLICT: 409,
  THROTTLED: 429,
  STORE_UNAVAILABLE: 503,
};

/** The HTTP status of each code only the HTTP layer answers with. */
export const STATUS_BY_HTTP_CODE: { readonly [C in HttpOnlyErrorCode]: number } = {
  UNAUTHORIZED: 401,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
};

/** Told about every failure that is the server's, not the caller's (500 and 503). */
export type ErrorReporter = (error: unknown, context: ErrorContext) => void;

/** Where a reported failure happened. */
export interface ErrorContext {
  /** The route's operation. */
  readonly operation: string;
  /** The status answered. */
  readonly status: number;
}

/**
 * Turns anything a route threw into its error envelope. Engine errors keep
 * their code and message (which never hold a code or an email); anything else
 * is a bare 500 so no stack trace or driver message reaches the caller.
 */
export function errorToResponse(error: unknown, operation: string, report: ErrorReporter): Response {
  if (!isNtpassError(error)) {
    report(error, { operation, status: 500 });
    return errorResponse(500, 'INTERNAL', `${operation}: internal error`);
  }
  const status = STATUS_BY_ERROR_CODE[error.code];
  if (status >= 500) report(error, { operation, status });
  const headers: Record<string, string> = {};
  if (error.code === 'THROTTLED') headers['retry-after'] = String(Math.max(1, Math.ceil((error.retryAfterMs ?? 1000) / 1000)));
  return errorResponse(status, error.code, error.message, headers);
}

/** The default reporter: one line with the operation and error name, never the message (a driver's may quote data). */
export function defaultErrorReporter(error: unknown, context: ErrorContext): void {
  const name = isNtpassError(error) ? error.code : error instanceof Error ? error.name : typeof error;
  console.error(`ntpass http: ${context.operation} answered ${context.status} (${name})`);
}
