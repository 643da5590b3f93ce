import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { describe, it } from 'vitest';
import { createApp } from '../src/app.js';
import { ADMIN_TOKEN, BASE_PATH, checkMountedFlow } from '../../e2e-shared/mounted-flow.js';
import { testEngine } from '../../e2e-shared/test-engine.js';

describe('ntpass mounted in Hono 4 (Node adapter)', () => {
  it('redeems a code, runs operator routes and serves the OpenAPI document under its base path', async () => {
    const { engine, close } = testEngine();
    const app = createApp({ engine, basePath: BASE_PATH, adminToken: ADMIN_TOKEN });
    const server = await new Promise<Server>((resolve) => {
      const s = serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, () => resolve(s as Server));
    });
    try {
      await checkMountedFlow(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    } finally {
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await close();
    }
  });
});
