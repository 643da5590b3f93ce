import type { HttpEngine } from './http-engine.js';
import { buildOpenApiDocument, type OpenApiDocument } from './openapi/build-document.js';
import type { HttpHandlerOptions } from './options.js';
import type { Route } from './route.js';
import { createRouteHandler, type HttpHandler } from './route-handler.js';
import { methodRoutes } from './routes/method-routes.js';
import { ntpRoutes } from './routes/ntp-routes.js';
import { openApiRoute } from './routes/openapi-route.js';
import { redeemRoutes } from './routes/redeem-routes.js';

/** Title and version of the served OpenAPI document. */
export const OPENAPI_INFO = { title: 'ntpass HTTP API', version: '0.1.0' } as const;

/**
 * Every route ntpass serves, as data: the identity provider's, the NTP
 * operator routes, the public redeem path and the OpenAPI document.
 */
export function httpRoutes(basePath = ''): readonly Route<HttpEngine>[] {
  let document: OpenApiDocument | undefined;
  const routes: Route<HttpEngine>[] = [...methodRoutes, ...ntpRoutes, ...redeemRoutes];
  routes.push(openApiRoute(() => (document ??= buildOpenApiDocument(routes, { basePath, ...OPENAPI_INFO }))));
  return routes;
}

/**
 * The ntpass HTTP API as one WHATWG Fetch handler. Operator routes ask
 * `authorize` first; redeem and the OpenAPI document are public.
 *
 * ```ts
 * const handler = createHttpHandler(engine, { authorize: (req) => req.headers.get('authorization') === `Bearer ${token}` });
 * createServer(toNodeListener(handler)).listen(8080);
 * ```
 */
export function createHttpHandler(engine: HttpEngine, options: HttpHandlerOptions): HttpHandler {
  return createRouteHandler(engine, httpRoutes(options?.basePath ?? ''), options);
}
