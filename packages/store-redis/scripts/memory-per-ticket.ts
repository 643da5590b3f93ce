/*
 * Measures Redis memory per ticket as @ntpass/core's engine writes it: a bulk
 * issue of N codes into one instance, then one redemption of each, on a
 * throwaway redis-server; MEMORY USAGE (SAMPLES 0: exact) over every key,
 * by key kind, and the used_memory delta. Run:
 *
 *   pnpm --filter @ntpass/store-redis memory [N]
 */
import { Redis } from 'ioredis';
import { createEngine } from '@ntpass/core';
import { redisStore } from '@ntpass/store-redis';
import { startRedisServer } from '../test/support/redis-server.js';

const TICKETS = Number(process.argv[2] ?? 20_000);

const server = await startRedisServer();
const client = new Redis({ port: server.port, host: '127.0.0.1' });
const engine = createEngine({ store: redisStore({ client }), secret: 'memory-measurement-secret-0123456789' });
try {
  const tenantId = 'tenant-1';
  const ntpId = await engine.createNtpInstance({ tenantId, objectId: 'object-1', maxRedemptions: 10, ticketLength: 8 });
  const before = await usedMemory(client);
  const { tokens } = await engine.issueNtpCodes({ tenantId, ntpId, count: TICKETS });
  const issued = await measure(client);
  for (let i = 0; i < tokens.length; i += 200) {
    await Promise.all(tokens.slice(i, i + 200).map(({ token }) => engine.redeemCode({ tenantId, ntpId, code: token })));
  }
  const redeemed = await measure(client);
  const after = await usedMemory(client);

  const per = (n: number) => Math.round(n / TICKETS);
  console.log(`${TICKETS} tickets, Redis ${(await client.info('server')).match(/redis_version:(\S+)/)?.[1]}; bytes per ticket (MEMORY USAGE):`);
  for (const [label, m] of [['issued', issued], ['redeemed once', redeemed]] as const) {
    const kinds = Object.entries(m.kinds).map(([kind, bytes]) => `${kind} ${per(bytes)}`).join(', ');
    console.log(`  ${label}: instance partition ${per(m.instance)} (${kinds}), code directory ${per(m.directory)}, other ${per(m.other)}`);
  }
  console.log(`  used_memory delta after both: ${per(after - before)}`);
} finally {
  await engine.close();
  client.disconnect();
  await server.stop();
}

async function usedMemory(c: Redis): Promise<number> {
  return Number((await c.info('memory')).match(/used_memory:(\d+)/)?.[1]);
}

async function measure(c: Redis) {
  const out = { instance: 0, directory: 0, other: 0, kinds: {} as Record<string, number> };
  let cursor = '0';
  do {
    const [next, keys] = await c.scan(cursor, 'COUNT', 1000);
    cursor = next;
    for (const key of keys) {
      const bytes = Number(await c.memory('USAGE', key, 'SAMPLES', 0));
      if (key.includes('{ntp:')) {
        out.instance += bytes;
        // By key kind: h records, k counters, x index sorted set, y index values, i index names.
        const kind = /\}:(\w)/.exec(key)?.[1] ?? '?';
        out.kinds[kind] = (out.kinds[kind] ?? 0) + bytes;
      }
      else if (key.includes('{code:')) out.directory += bytes;
      else out.other += bytes;
    }
  } while (cursor !== '0');
  return out;
}
