import assert from 'node:assert/strict';
import { afterAll, describe, it } from 'vitest';
import { isNtpassError, StoreRequestError } from '@ntpass/core';
import { postgresStore, SCHEMA_VERSION } from '@ntpass/store-postgres';
import pg from 'pg';
import { dropSchema, testPool, throwawaySchema } from './fixtures/test-database.js';

const T0 = Date.UTC(2030, 0, 1);
const pool = testPool();
const schemas: string[] = [];
const fresh = (label: string): string => {
  const s = throwawaySchema(label);
  schemas.push(s);
  return s;
};
afterAll(async () => {
  await pool.end();
  for (const s of schemas) await dropSchema(s);
});

const put = (partition: string, key: string, value: Record<string, number>) => ({ partition, now: T0, ops: [{ type: 'put' as const, key, value }] });

describe('postgresStore: options', () => {
  it('refuses a schema that is not a plain identifier, naming the field', () => {
    for (const schema of ['', 'Ntpass', 'a-b', 'x"; DROP TABLE y; --', 'pg_catalog', '1abc', 'a'.repeat(64)]) {
      assert.throws(() => postgresStore({ pool, schema }), (e: unknown) => isNtpassError(e) && e.code === 'INVALID_ARGUMENT' && e.field === 'schema' && e.message.startsWith('postgresStore: schema'));
    }
  });

  it('refuses something that is not a pool, an unknown option and a small maxOpsPerCommit', () => {
    const bad: [unknown, string][] = [
      [{ pool: {} }, 'pool'],
      [{ pool: null }, 'pool'],
      [{ pool, schma: 'x' }, 'schma'],
      [{ pool, maxOpsPerCommit: 63 }, 'maxOpsPerCommit'],
    ];
    for (const [options, field] of bad) {
      assert.throws(() => postgresStore(options as never), (e: unknown) => isNtpassError(e) && e.code === 'INVALID_ARGUMENT' && e.field === field);
    }
  });
});

describe('postgresStore: migrations', () => {
  it('four stores starting at once on a new schema migrate it once and all work', async () => {
    const schema = fresh('migrate');
    const pools = Array.from({ length: 4 }, () => testPool({ max: 1 }));
    try {
      const results = await Promise.all(pools.map((p, i) => postgresStore({ pool: p, schema }).commit(put('m', `k${i}`, { i }))));
      assert.ok(results.every((r) => r.ok));
      const meta = await pool.query(`SELECT value FROM "${schema}".meta WHERE name = 'schema_version'`);
      assert.deepEqual(meta.rows, [{ value: String(SCHEMA_VERSION) }]);
      const read = await postgresStore({ pool, schema }).read({ partition: 'm', records: ['k0', 'k1', 'k2', 'k3'], now: T0 });
      assert.deepEqual(read.records.map((r) => r?.value), [{ i: 0 }, { i: 1 }, { i: 2 }, { i: 3 }]);
    } finally {
      await Promise.all(pools.map((p) => p.end()));
    }
  });

  it('refuses a schema newer than the code with a clear error, and changes nothing', async () => {
    const schema = fresh('newer');
    await postgresStore({ pool, schema }).commit(put('n', 'k', { a: 1 }));
    await pool.query(`UPDATE "${schema}".meta SET value = '99' WHERE name = 'schema_version'`);
    const store = postgresStore({ pool, schema });
    await assert.rejects(store.read({ partition: 'n', records: ['k'], now: T0 }), (e: unknown) =>
      isNtpassError(e) && e.code === 'STORE_UNAVAILABLE' && /schema "ntpass_test_newer_\w+" has version 99, newer than the 1/.test(e.message),
    );
    assert.equal((await pool.query(`SELECT value FROM "${schema}".meta`)).rows[0].value, '99');
  });

  it('a pool that cannot connect fails the first call with STORE_UNAVAILABLE naming the problem, and recovers nothing silently', async () => {
    // Port 1 on loopback: nothing listens there.
    const dead = new pg.Pool({ connectionString: 'postgres://postgres@127.0.0.1:1/test', connectionTimeoutMillis: 2000 });
    try {
      const store = postgresStore({ pool: dead, schema: 'ntpass_unreachable' });
      for (let attempt = 0; attempt < 2; attempt++) {
        await assert.rejects(store.read({ partition: 'p', records: ['k'], now: T0 }), (e: unknown) =>
          isNtpassError(e) && e.code === 'STORE_UNAVAILABLE' && e.message.startsWith('postgresStore: cannot connect to PostgreSQL'),
        );
      }
    } finally {
      await dead.end();
    }
  });
});

describe('postgresStore: schemas and values', () => {
  it('two schemas in one database never see each other', async () => {
    const a = postgresStore({ pool, schema: fresh('a') });
    const b = postgresStore({ pool, schema: fresh('b') });
    await a.commit(put('same', 'k', { in: 1 }));
    assert.deepEqual((await b.read({ partition: 'same', records: ['k'], now: T0 })).records, [null]);
    await b.commit(put('same', 'k', { in: 2 }));
    assert.deepEqual((await a.read({ partition: 'same', records: ['k'], now: T0 })).records[0]?.value, { in: 1 });
  });

  it('refuses U+0000, which PostgreSQL text cannot hold, as a malformed request', async () => {
    const store = postgresStore({ pool, schema: fresh('nul') });
    const bad = [
      { partition: 'p', now: T0, ops: [{ type: 'put', key: 'a\u0000b', value: {} }] },
      { partition: 'p', now: T0, ops: [{ type: 'put', key: 'k', value: { s: 'x\u0000' } }] },
      { partition: 'p', now: T0, ops: [{ type: 'indexPut', index: 'ix', member: 'm', sortKey: '\u0000' }] },
    ];
    for (const commit of bad) await assert.rejects(store.commit(commit as never), StoreRequestError);
    await assert.rejects(store.read({ partition: 'p', records: ['\u0000'], now: T0 }), StoreRequestError);
    assert.deepEqual((await store.read({ partition: 'p', records: ['k'], now: T0 })).records, [null]);
  });

  it('reclaims expired rows later with no touch: a window leaves no rows once it ends', async () => {
    const schema = fresh('sweep');
    const store = postgresStore({ pool, schema });
    const now = Date.now();
    // Throttle-like windows that end at once, then enough other commits to trigger sweeps.
    for (let i = 0; i < 40; i++) {
      await store.commit({ partition: `client:${i}`, now: now - 10_000, ops: [{ type: 'add', key: 'failures', by: 1, expiresAt: now - 5_000 }, { type: 'put', key: 'ban', value: {}, expiresAt: now - 5_000 }] });
    }
    await store.commitBatch(Array.from({ length: 600 }, (_, i) => put('other', `k${i}`, { i })));
    const count = async () =>
      Number((await pool.query(`SELECT (SELECT count(*) FROM "${schema}".counters) + (SELECT count(*) FROM "${schema}".records WHERE expires_at IS NOT NULL) AS n`)).rows[0].n);
    const deadline = Date.now() + 10_000;
    while ((await count()) > 0) {
      assert.ok(Date.now() < deadline, 'expired rows were never reclaimed');
      await new Promise((r) => setTimeout(r, 50));
    }
    // Live rows stay.
    assert.equal(Number((await pool.query(`SELECT count(*) AS n FROM "${schema}".records`)).rows[0].n), 600);
  });
});

describe('postgresStore: ordering', () => {
  it('a read, list or scan sees every commit this store issued before it on that partition, answered or not', async () => {
    const store = postgresStore({ pool, schema: fresh('order') });
    await store.read({ partition: 'warm', records: ['k'], now: T0 });
    for (let round = 0; round < 5; round++) {
      const p = `p${round}`;
      const sent = Array.from({ length: 12 }, (_, i) =>
        store.commit({ partition: p, now: T0, ops: [{ type: 'add', key: 'n', by: 1 }, { type: 'indexPut', index: 'ix', member: `m${i}`, sortKey: `${i}` }, { type: 'put', key: `k${i}`, value: {} }] }),
      );
      // Issued before any commit above has answered, on other pooled connections.
      const [read, list, scan] = await Promise.all([
        store.read({ partition: p, counters: ['n'], now: T0 }),
        store.list({ partition: p, index: 'ix', offset: 0, count: 100 }),
        store.scan({ partition: p, limit: 100, now: T0 }),
      ]);
      await Promise.all(sent);
      assert.deepEqual(read.counters, [12]);
      assert.equal(list.total, 12);
      assert.equal(scan.records.length, 12);
    }
  });
});

describe('postgresStore: round trips', () => {
  it('a commit, a read, a list and a batch of commits are one query each', async () => {
    const schema = fresh('trips');
    const counted = testPool();
    let queries = 0;
    const query = counted.query.bind(counted);
    (counted as { query: unknown }).query = (...args: Parameters<typeof query>) => {
      queries += 1;
      return query(...args);
    };
    try {
      const store = postgresStore({ pool: counted, schema });
      await store.read({ partition: 'warm', records: ['k'], now: T0 }); // migrations (own client) + this read
      const trips = async (call: () => Promise<unknown>) => {
        const before = queries;
        await call();
        return queries - before;
      };
      const redeem = { partition: 'p', now: T0, checks: [{ type: 'fields' as const, key: 't', equals: { revoked: null } }], ops: [{ type: 'add' as const, key: 'r', by: 1, max: [{ key: 't', field: 'cap' }, 5] }, { type: 'add' as const, key: 'n', by: 1 }] };
      assert.equal(await trips(() => store.commit(put('p', 't', { cap: 3 }))), 1);
      assert.equal(await trips(() => store.commit(redeem)), 1);
      assert.equal(await trips(() => store.read({ partition: 'p', records: ['t'], counters: ['r', 'n'], now: T0 })), 1);
      assert.equal(await trips(() => store.list({ partition: 'p', index: 'ix', offset: 0, count: 10 })), 1);
      assert.equal(await trips(() => store.commitBatch(Array.from({ length: 50 }, (_, i) => put(`q${i}`, 'k', { i })))), 1);
      assert.equal(await trips(() => store.commitBatch([redeem, redeem, redeem, redeem])), 1);
      const r = await store.read({ partition: 'p', counters: ['r'], now: T0 });
      assert.deepEqual(r.counters, [3], 'the cap of 3 held across single and batched commits');
    } finally {
      await counted.end();
    }
  });
});
