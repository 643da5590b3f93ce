import type { Engine } from '@ntpass/core';
import { createHttpHandler, nodeRemoteAddress, toNodeListener } from '@ntpass/http';
import Fastify, { type FastifyInstance } from 'fastify';
import { bearerAuthorize } from './bearer-authorize.js';

/** What the app needs. */
export interface AppOptions {
  /** The engine to serve; the host owns (and closes) it. */
  readonly engine: Engine;
  /** Where ntpass is mounted, e.g. `/auth`: every ntpass path starts with it. */
  readonly basePath: string;
  /** Bearer token every operator route requires. */
  readonly adminToken: string;
}

/** A Fastify 5 app with its own routes and ntpass mounted under `basePath`. */
export async function createApp(options: AppOptions): Promise<FastifyInstance> {
  const listener = toNodeListener(
    createHttpHandler(options.engine, {
      // The raw request keeps the whole URL: give the prefix here too.
      basePath: options.basePath,
      authorize: bearerAuthorize(options.adminToken),
      clientKey: (request) => nodeRemoteAddress(request),
    }),
  );
  const app = Fastify();
  app.get('/health', async () => ({ ok: true }));
  await app.register(
    async (scope) => {
      // In this scope only: leave every body unread, for the handler reads the
      // stream itself (within its maxBodyBytes) and answers non-JSON itself.
      scope.removeAllContentTypeParsers();
      scope.addContentTypeParser('*', (_request, _payload, done) => done(null));
      scope.all('/*', (request, reply) => {
        // ntpass writes the reply on the raw response: Fastify steps aside.
        reply.hijack();
        listener(request.raw, reply.raw);
      });
    },
    { prefix: options.basePath },
  );
  return app;
}
