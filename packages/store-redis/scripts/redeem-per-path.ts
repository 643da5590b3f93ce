/*
 * Redemptions through the engine on a throwaway redis-server, 64 in flight,
 * joined (prepared shapes, commits of a turn joined), prepared (a call per
 * commit) and generic, alternated in one process:
 * redemptions/s, Node CPU µs and Redis CPU µs (used_cpu_user + sys, network
 * included) per redemption. Run:
 *
 *   pnpm --filter @ntpass/store-redis redeem-per-path [redemptions per round]
 */
import { randomBytes } from 'node:crypto';
import { Redis } from 'ioredis';
import { createEngine, type Engine } from '@ntpass/core';
import { redisStoreWith, type StoreInternals } from '../src/redis-store.js';
import { startRedisServer } from '../test/support/redis-server.js';

const N = Number(process.argv[2] ?? 20_000);
const server = await startRedisServer();
const client = new Redis({ port: server.port, host: '127.0.0.1' });
const tenantId = 'tenant';

async function setup(internals: StoreInternals, prefix: string) {
  const engine = createEngine({ store: redisStoreWith({ client, prefix }, internals), secret: randomBytes(32) });
  const ntpId = await engine.createNtpInstance({ tenantId, objectId: 'iq__bench', maxRedemptions: 1_000_000_000, ticketLength: 8 });
  const { tokens } = await engine.issueNtpCodes({ tenantId, ntpId, count: 5000 });
  return { engine, ntpId, codes: tokens.map((t) => t.token) };
}

async function load({ engine, ntpId, codes }: { engine: Engine; ntpId: string; codes: string[] }, count: number) {
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < count) await engine.redeemCode({ tenantId, ntpId, code: codes[next++ % codes.length]! });
    }),
  );
}

const redisCpuUs = async () => {
  const info = await client.info('cpu');
  return (Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1])) * 1e6;
};

try {
  const paths = {
    joined: await setup({ preparedShapes: true, joinCommits: true }, 'j:'),
    prepared: await setup({ preparedShapes: true, joinCommits: false }, 'p:'),
    generic: await setup({ preparedShapes: false, joinCommits: false }, 'g:'),
  };
  for (const path of Object.values(paths)) await load(path, 5000); // every ticket redeemed once, instance cached
  for (let round = 0; round < 3; round++) {
    for (const [name, path] of Object.entries(paths)) {
      const r0 = await redisCpuUs();
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      await load(path, N);
      const wall = performance.now() - t0;
      const c = process.cpuUsage(c0);
      const r1 = await redisCpuUs();
      console.log(
        `${name.padEnd(8)} ${Math.round((N / wall) * 1000)} redeem/s, Node ${((c.user + c.system) / N).toFixed(1)} µs CPU, Redis ${((r1 - r0) / N).toFixed(1)} µs CPU per redemption`,
      );
    }
  }
  for (const path of Object.values(paths)) await path.engine.close();
} finally {
  client.disconnect();
  await server.stop();
}
