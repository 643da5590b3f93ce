import { getConnInfo } from '@hono/node-server/conninfo';
import type { Engine } from '@ntpass/core';
import { createHttpHandler } from '@ntpass/http';
import { Hono } from 'hono';
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

/** A Hono 4 app with its own routes and ntpass mounted under `basePath` (serve it with @hono/node-server). */
export function createApp(options: AppOptions): Hono {
  // The socket address of each request, for the redeem throttle's clientKey.
  const addresses = new WeakMap<Request, string>();
  const handler = createHttpHandler(options.engine, {
    basePath: options.basePath,
    authorize: bearerAuthorize(options.adminToken),
    clientKey: (request) => addresses.get(request),
  });
  const app = new Hono();
  app.get('/health', (c) => c.json({ ok: true }));
  // The handler sees the whole URL (Hono does not strip a path given to all()), so it matches basePath itself.
  app.all(`${options.basePath}/*`, (c) => {
    const address = getConnInfo(c).remote.address;
    if (address !== undefined) addresses.set(c.req.raw, address);
    return handler(c.req.raw);
  });
  return app;
}
