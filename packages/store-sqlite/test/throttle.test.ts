import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { createEngine, isNtpassError, type Engine, type Store } from '@ntpass/core';
import { createFakeClock, TEST_SECRET } from '@ntpass/core/testing';
import { sqliteStore } from '@ntpass/store-sqlite';
import { tempFiles } from './fixtures/temp-files.js';

/*
 * The redeem throttle on SQLite (SPEC §3.5, issue 13): exact under
 * concurrency, one client's state whatever tenants it names, and no rows
 * left once its window and ban end.
 */

const files = tempFiles('throttle');
afterAll(files.remove);
const SECRET = TEST_SECRET;

/** Every row of every table: layout-agnostic, so it survives a schema change. */
function totalRows(filename: string): number {
  const db = new Database(filename, { readonly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'").all() as { name: string }[];
    return tables.reduce((n, { name }) => n + (db.prepare(`SELECT COUNT(*) AS n FROM "${name}"`).get() as { n: number }).n, 0);
  } finally {
    db.close();
  }
}

async function outcomes(calls: Promise<unknown>[]): Promise<string[]> {
  const results = await Promise.allSettled(calls);
  return results.map((r) => (r.status === 'fulfilled' ? 'ok' : isNtpassError(r.reason) ? r.reason.code : String(r.reason)));
}

function engineOn(store: Store, clock = createFakeClock(), maxFailures = 10, windowMs = 60_000): Engine {
  return createEngine({ store, secret: SECRET, clock: clock.now, redeemThrottle: { maxFailures, windowMs, banMs: windowMs } });
}

describe('redeem throttle on SQLite', () => {
  it('judges exactly maxFailures of 300 concurrent wrong guesses from one client, over two engines on one file', async () => {
    const filename = files.next();
    const a = sqliteStore({ filename });
    const b = sqliteStore({ filename });
    const clock = createFakeClock();
    const [one, two] = [engineOn(a, clock), engineOn(b, clock)];
    try {
      await one.createNtpInstance({ tenantId: 'acme', objectId: 'o' });
      const guess = (e: Engine, i: number) => e.redeemCode({ tenantId: i % 2 ? 'acme' : 'globex', code: 'zzzzzz', clientKey: 'ip' });
      const codes = await outcomes(Array.from({ length: 300 }, (_, i) => guess(i % 2 ? one : two, i)));
      expect(codes.filter((c) => c === 'INVALID_CODE')).toHaveLength(10);
      expect(codes.filter((c) => c === 'THROTTLED')).toHaveLength(290);
    } finally {
      await Promise.all([one.close(), two.close()]);
      await Promise.all([a.close(), b.close()]);
    }
  });

  it("keeps one client's guesses across 2 000 tenants in a handful of rows", async () => {
    const filename = files.next();
    const store = sqliteStore({ filename });
    const engine = engineOn(store, createFakeClock(), 100_000);
    try {
      await engine.createNtpInstance({ tenantId: 'acme', objectId: 'o' });
      const before = totalRows(filename);
      for (let i = 0; i < 2000; i += 100) {
        const codes = await outcomes(Array.from({ length: 100 }, (_, j) => engine.redeemCode({ tenantId: `made-up-${i + j}`, code: 'zzzzzz', clientKey: 'ip' })));
        expect(new Set(codes)).toEqual(new Set(['INVALID_CODE']));
      }
      expect(totalRows(filename) - before).toBeLessThan(10);
    } finally {
      await engine.close();
      await store.close();
    }
  }, 60_000);

  // Reclaim runs on the store's own sense of time (the earlier of a call's `now` and the wall
  // clock, so a test clock in the future never loses live data): real time, short windows.
  it('leaves no rows once the window and ban end', async () => {
    const filename = files.next();
    const store = sqliteStore({ filename });
    const windowMs = 300;
    const engine = createEngine({ store, secret: SECRET, redeemThrottle: { maxFailures: 2, windowMs, banMs: windowMs } });
    try {
      await engine.createNtpInstance({ tenantId: 'acme', objectId: 'o' });
      const before = totalRows(filename);
      // 100 clients, each banned: slots, failures and ban written for every one.
      await outcomes(Array.from({ length: 300 }, (_, i) => engine.redeemCode({ tenantId: 'acme', code: 'zzzzzz', clientKey: `client-${i % 100}` })));
      expect(totalRows(filename)).toBeGreaterThan(before + 100);
      await new Promise((r) => setTimeout(r, 2 * windowMs + 50));
      // Time moves on for the store through writes elsewhere (a delete of nothing leaves nothing); the clients are never touched again.
      for (let i = 0; i < 40; i++) await store.commit({ partition: 'elsewhere', now: Date.now(), ops: [{ type: 'delete', key: 'k' }] });
      expect(totalRows(filename)).toBe(before);
    } finally {
      await engine.close();
      await store.close();
    }
  });
});
