// The handler and its options
export { createHttpHandler, httpRoutes, OPENAPI_INFO } from './http-handler.js';
export type { HttpEngine } from './http-engine.js';
export { DEFAULT_MAX_BODY_BYTES, type Authorize, type ClientKey, type HttpAction, type HttpHandlerOptions } from './options.js';
export { createRouteHandler, type HttpHandler } from './route-handler.js';
export { nodeRemoteAddress, toNodeListener, type NodeListener } from './node-listener.js';
export { TENANT_HEADER } from './tenant-header.js';
// Replies and statuses
export type { ErrorEnvelope, HttpErrorCode, HttpOnlyErrorCode, SuccessEnvelope } from './envelope.js';
export { STATUS_BY_ERROR_CODE, STATUS_BY_HTTP_CODE, type ErrorContext, type ErrorReporter } from './error-status.js';
// Routing tables and their OpenAPI document
export { routeFor, type HttpMethod, type Parsed, type Route, type RouteAccess, type RouteInput, type RouteSpec } from './route.js';
export { buildOpenApiDocument, type OpenApiDocument, type OpenApiInfo } from './openapi/build-document.js';
// The ticket SDK's facade
export {
  DEFAULT_ELV_KMS_ID,
  elvNtpFacade,
  type ElvNtpFacade,
  type ElvNtpFacadeEngine,
  type ElvNtpFacadeOptions,
  type ElvRedeemCodeOptions,
} from './facade/elv-ntp-facade.js';
export type { ElvIssuedCode, ElvNtpInstance, ElvNtpInstanceList, ElvUpdatedNtpInstance } from './facade/sdk-shapes.js';
