/*
 * A quick figure for the README: redeem-shaped commits per second, and
 * redemptions per second through the engine (`redeemCode` with an ntpId), one
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
import { createEngine, type Commit, type Store } from '@ntpass/core';
import { memoryStore } from '@ntpass/store-memory';
import { sqliteStore, type SqliteSynchronous } from '@ntpass/store-sqlite';

const COMMITS = Number(process.argv[2] ?? 20_000);
const TICKETS = 1000;
const PARTITION = 'ntp:tenant:QOTPbench';

/** The commit the engine sends for one redemption with a known ntpId (core README, round trips). */
function redeemCommit(ticket: number, n: number, now: number): Commit {
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
    const result = await store.commit(redeemCommit(n % TICKETS, n, now));
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

/** Redemptions per second through the engine: `redeemCode` with an ntpId, round-robin over issued codes. */
async function measureEngine(store: Store): Promise<number> {
  const engine = createEngine({ store, secret: 'measure-redeem-secret-of-32-bytes!!' });
  const tenantId = 'bench';
  const ntpId = await engine.createNtpInstance({ tenantId, objectId: 'door', maxRedemptions: 1_000_000 });
  const codes: string[] = [];
  for (let i = 0; i < 200; i++) codes.push((await engine.issueNtpCode({ tenantId, ntpId })).token);
  const start = process.hrtime.bigint();
  for (let n = 0; n < COMMITS; n++) await engine.redeemCode({ tenantId, ntpId, code: codes[n % codes.length] as string });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  await engine.close();
  await store.close();
  return COMMITS / seconds;
}

const dir = mkdtempSync(join(tmpdir(), 'ntpass-sqlite-measure-'));
try {
  console.log(`${COMMITS} redeem-shaped commits, one process, node ${process.version}`);
  const memory = await measureEngine(memoryStore());
  for (const synchronous of ['NORMAL', 'FULL'] as const) {
    const raw = measureRaw(join(dir, `raw-${synchronous}.db`), synchronous);
    const store = await measureStore(join(dir, `store-${synchronous}.db`), synchronous);
    const engine = await measureEngine(sqliteStore({ filename: join(dir, `engine-${synchronous}.db`) }, { synchronous }));
    console.log(
      `synchronous=${synchronous}: redeem-shaped commits ${Math.round(store)}/s, engine redemptions ${Math.round(engine)}/s, ` +
        `raw SQLite ${Math.round(raw)}/s; ratios to raw ${(store / raw).toFixed(2)} and ${(engine / raw).toFixed(2)}`,
    );
  }
  console.log(`engine redemptions over the memory store: ${Math.round(memory)}/s (the engine's own cost)`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
