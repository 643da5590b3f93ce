import { z } from 'zod';
import type { OpenApiDocument } from '../openapi/build-document.js';
import { routeFor, type Route } from '../route.js';

/** `GET {base}/openapi.json`: the document of every route, built on first request. */
export function openApiRoute<Engine>(document: () => OpenApiDocument): Route<Engine> {
  return routeFor<Engine>()({
    operation: 'openapi',
    method: 'GET',
    path: '/openapi.json',
    access: 'public',
    tag: 'meta',
    summary: 'This document (OpenAPI 3.1)',
    raw: true,
    data: z.looseObject({ openapi: z.literal('3.1.0') }),
    successStatus: 200,
    errors: [],
    run: async () => document(),
  });
}
