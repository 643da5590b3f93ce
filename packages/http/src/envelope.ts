import type { NtpassErrorCode } from '@ntpass/core';

/** Codes the HTTP layer answers with besides the engine's own. */
export type HttpOnlyErrorCode = 'UNAUTHORIZED' | 'METHOD_NOT_ALLOWED' | 'PAYLOAD_TOO_LARGE' | 'UNSUPPORTED_MEDIA_TYPE' | 'INTERNAL';

/** Every `code` an error envelope may carry. */
export type HttpErrorCode = NtpassErrorCode | HttpOnlyErrorCode;

/** A successful reply, as the identity provider's API shapes it. */
export interface SuccessEnvelope<Data> {
  readonly status: 'success';
  /** The operation's result; `null` for operations that return nothing. */
  readonly data: Data;
}

/** A failed reply. `message` never contains a code or an email. */
export interface ErrorEnvelope {
  readonly status: 'error';
  /** Stable: clients branch on it, never on `message`. */
  readonly code: HttpErrorCode;
  /** Starts with the operation and names the field or id. */
  readonly message: string;
}

// no-store: issue routes return codes, which no cache may keep.
const JSON_HEADERS = {
  'content-type': 'application/json; charset=utf-8',
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
} as const;

/** A JSON response with the ntpass headers. */
export function jsonResponse(status: number, body: unknown, headers: Readonly<Record<string, string>> = {}): Response {
  return new Response(JSON.stringify(body), { status, headers: { ...JSON_HEADERS, ...headers } });
}

/** `{ "status": "success", "data": … }`; `undefined` data becomes `null`. */
export function successResponse(status: number, data: unknown): Response {
  const envelope: SuccessEnvelope<unknown> = { status: 'success', data: data === undefined ? null : data };
  return jsonResponse(status, envelope);
}

/** `{ "status": "error", "code", "message" }`. */
export function errorResponse(
  status: number,
  code: HttpErrorCode,
  message: string,
  headers: Readonly<Record<string, string>> = {},
): Response {
  const envelope: ErrorEnvelope = { status: 'error', code, message };
  return jsonResponse(status, envelope, headers);
}
