import type { NtpassErrorCode } from '@ntpass/core';
import type { z } from 'zod';

/** The HTTP methods ntpass routes use. */
export type HttpMethod = 'GET' | 'POST' | 'PATCH' | 'DELETE';

/**
 * Who may call a route: `operator` routes ask the host's `authorize` first
 * (401 when it refuses); `public` routes (redeem, the OpenAPI document) do not.
 */
export type RouteAccess = 'operator' | 'public';

/** What a route's `run` receives once the request passed its schemas. */
export interface RouteInput<Query, Body> {
  /** Path parameters, percent-decoded, by the names in the route's path. */
  readonly params: Readonly<Record<string, string>>;
  /** The query string, parsed by the route's `query` schema (`undefined` without one). */
  readonly query: Query;
  /** The JSON body, parsed by the route's `body` schema (`undefined` without one). */
  readonly body: Body;
  /** The original request (headers such as `x-tenant-id`). */
  readonly request: Request;
  /**
   * The tenant the operation acts on, exactly as `authorize` saw it: the
   * path's `{tenantId}`, else (for `tenantFrom: 'body'` routes) the body's
   * `tenant`, else the `x-tenant-id` header, else the handler's
   * `defaultTenantId`. `undefined` only on routes that name no tenant.
   */
  readonly tenantId: string | undefined;
  /** The host's `clientKey(request)`, for the redeem throttle; asked only by routes that throttle. */
  readonly clientKey: () => Promise<string | undefined>;
}

/**
 * One row of the routing table: where a request goes, which engine operation
 * serves it, and everything the OpenAPI document says about it. Schemas here
 * are the ones that validate the request, so the document cannot drift.
 */
export interface Route<Engine> {
  /** The engine operation it calls; also the `authorize` action and, by default, the OpenAPI `operationId`. */
  readonly operation: string;
  /** The OpenAPI `operationId` when two routes call one operation. @default operation */
  readonly operationId?: string;
  readonly method: HttpMethod;
  /** Path below `basePath`, parameters in braces: `/ntp/v1/tenants/{tenantId}/instances`. */
  readonly path: string;
  readonly access: RouteAccess;
  /** OpenAPI tag. */
  readonly tag: string;
  /** One line for the OpenAPI document. */
  readonly summary: string;
  /** Longer OpenAPI description. */
  readonly description?: string;
  /** Validates the query string (digit strings arrive as numbers); none means no query parameters are read. */
  readonly query?: z.ZodType;
  /** Validates the JSON body; none means the body is not read. */
  readonly body?: z.ZodType;
  /**
   * Where the tenant comes from when the path names none: `'body'` — the
   * body's `tenant`, else the `x-tenant-id` header, else `defaultTenantId`
   * (the identity provider's routes). Such a route's body is read and
   * validated before `authorize`, which then sees the tenant.
   */
  readonly tenantFrom?: 'body';
  /** Describes `data` of the success envelope. */
  readonly data: z.ZodType;
  /**
   * Other media types a success may be streamed as, for the OpenAPI document
   * (`run` returns a `Response` when the request's `Accept` asks for one):
   * each with what its body holds and an example.
   */
  readonly streamed?: { readonly [mediaType: string]: { readonly description: string; readonly example: string } };
  /** The result is the whole JSON body rather than the envelope's `data` (the OpenAPI document). */
  readonly raw?: true;
  /** Status of a success. */
  readonly successStatus: 200 | 201;
  /** Error codes the operation may answer with, for the OpenAPI document (`INVALID_ARGUMENT` and `STORE_UNAVAILABLE` are implied). */
  readonly errors: readonly NtpassErrorCode[];
  /** Calls the engine; its result becomes `data` (`undefined` becomes `null`), or, when a `Response`, the reply itself (a stream). */
  readonly run: (engine: Engine, input: RouteInput<unknown, unknown>) => Promise<unknown>;
}

/**
 * A schema's output as `run` receives it. zod types an optional key as
 * `key?: T | undefined`, but a key absent from the request stays absent
 * (JSON has no `undefined`), which is what `exactOptionalPropertyTypes`
 * engine options want.
 */
export type Parsed<T> = T extends readonly unknown[]
  ? T
  : T extends object
    ? { [K in keyof T as undefined extends T[K] ? never : K]: T[K] } & {
        [K in keyof T as undefined extends T[K] ? K : never]?: Exclude<T[K], undefined>;
      }
    : T;

/** A route as written, with the types its schemas give `run`. */
export interface RouteSpec<Engine, Query extends z.ZodType, Body extends z.ZodType> extends Omit<Route<Engine>, 'query' | 'body' | 'run'> {
  readonly query?: Query;
  readonly body?: Body;
  readonly run: (engine: Engine, input: RouteInput<Parsed<z.output<Query>>, Parsed<z.output<Body>>>) => Promise<unknown>;
}

/**
 * A route definer for one engine type: `const route = routeFor<Engine>()`, then
 * `route({ … })` types `run`'s query and body by the route's schemas and
 * erases them for the table. Sound because the handler calls `run` only with
 * values those schemas produced.
 */
export function routeFor<Engine>() {
  return <Query extends z.ZodType = z.ZodUndefined, Body extends z.ZodType = z.ZodUndefined>(
    spec: RouteSpec<Engine, Query, Body>,
  ): Route<Engine> => spec as unknown as Route<Engine>;
}
