/*
 * A quick figure for the README: redeem-shaped commits per second, one
 * process, on a temp file, for each `synchronous` level, against the raw
 * SQLite floor (one BEGIN IMMEDIATE transaction of one SELECT and one guarded
 * UPDATE, statements prepared once) on the same machine in the same run.
 *
 *   node --conditions=source --import tsx packages/store-sqlite/scripts/measure-redeem.ts [commits]
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Commit } from '@ntpass/core';
import { sqliteStore, type SqliteSynchronous } from '@ntpass/store-sqlite';

const COMMITS = Number(process.argv[2] ?? 20_000);
const TICKETS = 1000;
const PARTITION = 'ntp:tenant:QOTPbench';

/** The commit the engine sends for one redemption with a known ntpId (core README, round trips). */
function redeemCommit(ticket: number, now: number): Commit {
  const t = `t:${ticket}`;
  return {
    partition: PARTITION,
    now,
    checks: [
      { type: 'version', key: 'inst', version: 1 },
      { type: 'fields', key: t, equals: { emailHash: null, revoked: null, pending: null } },
    ],
    ops: [
      { type: 'add', key: `r:${ticket}`, by: 1, max: [{ key: t, field: 'cap' }, { key: 'inst', field: 'maxRedemptions' }] },
      { type: 'add', key: 'redemptions', by: 1 },
    ],
  };
}

async function measureStore(filename: string, synchronous: SqliteSynchronous): Promise<number> {
  const store = sqliteStore({ filename }, { synchronous });
  const now = Date.now();
  await store.commit({ partition: PARTITION, now, ops: [{ type: 'put', key: 'inst', value: { maxRedemptions: 1_000_000, state: 'active' } }] });
  for (let i = 0; i < TICKETS; i += 500) {
    const ops: Commit['ops'][number][] = [];
    for (let j = i; j < i + 500; j++) ops.push({ type: 'put', key: `t:${j}`, value: { userId: `iusr${j}`, cap: 1_000_000, flags: 0 } });
    await store.commit({ partition: PARTITION, now, ops });
  }
  const start = process.hrtime.bigint();
  for (let n = 0; n < COMMITS; n++) {
    const result = await store.commit(redeemCommit(n % TICKETS, now));
    if (!result.ok) throw new Error(`commit ${n} refused`);
  }
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await store.close();
  return COMMITS / seconds;
}

function measureRaw(filename: string, synchronous: SqliteSynchronous): number {
  const db = new Database(filename);
  db.pragma('journal_mode = WAL');
  db.pragma(`synchronous = ${synchronous}`);
  db.exec('CREATE TABLE tickets (code TEXT PRIMARY KEY, cap INTEGER NOT NULL, uses INTEGER NOT NULL) WITHOUT ROWID');
  const insert = db.prepare('INSERT INTO tickets VALUES (?, ?, 0)');
  db.transaction(() => {
    for (let i = 0; i < TICKETS; i++) insert.run(`t:${i}`, 1_000_000);
  })();
  const select = db.prepare<[string], { cap: number; uses: number }>('SELECT cap, uses FROM tickets WHERE code = ?');
  const update = db.prepare('UPDATE tickets SET uses = uses + 1 WHERE code = ? AND uses < cap');
  const redeem = db.transaction((code: string) => {
    const row = select.get(code);
    return row !== undefined && row.uses < row.cap && update.run(code).changes === 1;
  });
  const start = process.hrtime.bigint();
  for (let n = 0; n < COMMITS; n++) if (!redeem.immediate(`t:${n % TICKETS}`)) throw new Error('raw redeem refused');
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  db.close();
  return COMMITS / seconds;
}

const dir = mkdtempSync(join(tmpdir(), 'ntpass-sqlite-measure-'));
try {
  console.log(`${COMMITS} redeem-shaped commits, one process, node ${process.version}`);
  for (const synchronous of ['NORMAL', 'FULL'] as const) {
    const raw = measureRaw(join(dir, `raw-${synchronous}.db`), synchronous);
    const store = await measureStore(join(dir, `store-${synchronous}.db`), synchronous);
    console.log(
      `synchronous=${synchronous}: sqliteStore ${Math.round(store)} commits/s, raw SQLite ${Math.round(raw)}/s, ratio ${(store / raw).toFixed(2)}`,
    );
  }
} finally {
  rmSync(dir, { recursive: true, force: true });
}
