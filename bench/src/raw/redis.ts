import type { Cluster, Redis } from 'ioredis';

// The same bounded increment a redemption needs, as one Lua script: read the
// cap and count, refuse at the cap, else increment.
const SCRIPT = `
local cap = tonumber(redis.call('HGET', KEYS[1], 'cap'))
if not cap then return -1 end
local r = tonumber(redis.call('HGET', KEYS[1], 'r') or '0')
if r >= cap then return 0 end
redis.call('HINCRBY', KEYS[1], 'r', 1)
return 1`;

/** The raw Redis baseline: one EVALSHA of a bounded-increment script per redemption. */
export async function rawRedisRedeemer(client: Redis | Cluster, prefix: string, codes: number, cap: number): Promise<(n: number) => Promise<unknown>> {
  const key = (i: number) => `${prefix}{raw-${i}}`;
  for (let start = 0; start < codes; start += 1000) {
    // Separate commands, not a pipeline: a Cluster pipeline must stay on one node.
    const writes = [];
    for (let i = start; i < Math.min(codes, start + 1000); i++) writes.push(client.hset(key(i), 'cap', cap, 'r', 0));
    await Promise.all(writes);
  }
  // defineCommand sends EVALSHA and falls back to EVAL on NOSCRIPT, on every cluster node.
  client.defineCommand('ntpassRawRedeem', { numberOfKeys: 1, lua: SCRIPT });
  const redeem = (client as unknown as { ntpassRawRedeem(key: string): Promise<number> }).ntpassRawRedeem.bind(client);
  return (n) => redeem(key(n % codes));
}
