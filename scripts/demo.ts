/*
 * A walkthrough of ntpass on the embedded default store, SQLite: run with
 * `pnpm demo`. The database is `./ntpass-demo.db` (started afresh each run) or
 * the file named by NTPASS_DB (kept, so a second run sees the first's data).
 * Each part lives in its own file; this one only strings them together.
 */
import { randomBytes } from 'node:crypto';
import { rmSync } from 'node:fs';
import { createEngine } from '@ntpass/core';
import { sqliteStore } from '@ntpass/store-sqlite';
import { demoLockout } from './demo-methods.js';
import { DEMO_SIGNING_KEYS, demoTickets } from './demo-ntp.js';

const DEFAULT_DB = 'ntpass-demo.db';
const filename = process.env['NTPASS_DB'] ?? DEFAULT_DB;
if (filename === DEFAULT_DB) for (const suffix of ['', '-wal', '-shm']) rmSync(`${DEFAULT_DB}${suffix}`, { force: true });

// No fallback secret: a fresh database may use a random one, a kept database needs the one it was written with.
function demoSecret(): string | Uint8Array {
  const secret = process.env['NTPASS_SECRET'];
  if (secret !== undefined && secret !== '') return secret;
  if (filename === DEFAULT_DB) return randomBytes(32);
  throw new Error('NTPASS_DB keeps its data between runs, so set NTPASS_SECRET too (e.g. openssl rand -base64 32)');
}

const store = sqliteStore({ filename });
const engine = createEngine({
  store,
  secret: demoSecret(),
  signingKey: DEMO_SIGNING_KEYS.privateKey,
  signingKeyId: 'demo-2030',
});

console.log(`ntpass demo — engine created on SQLite (${filename})`);
await demoTickets(engine);
await demoLockout(engine);
await engine.close();
await store.close();
console.log('\ndone.');
