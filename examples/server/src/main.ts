import { configFromEnv } from './config-from-env.js';
import { startServer } from './server.js';
import { createStoreFromEnv } from './store-from-env.js';

const config = configFromEnv(process.env);
if ('problem' in config) {
  console.error(`ntpass example server: ${config.problem}`);
  process.exit(1);
}
const choice = await createStoreFromEnv(process.env);
const server = await startServer({ ...config, store: choice.store });
console.log(`ntpass example server on ${server.url} (store: ${choice.description})`);
console.log(`OpenAPI document: ${server.url}/openapi.json`);

for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void server
      .close()
      .then(() => choice.close())
      .then(() => process.exit(0));
  });
}
