import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, it } from 'vitest';
import { createApp } from '../src/app.js';
import { ADMIN_TOKEN, BASE_PATH, checkMountedFlow } from '../../e2e-shared/mounted-flow.js';
import { testEngine } from '../../e2e-shared/test-engine.js';

describe('ntpass mounted in Express 5', () => {
  it('redeems a code, runs operator routes and serves the OpenAPI document under its base path', async () => {
    const { engine, close } = testEngine();
    const server: Server = await new Promise((resolve) => {
      const s = createApp({ engine, basePath: BASE_PATH, adminToken: ADMIN_TOKEN }).listen(0, '127.0.0.1', () => resolve(s));
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
