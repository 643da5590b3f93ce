import type { Engine } from '@ntpass/core';
import { createHttpHandler, nodeRemoteAddress, toNodeListener } from '@ntpass/http';
import express, { type Express } from 'express';
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

/** An Express 5 app with its own routes and ntpass mounted under `basePath`. */
export function createApp(options: AppOptions): Express {
  const handler = createHttpHandler(options.engine, {
    // Express keeps the mount path in req.originalUrl, which the listener reads: give the same path here.
    basePath: options.basePath,
    authorize: bearerAuthorize(options.adminToken),
    clientKey: (request) => nodeRemoteAddress(request),
  });
  const app = express();
  app.get('/health', (_req, res) => {
    res.json({ ok: true });
  });
  // Before any body parser: the handler reads the body stream itself, within its maxBodyBytes.
  app.use(options.basePath, toNodeListener(handler));
  // The app's own JSON routes come after, with Express's parser.
  app.use(express.json());
  return app;
}
