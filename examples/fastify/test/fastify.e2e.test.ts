import { describe, it } from 'vitest';
import { createApp } from '../src/app.js';
import { ADMIN_TOKEN, BASE_PATH, checkMountedFlow } from '../../e2e-shared/mounted-flow.js';
import { testEngine } from '../../e2e-shared/test-engine.js';

describe('ntpass mounted in Fastify 5', () => {
  it('redeems a code, runs operator routes and serves the OpenAPI document under its base path', async () => {
    const { engine, close } = testEngine();
    const app = await createApp({ engine, basePath: BASE_PATH, adminToken: ADMIN_TOKEN });
    try {
      await checkMountedFlow(await app.listen({ port: 0, host: '127.0.0.1' }));
    } finally {
      await app.close();
      await close();
    }
  });
});
