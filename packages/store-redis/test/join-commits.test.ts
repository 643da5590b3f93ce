import { describe, expect, it } from 'vitest';
import type { Commit, Store } from '@ntpass/core';
import { JOIN_MAX } from '../src/join-commits.js';
import { partitionKeys } from '../src/keys.js';
import { redisStoreWith } from '../src/redis-store.js';
import { useOwnRedis } from './support/test-redis.js';

// Commits of one shape and partition started in one turn run as one script
// call of up to JOIN_MAX commits (src/join-commits.ts), each with a fate of
// its own. On a server of this file's own, so its command counts are exact.

const redis = useOwnRedis();

const T0 = Date.now();
let stores = 0;
const storeOf = (joinCommits: boolean): Store => redisStoreWith({ client: redis.client, prefix: `${redis.prefix}join${stores++}:` }, { preparedShapes: true, joinCommits });

/** Commit i: absent record r<i> (version 0), then add 2 to c<i> (every fifth by 3) bounded by 2. */
const commit = (i: number, record = `r${i}`): Commit => ({
  partition: 'p',
  now: T0,
  checks: [{ type: 'version', key: record, version: 0 }],
  ops: [{ type: 'add', key: `c${i}`, by: i % 5 === 0 ? 3 : 2, max: 2 }],
});

/** Script calls Redis ran (EVALSHA and EVAL) while `work` ran. */
async function scriptCalls(work: () => Promise<unknown>): Promise<number> {
  const count = async () => {
    const stats = await redis.client.info('commandstats');
    return ['evalsha', 'eval'].reduce((sum, name) => sum + Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(stats)?.[1] ?? 0), 0);
  };
  const before = await count();
  await work();
  return (await count()) - before - 1; // the INFO above is no script; the first count ran before `work`
}

describe('joined commits', () => {
  it('run a turn of 40 commits as three script calls (16, 16, 8), each commit with its own result', async () => {
    const store = storeOf(true);
    await Promise.all([store.commit(commit(100)), store.commit(commit(101))]); // layout marker, scripts cached
    let results: Awaited<ReturnType<Store['commit']>>[] = [];
    const calls = await scriptCalls(async () => {
      results = await Promise.all(Array.from({ length: 40 }, (_, i) => store.commit(commit(i))));
    });
    expect(calls + 1).toBe(Math.ceil(40 / JOIN_MAX));
    results.forEach((r, i) => {
      if (i % 5 === 0) expect(r).toEqual({ ok: false, at: 'op', index: 0 });
      else expect(r).toEqual({ ok: true, counters: { [`c${i}`]: 2 }, versions: {} });
    });
  });

  it('give a commit that raises a Lua error that error alone: the others of its call apply', async () => {
    const prefix = `${redis.prefix}join${stores}:`;
    const store = storeOf(true);
    await store.commit(commit(100));
    // A record whose stored bytes are too short for its header: reading it raises an error in Lua.
    await redis.client.hset(partitionKeys(prefix, 'p', 'test').records, 'broken', 'x');
    const results = await Promise.allSettled(Array.from({ length: 6 }, (_, i) => store.commit(commit(i + 1, i === 2 ? 'broken' : `r${i + 1}`))));
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
    expect(String((results[2] as PromiseRejectedResult).reason)).toMatch(/^Error: redisStore\.commit: .*(bad argument|data string too short)/);
    const read = await store.read({ partition: 'p', counters: ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'], now: T0 });
    // c3's commit failed and c5's was refused (by 3 over a bound of 2): absent counters read 0.
    expect(read.counters).toEqual([2, 2, 0, 2, 0, 2]);
  });

  it('agree with a call per commit', async () => {
    const joined = storeOf(true);
    const separate = storeOf(false);
    const run = (store: Store) => Promise.all(Array.from({ length: 2 * JOIN_MAX + 3 }, (_, i) => store.commit(commit(i % 7))));
    expect(await run(joined)).toEqual(await run(separate));
  });
});
