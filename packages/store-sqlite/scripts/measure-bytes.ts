/*
 * Where a bulk-issued ticket's bytes go at rest: issues `count` codes in one
 * `issueNtpCodes` call into a fresh file, checkpoints it, and prints the file
 * size per ticket and each table's and index's share (SQLite's `dbstat`
 * virtual table: pages, payload, unused slack).
 *
 *   node --conditions=source --import tsx packages/store-sqlite/scripts/measure-bytes.ts [count]
 */
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { createEngine } from '@ntpass/core';
import { TEST_SECRET } from '@ntpass/core/testing';
import { sqliteStore } from '@ntpass/store-sqlite';

const count = Number(process.argv[2] ?? 100_000);
const dir = mkdtempSync(join(tmpdir(), 'ntpass-sqlite-bytes-'));
const file = join(dir, 'ntpass.db');
try {
  const store = sqliteStore({ filename: file });
  const engine = createEngine({ store, secret: TEST_SECRET });
  const tenantId = 'bench-tenant';
  const ntpId = await engine.createNtpInstance({ tenantId, objectId: 'iq__bench', maxRedemptions: 1_000_000_000, ticketLength: 8 });
  await engine.issueNtpCodes({ tenantId, ntpId, count });
  await engine.close();
  await store.close();

  const db = new Database(file);
  db.pragma('wal_checkpoint(TRUNCATE)');
  console.log(`${count} tickets: ${(statSync(file).size / count).toFixed(1)} B per ticket (file after a checkpoint)`);
  const rows = db
    .prepare<[], { name: string; pages: number; bytes: number; payload: number; unused: number }>(
      'SELECT name, count(*) AS pages, sum(pgsize) AS bytes, sum(payload) AS payload, sum(unused) AS unused FROM dbstat GROUP BY name ORDER BY bytes DESC',
    )
    .all();
  for (const r of rows) {
    if (r.bytes / count < 0.5) continue;
    const per = (n: number) => (n / count).toFixed(1).padStart(6);
    console.log(`${r.name.padEnd(36)} ${per(r.bytes)} B/ticket (payload ${per(r.payload)}, unused ${per(r.unused)}), ${r.pages} pages`);
  }
  db.close();
} finally {
  rmSync(dir, { recursive: true, force: true });
}
