import { NtpassError } from '@ntpass/core';
import { idProblem } from './tenant-header.js';
import { defaultErrorReporter, type ErrorReporter } from './error-status.js';

/** What an operator request asks to do, for `authorize`. */
export interface HttpAction {
  /** The engine operation the route calls: `createNtpInstance`, `blockMethod`, … (see the README's route table). */
  readonly operation: string;
  /**
   * The tenant the operation will act on, always: the `{tenantId}` of the
   * path, else the body's `tenant` (identity-provider routes), else the
   * `x-tenant-id` header, else `defaultTenantId`. The engine is called with
   * exactly this tenant, so scoping an operator by it is sound. A body
   * tenant that differs from the header is refused with 400, and a request
   * that names no tenant when there is no `defaultTenantId` with 400, both
   * before `authorize`.
   */
  readonly tenantId: string;
}

/**
 * Decides whether an operator request may proceed. Only `true` allows; any
 * other value denies with 401 and the request changes nothing. Called before
 * the body is read on routes whose path names the tenant; on the
 * identity-provider routes, whose tenant may be in the body, after the body
 * is parsed and before it is validated or acted on.
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
  /**
   * Tenant of identity-provider requests that name none (no body `tenant`, no
   * `x-tenant-id`); give the engine's `defaultTenantId` here too. Without it
   * such a request is 400: the HTTP layer always passes the engine an explicit
   * tenant, the one `authorize` saw. @default none
   */
  readonly defaultTenantId?: string;
  /** Told about each 500 and 503 with the raw error. @default one line on stderr without the error's message */
  readonly onError?: ErrorReporter;
}

/** {@link HttpHandlerOptions} validated, with defaults applied. */
export interface ResolvedHttpOptions {
  readonly basePath: string;
  readonly authorize: Authorize;
  readonly clientKey: ClientKey | undefined;
  readonly maxBodyBytes: number;
  readonly defaultTenantId: string | undefined;
  readonly onError: ErrorReporter;
}

/** The default `maxBodyBytes`: 64 KiB. */
export const DEFAULT_MAX_BODY_BYTES = 64 * 1024;

const OP = 'createHttpHandler';
const KNOWN = new Set(['basePath', 'authorize', 'clientKey', 'maxBodyBytes', 'defaultTenantId', 'onError']);

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
  const defaultTenantId = options.defaultTenantId;
  if (defaultTenantId !== undefined && (typeof defaultTenantId !== 'string' || idProblem(defaultTenantId) !== undefined)) {
    throw invalid('defaultTenantId', 'must be a tenant id (1 to 256 characters, no control characters)');
  }
  return {
    basePath,
    defaultTenantId,
    authorize: options.authorize,
    clientKey: optionalFunction(options.clientKey, 'clientKey'),
    maxBodyBytes,
    onError: optionalFunction(options.onError, 'onError') ?? defaultErrorReporter,
  };
}
