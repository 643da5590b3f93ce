import { serve } from '@hono/node-server';
import { createEngine } from '@ntpass/core';
import { sqliteStore } from '@ntpass/store-sqlite';
import { createApp } from './app.js';

// NTPASS_SECRET=$(openssl rand -hex 32) NTPASS_ADMIN_TOKEN=change-me-0123456789 pnpm start
const secret = required('NTPASS_SECRET');
const adminToken = required('NTPASS_ADMIN_TOKEN');
const basePath = process.env['BASE_PATH'] ?? '/auth';
const store = sqliteStore({ filename: process.env['NTPASS_DB'] ?? './ntpass.db' });
const engine = createEngine({ store, secret });
const app = createApp({ engine, basePath, adminToken });
const server = serve({ fetch: app.fetch, port: Number(process.env['PORT'] ?? 3000), hostname: '127.0.0.1' }, ({ port }) => {
  console.log(`ntpass on Hono: http://127.0.0.1:${port}${basePath}/openapi.json`);
});
process.once('SIGINT', () => {
  server.close(() => void engine.close().then(() => store.close()));
});

function required(name: string): string {
  const value = process.env[name];
  if (value === undefined || value === '') {
    console.error(`set ${name}`);
    process.exit(2);
  }
  return value;
}
