import type Database from 'better-sqlite3';
import type { Cluster, Redis } from 'ioredis';

/*
 * Raw bulk-write baselines: `count` ticket-shaped rows written straight
 * through the driver in the cheapest honest way (one transaction, one
 * pipeline per 1 000), no uniqueness check and no index.
 */

export async function rawMemoryBulk(count: number): Promise<void> {
  const m = new Map<string, { cap: number; r: number }>();
  for (let i = 0; i < count; i++) m.set(`code-${i}`, { cap: 100, r: 0 });
  await Promise.resolve();
}

export async function rawSqliteBulk(db: Database.Database, count: number): Promise<void> {
  db.exec('CREATE TABLE IF NOT EXISTS raw_bulk (code TEXT PRIMARY KEY, cap INTEGER NOT NULL, redemptions INTEGER NOT NULL) WITHOUT ROWID');
  const insert = db.prepare('INSERT OR REPLACE INTO raw_bulk (code, cap, redemptions) VALUES (?, 100, 0)');
  const stamp = Date.now().toString(36);
  db.transaction(() => {
    for (let i = 0; i < count; i++) insert.run(`${stamp}-${i}`);
  }).immediate();
}

export async function rawRedisBulk(client: Redis | Cluster, prefix: string, count: number): Promise<void> {
  for (let start = 0; start < count; start += 1000) {
    // One hash tag, so a Cluster pipeline stays on one node, as ntpass's bulk commits do.
    const pipe = client.pipeline();
    for (let i = start; i < Math.min(count, start + 1000); i++) pipe.hset(`${prefix}{bulk}:${i}`, 'cap', 100, 'r', 0);
    await pipe.exec();
  }
}
