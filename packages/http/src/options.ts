import { NtpassError } from '@ntpass/core';
import { defaultErrorReporter, type ErrorReporter } from './error-status.js';

/** What an operator request asks to do, for `authorize`. */
export interface HttpAction {
  /** The engine operation the route calls: `createNtpInstance`, `blockMethod`, … (see the README's route table). */
  readonly operation: string;
  /**
   * The tenant the request acts on, when known before the body is read: the
   * `{tenantId}` of the path, else the `x-tenant-id` header. Absent when only
   * the body names it (the identity-provider routes' `tenant`); a body tenant
   * that differs from the header is refused with 400.
   */
  readonly tenantId?: string;
}

/**
 * Decides whether an operator request may proceed. Only `true` allows; any
 * other value denies with 401. Called before the body is read.
 */
export type Authorize = (request: Request, action: HttpAction) => boolean | Promise<boolean>;

/** Names the caller for the redeem throttle (an IP, a session id); `undefined` or `''` means no throttle. */
export type ClientKey = (request: Request) => string | undefined | Promise<string | undefined>;

/** Options of `createHttpHandler`. */
export interface HttpHandlerOptions {
  /** Prefix of every route, e.g. `/api`. @default '' */
  readonly basePath?: string;
  /** Required: guards every operator route (deny by default: only `true` allows). */
  readonly authorize: Authorize;
  /** Names the caller of the public redeem route for the brute-force throttle. @default no throttle */
  readonly clientKey?: ClientKey;
  /** Largest request body read; a larger one is answered 413 unread. @default 65536 */
  readonly maxBodyBytes?: number;
  /** Told about each 500 and 503 with the raw error. @default one line on stderr without the error's message */
  readonly onError?: ErrorReporter;
}

/** {@link HttpHandlerOptions} validated, with defaults applied. */
export interface ResolvedHttpOptions {
  readonly basePath: string;
  readonly authorize: Authorize;
  readonly clientKey: ClientKey | undefined;
  readonly maxBodyBytes: number;
  readonly onError: ErrorReporter;
}

/** The default `maxBodyBytes`: 64 KiB. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

const OP = 'createHttpHandler';
const KNOWN = new Set(['basePath', 'authorize', 'clientKey', 'maxBodyBytes', 'onError']);

function invalid(field: string, problem: string): NtpassError {
  return new NtpassError('INVALID_ARGUMENT', `${OP}: ${field} ${problem}`, { field });
}

function optionalFunction<T>(value: T | undefined, field: string): T | undefined {
  if (value !== undefined && typeof value !== 'function') throw invalid(field, 'must be a function');
  return value;
}

/** Validates the options once, naming the first bad one. */
export function resolveHttpOptions(options: HttpHandlerOptions): ResolvedHttpOptions {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'must be an object');
  for (const key of Object.keys(options)) if (!KNOWN.has(key)) throw invalid(key, 'is not a known option');
  if (typeof options.authorize !== 'function') {
    throw invalid('authorize', 'is required: a function (request, action) => boolean that guards the operator routes');
  }
  const basePath = options.basePath ?? '';
  if (typeof basePath !== 'string' || (basePath !== '' && !/^(\/[A-Za-z0-9._~!$&'()*+,;=:@%-]+)+$/.test(basePath))) {
    throw invalid('basePath', 'must be empty or a path like /api (no trailing slash)');
  }
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES;
  if (typeof maxBodyBytes !== 'number' || !Number.isSafeInteger(maxBodyBytes) || maxBodyBytes < 1) {
    throw invalid('maxBodyBytes', 'must be a positive integer');
  }
  return {
    basePath,
    authorize: options.authorize,
    clientKey: optionalFunction(options.clientKey, 'clientKey'),
    maxBodyBytes,
    onError: optionalFunction(options.onError, 'onError') ?? defaultErrorReporter,
  };
}
