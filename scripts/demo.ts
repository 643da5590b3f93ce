/*
 * A walkthrough of ntpass on the embedded default store, SQLite: run with
 * `pnpm demo`. The database is `./ntpass-demo.db` (started afresh each run) or
 * the file named by NTPASS_DB (kept, so a second run sees the first's data).
 * Each part lives in its own file; this one only strings them together.
 */
import { rmSync } from 'node:fs';
import { createEngine } from '@ntpass/core';
import { sqliteStore } from '@ntpass/store-sqlite';
import { demoLockout } from './demo-methods.js';
import { DEMO_SIGNING_KEYS, demoTickets } from './demo-ntp.js';

const DEFAULT_DB = 'ntpass-demo.db';
const filename = process.env['NTPASS_DB'] ?? DEFAULT_DB;
if (filename === DEFAULT_DB) for (const suffix of ['', '-wal', '-shm']) rmSync(`${DEFAULT_DB}${suffix}`, { force: true });

const store = sqliteStore({ filename });
const engine = createEngine({
  store,
  secret: process.env['NTPASS_SECRET'] ?? 'demo-secret-demo-secret-demo-secret!',
  signingKey: DEMO_SIGNING_KEYS.privateKey,
  signingKeyId: 'demo-2030',
});

console.log(`ntpass demo — engine created on SQLite (${filename})`);
await demoTickets(engine);
await demoLockout(engine);
await engine.close();
await store.close();
console.log('\ndone.');
