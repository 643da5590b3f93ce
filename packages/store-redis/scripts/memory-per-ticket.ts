/*
 * Measures Redis memory per ticket-shaped set of writes (the layout
 * @ntpass/core's n-time-password engine uses, see packages/core/README.md) on
 * a throwaway redis-server, with MEMORY USAGE (SAMPLES 0: exact) over every
 * key and the used_memory delta. Run:
 *
 *   pnpm --filter @ntpass/store-redis memory
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { partitionName, type Commit, type Op } from '@ntpass/core';
import { redisStore } from '@ntpass/store-redis';
import { startRedisServer } from '../test/support/redis-server.js';

const TICKETS = Number(process.argv[2] ?? 20_000);
const b64 = (n: number) => randomBytes(n).toString('base64url');
const base58 = (n: number) => randomBytes(n).toString('base64url').replace(/[-_0OIl]/g, 'x').slice(0, n);

const server = await startRedisServer();
const client = new Redis({ port: server.port, host: '127.0.0.1' });
try {
  const store = redisStore({ client });
  const now = Date.now();
  const tenant = 'tenant-1';
  const ntpId = `QOTP${base58(11)}`;
  const instance = partitionName('ntp', tenant, ntpId);
  const usedBefore = await usedMemory(client);

  const instanceOps: Op[] = [];
  const directory: Commit[] = [];
  for (let i = 0; i < TICKETS; i++) {
    const hash = b64(32); // HMAC-SHA-256, base64url: 43 characters
    const userId = `iusr${base58(28)}`;
    instanceOps.push(
      { type: 'put', key: `t:${hash}`, value: { userId, cap: 100, issuedAt: now, email: b64(32) } },
      { type: 'put', key: `u:${userId}`, value: { code: hash } },
      { type: 'indexPut', index: 'tickets', member: userId, sortKey: String(i).padStart(12, '0'), value: hash },
      { type: 'add', key: `r:${hash}`, by: 1 }, // one redemption
    );
    directory.push({ partition: partitionName('code', tenant, hash), now, ops: [{ type: 'put', key: 'c', value: { ntpId } }] });
  }
  for (let i = 0; i < instanceOps.length; i += 1000) {
    const r = await store.commit({ partition: instance, now, ops: instanceOps.slice(i, i + 1000) });
    if (!r.ok) throw new Error('refused');
  }
  for (let i = 0; i < directory.length; i += 1000) await store.commitBatch(directory.slice(i, i + 1000));

  const usedAfter = await usedMemory(client);
  let instanceBytes = 0;
  let directoryBytes = 0;
  let directoryKeys = 0;
  let cursor = '0';
  do {
    const [next, keys] = await client.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const bytes = Number(await client.memory('USAGE', key, 'SAMPLES', 0));
      if (key.includes(`{${instance}}`)) instanceBytes += bytes;
      else {
        directoryBytes += bytes;
        directoryKeys += 1;
      }
    }
  } while (cursor !== '0');

  const per = (n: number) => Math.round(n / TICKETS);
  console.log(`${TICKETS} tickets, Redis ${(await client.info('server')).match(/redis_version:(\S+)/)?.[1]}`);
  console.log(`instance partition (ticket record, user-id record, index entry, redemption counter): ${per(instanceBytes)} B/ticket`);
  console.log(`code directory (one partition per code, ${directoryKeys / TICKETS} key each): ${per(directoryBytes)} B/ticket`);
  console.log(`MEMORY USAGE total: ${per(instanceBytes + directoryBytes)} B/ticket; used_memory delta: ${per(usedAfter - usedBefore)} B/ticket`);
} finally {
  client.disconnect();
  await server.stop();
}

async function usedMemory(c: Redis): Promise<number> {
  return Number((await c.info('memory')).match(/used_memory:(\d+)/)?.[1]);
}
