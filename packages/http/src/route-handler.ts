import { errorResponse, jsonResponse, successResponse } from './envelope.js';
import { errorToResponse, STATUS_BY_HTTP_CODE } from './error-status.js';
import { resolveHttpOptions, type HttpAction, type HttpHandlerOptions, type ResolvedHttpOptions } from './options.js';
import { parseWire, queryObject } from './parse-wire.js';
import { readBody } from './read-body.js';
import type { Route } from './route.js';
import { createRouter } from './router.js';
import { tenantHeader } from './tenant-header.js';

/** A WHATWG Fetch handler: Hono, Next.js route handlers, Bun, Deno, or node:http through `toNodeListener`. */
export type HttpHandler = (request: Request) => Promise<Response>;

/**
 * The request pipeline over any routing table: base path, route, 405,
 * authorize, body limit, JSON, schemas, engine call, envelope, status mapping.
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

      if (route.access === 'operator' && !(await allowed(resolved, request, route, params))) {
        return errorResponse(STATUS_BY_HTTP_CODE.UNAUTHORIZED, 'UNAUTHORIZED', `${operation}: not authorized`, {
          'www-authenticate': 'Bearer realm="ntpass"',
        });
      }
      const query = route.query ? parseWire(route.query, queryObject(url.searchParams, operation), operation, 'query') : undefined;
      let body: unknown;
      if (route.body) {
        const json = await readJson(request, resolved.maxBodyBytes, operation);
        if (json instanceof Response) return json;
        body = parseWire(route.body, json, operation, 'body');
      }
      const clientKey = async () => {
        const key = resolved.clientKey ? await resolved.clientKey(request) : undefined;
        return typeof key === 'string' && key !== '' ? key : undefined;
      };
      const data = await route.run(engine, { params, query, body, request, clientKey });
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

async function allowed<Engine>(
  options: ResolvedHttpOptions,
  request: Request,
  route: Route<Engine>,
  params: Readonly<Record<string, string>>,
): Promise<boolean> {
  const tenantId = params['tenantId'] ?? tenantHeader(request);
  const action: HttpAction = tenantId === undefined ? { operation: route.operation } : { operation: route.operation, tenantId };
  return (await options.authorize(request, action)) === true;
}

/** The parsed JSON body (an empty body is `{}`), or the 400/413 response that ends the request. */
async function readJson(request: Request, maxBytes: number, operation: string): Promise<unknown> {
  const read = await readBody(request, maxBytes);
  if (!read.ok) {
    return read.reason === 'too-large'
      ? errorResponse(STATUS_BY_HTTP_CODE.PAYLOAD_TOO_LARGE, 'PAYLOAD_TOO_LARGE', `${operation}: request body is larger than ${maxBytes} bytes`)
      : errorResponse(400, 'INVALID_ARGUMENT', `${operation}: request body is not UTF-8`);
  }
  if (read.text.trim() === '') return {};
  try {
    return JSON.parse(read.text) as unknown;
  } catch {
    // Never the parser's message: it quotes the body, which may hold a code or an email.
    return errorResponse(400, 'INVALID_ARGUMENT', `${operation}: request body is not valid JSON`);
  }
}
