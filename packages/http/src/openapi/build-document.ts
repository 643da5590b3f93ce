import { ERROR_CODES, type NtpassErrorCode } from '@ntpass/core';
import { z } from 'zod';
import { STATUS_BY_ERROR_CODE, STATUS_BY_HTTP_CODE } from '../error-status.js';
import type { Route } from '../route.js';
import { compilePath } from '../router.js';
import { toJsonSchema, type JsonSchema } from './json-schema.js';

/** An OpenAPI 3.1 document as plain JSON. */
export type OpenApiDocument = { readonly openapi: '3.1.0' } & { readonly [key: string]: unknown };

const HTTP_CODES = Object.keys(STATUS_BY_HTTP_CODE) as (keyof typeof STATUS_BY_HTTP_CODE)[];

const errorEnvelope = z
  .strictObject({
    status: z.literal('error'),
    code: z.enum([...ERROR_CODES, ...HTTP_CODES]).meta({ description: 'Stable error code; branch on it, never on message.' }),
    message: z.string().meta({ description: 'Starts with the operation and names the field; never contains a code or an email.' }),
  })
  .meta({ description: 'Every failure.' });

const DESCRIPTIONS: Readonly<Record<number, string>> = {
  400: 'Invalid argument or malformed JSON',
  401: 'authorize() refused the request',
  403: 'The code does not redeem (INVALID_CODE, EXPIRED, NOT_STARTED, REDEMPTION_LIMIT)',
  404: 'Not found',
  409: 'Refused by a rule (INVALID_TRANSITION, METHOD_BLOCKED, METHOD_DEACTIVATED, TICKET_LIMIT, CONFLICT)',
  413: 'Request body larger than maxBodyBytes',
  415: 'Request body not declared Content-Type: application/json',
  429: 'Too many failed attempts from this client (THROTTLED)',
  500: 'Internal error',
  503: 'Store unavailable; the outcome is unknown',
};

/** What the document says about itself. */
export interface OpenApiInfo {
  /** Prefix of every path. */
  readonly basePath: string;
  readonly title: string;
  readonly version: string;
}

/**
 * Builds the OpenAPI 3.1 document of a routing table from the zod schemas
 * that validate its requests: nothing here is written by hand per route.
 */
export function buildOpenApiDocument<Engine>(routes: readonly Route<Engine>[], info: OpenApiInfo): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {
    ErrorEnvelope: toJsonSchema(errorEnvelope, 'output', 'ErrorEnvelope', {}),
  };
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = `${info.basePath}${route.path}`;
    paths[path] = { ...paths[path], [route.method.toLowerCase()]: operationObject(route, schemas) };
  }
  return {
    openapi: '3.1.0',
    info: {
      title: info.title,
      version: info.version,
      description:
        'Every reply is JSON: { "status": "success", "data": … } or { "status": "error", "code", "message" }. ' +
        'A path served with another method answers 405 with an Allow header.',
      // The package's own license (package.json): the API is ntpass's, whoever hosts it.
      license: { name: 'MIT', identifier: 'MIT' },
    },
    // Relative: the document is served by the host it describes, whatever its
    // origin; the paths carry the base path the handler was mounted under.
    servers: [{ url: '/', description: 'The server that serves this document; paths include its base path.' }],
    paths,
    components: {
      schemas,
      securitySchemes: {
        operator: {
          type: 'http',
          scheme: 'bearer',
          description: "Decided by the host's authorize(request, action); the example server compares a bearer token.",
        },
      },
    },
  };
}

function operationObject<Engine>(route: Route<Engine>, schemas: Record<string, JsonSchema>): Record<string, unknown> {
  const name = route.operationId ?? route.operation;
  const parameters: unknown[] = compilePath(route.path).flatMap((segment) =>
    'param' in segment ? [{ name: segment.param, in: 'path', required: true, schema: { type: 'string', minLength: 1 } }] : [],
  );
  if (route.query) {
    const query = toJsonSchema(route.query, 'input', `${name}Query`, schemas);
    const required = new Set(Array.isArray(query['required']) ? (query['required'] as string[]) : []);
    const properties = (query['properties'] ?? {}) as Record<string, JsonSchema>;
    for (const [param, schema] of Object.entries(properties)) {
      parameters.push({ name: param, in: 'query', required: required.has(param), schema });
    }
  }
  const operation: Record<string, unknown> = {
    operationId: name,
    summary: route.summary,
    ...(route.description === undefined ? {} : { description: route.description }),
    tags: [route.tag],
    security: route.access === 'operator' ? [{ operator: [] }] : [],
    ...(parameters.length > 0 ? { parameters } : {}),
  };
  if (route.body) {
    const body = toJsonSchema(route.body, 'input', `${name}Body`, schemas);
    const required = Array.isArray(body['required']) && body['required'].length > 0;
    schemas[`${name}Body`] = body;
    operation['requestBody'] = {
      required,
      content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}Body` } } },
    };
  }
  operation['responses'] = { ...successResponse(route, schemas), ...errorResponses(route) };
  return operation;
}

function successResponse<Engine>(route: Route<Engine>, schemas: Record<string, JsonSchema>): Record<string, unknown> {
  const name = `${route.operationId ?? route.operation}Response`;
  const envelope = route.raw ? route.data : z.strictObject({ status: z.literal('success'), data: route.data });
  schemas[name] = toJsonSchema(envelope, 'output', name, schemas);
  return {
    [route.successStatus]: {
      description: route.summary,
      content: {
        'application/json': { schema: { $ref: `#/components/schemas/${name}` } },
        ...Object.fromEntries(
          Object.entries(route.streamed ?? {}).map(([type, { description, example }]) => [type, { schema: { type: 'string', description }, example }]),
        ),
      },
    },
  };
}

function errorResponses<Engine>(route: Route<Engine>): Record<string, unknown> {
  const codes = new Set<NtpassErrorCode>(['INVALID_ARGUMENT', 'STORE_UNAVAILABLE', ...route.errors]);
  const statuses = new Set<number>([...codes].map((code) => STATUS_BY_ERROR_CODE[code]));
  if (route.body) {
    statuses.add(STATUS_BY_HTTP_CODE.PAYLOAD_TOO_LARGE);
    statuses.add(STATUS_BY_HTTP_CODE.UNSUPPORTED_MEDIA_TYPE);
  }
  if (route.access === 'operator') statuses.add(STATUS_BY_HTTP_CODE.UNAUTHORIZED);
  statuses.add(STATUS_BY_HTTP_CODE.INTERNAL);
  const out: Record<string, unknown> = {};
  for (const status of [...statuses].sort((a, b) => a - b)) {
    out[status] = {
      description: DESCRIPTIONS[status] ?? 'Error',
      ...(status === 429 ? { headers: { 'Retry-After': { description: 'Seconds until the client may try again', schema: { type: 'integer', minimum: 1 } } } } : {}),
      content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorEnvelope' } } },
    };
  }
  return out;
}
