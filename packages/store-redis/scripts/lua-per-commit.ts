/*
 * Lua µs per redemption-shaped commit (INFO commandstats, evalsha usec over
 * the commits, 64 started per turn), through the generic script, through its
 * prepared shape with a call per commit, and joined (16 commits per call, see
 * src/join-commits.ts), alternated in one run on a throwaway redis-server
 * (5 rounds each); and Node CPU µs to encode each. Run:
 *
 *   pnpm --filter @ntpass/store-redis lua-per-commit [commits]
 */
import { Redis } from 'ioredis';
import type { Commit, Store } from '@ntpass/core';
import { redisStoreWith } from '../src/redis-store.js';
import { encodeCommit } from '../src/encode-commit.js';
import { encodePrepared, type ShapeToken } from '../src/commit-shape.js';
import { startRedisServer } from '../test/support/redis-server.js';

const N = Number(process.argv[2] ?? 20_000);
const ROUNDS = 5;
const USERS = 2_000;
const server = await startRedisServer();
const client = new Redis({ port: server.port, host: '127.0.0.1' });

const redeem = (user: number, now: number, version: number): Commit => ({
  partition: 'ntp:tenant:inst',
  now,
  checks: [
    { type: 'version', key: 'inst', version },
    { type: 'fields', key: `t:${user}aaaaaaaaaaaaaaaaaaaaaaaaaaaaa`, equals: { email: null, revoked: null, signed: null } },
  ],
  ops: [
    { type: 'add', key: `r:${user}aaaaaaaaaaaaaaaaaaaaaaaaaaaaa`, by: 1, max: [{ key: `t:${user}aaaaaaaaaaaaaaaaaaaaaaaaaaaaa`, field: 'cap' }, 1_000_000_000] },
    { type: 'add', key: 'redemptions', by: 1 },
  ],
});

async function setup(store: Store): Promise<number> {
  const now = Date.now();
  const put = await store.commit({ partition: 'ntp:tenant:inst', now, ops: [{ type: 'put', key: 'inst', value: { tenantId: 'tenant', ntpId: 'inst', objectId: 'iq__x', maxRedemptions: 1_000_000_000, data: { a: 1 } } }] });
  const version = put.ok ? put.versions['inst']! : 0;
  for (let u = 0; u < USERS; u += 500) {
    const ops = Array.from({ length: 500 }, (_, k) => ({ type: 'put' as const, key: `t:${u + k}aaaaaaaaaaaaaaaaaaaaaaaaaaaaa`, value: { cap: 1_000_000_000, issuedAt: now, batch: 3 } }));
    await store.commit({ partition: 'ntp:tenant:inst', now, ops });
  }
  return version;
}

async function evalsha(): Promise<{ calls: number; usec: number }> {
  const m = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(await client.info('commandstats'));
  return { calls: Number(m?.[1] ?? 0), usec: Number(m?.[2] ?? 0) };
}

async function round(store: Store, version: number): Promise<number> {
  const before = await evalsha();
  const now = Date.now();
  for (let i = 0; i < N; i += 64) {
    await Promise.all(Array.from({ length: Math.min(64, N - i) }, (_, k) => store.commit(redeem((i + k) % USERS, now, version))));
  }
  const after = await evalsha();
  return (after.usec - before.usec) / N;
}

try {
  const generic = redisStoreWith({ client, prefix: 'g:' }, { preparedShapes: false, joinCommits: false });
  const prepared = redisStoreWith({ client, prefix: 'p:' }, { preparedShapes: true, joinCommits: false });
  const joined = redisStoreWith({ client, prefix: 'j:' }, { preparedShapes: true, joinCommits: true });
  const gv = await setup(generic);
  const pv = await setup(prepared);
  const jv = await setup(joined);
  const figures: Record<string, number[]> = { generic: [], prepared: [], joined: [] };
  for (let r = 0; r < ROUNDS; r++) {
    figures.generic!.push(await round(generic, gv));
    figures.prepared!.push(await round(prepared, pv));
    figures.joined!.push(await round(joined, jv));
  }
  const fmt = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    return `min ${sorted[0]!.toFixed(1)}, median ${sorted[sorted.length >> 1]!.toFixed(1)} (${xs.map((x) => x.toFixed(1)).join(' / ')})`;
  };
  console.log(`Lua µs per redemption commit (commandstats, ${N} commits per round, ${ROUNDS} rounds alternated):`);
  console.log(`  generic  ${fmt(figures.generic!)}`);
  console.log(`  prepared ${fmt(figures.prepared!)}`);
  console.log(`  joined   ${fmt(figures.joined!)}`);
  // Node CPU of encoding alone (the store reuses one token array, as here).
  const tokens: ShapeToken[] = [];
  const now = Date.now();
  const commits = Array.from({ length: 1000 }, (_, u) => redeem(u, now, gv));
  for (const [name, encode] of [['generic', (c: Commit) => encodeCommit(c, 60_000)], ['prepared', (c: Commit) => encodePrepared(c, 60_000, tokens)]] as const) {
    for (let w = 0; w < 20_000; w++) encode(commits[w % 1000]!);
    const t = process.cpuUsage();
    for (let w = 0; w < 200_000; w++) encode(commits[w % 1000]!);
    const d = process.cpuUsage(t);
    console.log(`  Node CPU µs to encode (${name}): ${((d.user + d.system) / 200_000).toFixed(2)}`);
  }
  await generic.close();
  await prepared.close();
  await joined.close();
} finally {
  client.disconnect();
  await server.stop();
}
