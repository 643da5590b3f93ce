import { NtpassError } from '@ntpass/core';
import { errorResponse, jsonResponse, successResponse } from './envelope.js';
import { errorToResponse, STATUS_BY_HTTP_CODE } from './error-status.js';
import { jsonDepthProblem, MAX_JSON_DEPTH } from './json-depth.js';
import { resolveHttpOptions, type HttpHandlerOptions, type ResolvedHttpOptions } from './options.js';
import { parseWire, queryObject } from './parse-wire.js';
import { readBody } from './read-body.js';
import type { Route } from './route.js';
import { createRouter } from './router.js';
import { idProblem, TENANT_HEADER, tenantHeader } from './tenant-header.js';

/** A WHATWG Fetch handler: Hono, Next.js route handlers, Bun, Deno, or node:http through `toNodeListener`. */
export type HttpHandler = (request: Request) => Promise<Response>;

/**
 * The request pipeline over any routing table: base path, route, 405,
 * tenant, authorize, media type, body limit, JSON, schemas, engine call,
 * envelope, status mapping.
 */
export function createRouteHandler<Engine>(engine: Engine, routes: readonly Route<Engine>[], options: HttpHandlerOptions): HttpHandler {
  const resolved = resolveHttpOptions(options);
  const match = createRouter(routes);

  return async (request) => {
    let operation = 'request';
    try {
      const url = new URL(request.url);
      const path = belowBase(url.pathname, resolved.basePath);
      const found = path === undefined ? ({ kind: 'not-found' } as const) : match(request.method, path);
      if (found.kind === 'not-found') return errorResponse(404, 'NOT_FOUND', 'no route for this path');
      if (found.kind === 'bad-path') return errorResponse(400, 'INVALID_ARGUMENT', 'path has a malformed percent-escape');
      if (found.kind === 'method-not-allowed') {
        const allow = found.allow.join(', ');
        return errorResponse(STATUS_BY_HTTP_CODE.METHOD_NOT_ALLOWED, 'METHOD_NOT_ALLOWED', `method ${request.method} is not allowed here (allowed: ${allow})`, { allow });
      }
      const { route, params } = found;
      operation = route.operation;
      const operator = route.access === 'operator';
      // A tenant from the body is known only once the body is read; a tenant in the path is
      // known now, and then nothing of the request is read before authorize allows it.
      const bodyFirst = operator && route.tenantFrom === 'body';

      if (operator && !bodyFirst) {
        const tenantId = params['tenantId'];
        if (tenantId === undefined) throw new Error(`route ${route.operation} names no tenant: give it {tenantId} in its path or tenantFrom`);
        if (!(await allowed(resolved, request, operation, tenantId))) return unauthorized(operation);
      }
      let tenantId = params['tenantId'];
      let json: unknown;
      if (route.body) {
        json = await readJson(request, resolved.maxBodyBytes, operation);
        if (json instanceof Response) return json;
      }
      if (bodyFirst) {
        // Only the tenant is read before authorize, so an unauthorized caller learns
        // nothing of the schemas; the body is validated after, and acted on only then.
        tenantId = tenantOf(operation, json, request, resolved.defaultTenantId);
        if (!(await allowed(resolved, request, operation, tenantId))) return unauthorized(operation);
      }
      const query = route.query ? parseWire(route.query, queryObject(url.searchParams, operation), operation, 'query') : undefined;
      const body = route.body ? parseWire(route.body, json, operation, 'body') : undefined;
      // Routes hand the engine `tenantId`, the tenant authorize saw, never the body's own field.
      const clientKey = async () => {
        const key = resolved.clientKey ? await resolved.clientKey(request) : undefined;
        return typeof key === 'string' && key !== '' ? key : undefined;
      };
      const data = await route.run(engine, { params, query, body, request, tenantId, clientKey });
      if (data instanceof Response) return data;
      return route.raw ? jsonResponse(route.successStatus, data) : successResponse(route.successStatus, data);
    } catch (error) {
      return errorToResponse(error, operation, resolved.onError);
    }
  };
}

function belowBase(pathname: string, basePath: string): string | undefined {
  if (basePath === '') return pathname;
  if (pathname === basePath) return '/';
  return pathname.startsWith(`${basePath}/`) ? pathname.slice(basePath.length) : undefined;
}

async function allowed(options: ResolvedHttpOptions, request: Request, operation: string, tenantId: string): Promise<boolean> {
  return (await options.authorize(request, { operation, tenantId })) === true;
}

function unauthorized(operation: string): Response {
  return errorResponse(STATUS_BY_HTTP_CODE.UNAUTHORIZED, 'UNAUTHORIZED', `${operation}: not authorized`, {
    'www-authenticate': 'Bearer realm="ntpass"',
  });
}

/**
 * The tenant of an identity-provider request: the body's `tenant`, else the
 * header, else the default. Both given and different is refused rather than
 * guessed; none at all is refused rather than left to the engine's default,
 * so the tenant `authorize` sees is always the one acted on.
 */
function tenantOf(operation: string, body: unknown, request: Request, fallback: string | undefined): string {
  const named = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as { tenant?: unknown }).tenant : undefined;
  if (named !== undefined && (typeof named !== 'string' || idProblem(named) !== undefined)) {
    const problem = typeof named === 'string' ? (idProblem(named) as string) : 'must be a string';
    throw new NtpassError('INVALID_ARGUMENT', `${operation}: tenant ${problem}`, { field: 'tenant' });
  }
  const fromBody = named;
  const header = tenantHeader(request);
  if (fromBody !== undefined && header !== undefined && fromBody !== header) {
    throw new NtpassError('INVALID_ARGUMENT', `${operation}: tenant differs from the ${TENANT_HEADER} header`, { field: 'tenant' });
  }
  if (fromBody === undefined && header !== undefined) {
    const problem = idProblem(header);
    if (problem !== undefined) throw new NtpassError('INVALID_ARGUMENT', `${operation}: ${TENANT_HEADER} ${problem}`, { field: TENANT_HEADER });
  }
  const tenantId = fromBody ?? header ?? fallback;
  if (tenantId === undefined) {
    throw new NtpassError('INVALID_ARGUMENT', `${operation}: tenant is required (in the body, the ${TENANT_HEADER} header, or createHttpHandler({ defaultTenantId }))`, {
      field: 'tenant',
    });
  }
  return tenantId;
}

const JSON_MEDIA_TYPE = /^application\/json\s*(?:;|$)/i;

/**
 * The parsed JSON body (an empty body is `{}`), or the 400/413/415 response
 * that ends the request. A body must be declared `application/json`: a
 * cross-site form or `text/plain` POST (a "simple" request, sent without a
 * CORS preflight) is refused unread.
 */
async function readJson(request: Request, maxBytes: number, operation: string): Promise<unknown> {
  const type = request.headers.get('content-type');
  const isJson = type !== null && JSON_MEDIA_TYPE.test(type);
  const unsupported = () =>
    errorResponse(STATUS_BY_HTTP_CODE.UNSUPPORTED_MEDIA_TYPE, 'UNSUPPORTED_MEDIA_TYPE', `${operation}: request body must be application/json`);
  if (type !== null && !isJson) {
    await request.body?.cancel().catch(() => undefined);
    return unsupported();
  }
  const read = await readBody(request, maxBytes);
  if (!read.ok) {
    return read.reason === 'too-large'
      ? errorResponse(STATUS_BY_HTTP_CODE.PAYLOAD_TOO_LARGE, 'PAYLOAD_TOO_LARGE', `${operation}: request body is larger than ${maxBytes} bytes`)
      : errorResponse(400, 'INVALID_ARGUMENT', `${operation}: request body is not UTF-8`);
  }
  // No body and no type: nothing to misread, and `{}` lets the schema name what is missing.
  if (read.text.trim() === '') return {};
  if (!isJson) return unsupported();
  let json: unknown;
  try {
    json = JSON.parse(read.text) as unknown;
  } catch {
    // Never the parser's message: it quotes the body, which may hold a code or an email.
    return errorResponse(400, 'INVALID_ARGUMENT', `${operation}: request body is not valid JSON`);
  }
  const deep = jsonDepthProblem(json, MAX_JSON_DEPTH);
  if (deep !== undefined) {
    return errorResponse(400, 'INVALID_ARGUMENT', `${operation}: ${deep} must be nested at most ${MAX_JSON_DEPTH} levels deep`);
  }
  return json;
}
