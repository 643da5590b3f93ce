// ntpass redemptions against rate-limiter-flexible consume() on one ioredis client, 64 in flight,
// alternated round by round in one process: calls/s, Node CPU and Redis CPU µs per call, and
// script calls per socket read on Redis (INFO stats). On the built dist (pnpm build first), against
// a throwaway redis-server on a free loopback port.
//   node bench/profile/cmp-rlf.mjs [calls per round] [rounds]
//   STORE_DIST=/path/to/other/dist/index.js ...   another build of store-redis (before/after runs)
//   ONLY=ntpass|rlf ...                             one side only, e.g. under --cpu-prof
import { createEngine } from '../../packages/core/dist/index.js';
const { redisStore } = await import(process.env.STORE_DIST ?? '../../packages/store-redis/dist/index.js');
import { Redis } from '../node_modules/ioredis/built/index.js';
import { RateLimiterRedis } from '../node_modules/rate-limiter-flexible/index.js';
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { createServer } from 'node:net';

const N = Number(process.argv[2] ?? 20000);
const ROUNDS = Number(process.argv[3] ?? 3);
const port = await new Promise((resolve) => { const s = createServer().listen(0, '127.0.0.1', () => { const { port } = s.address(); s.close(() => resolve(port)); }); });
const server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
const client = new Redis({ port, host: '127.0.0.1', retryStrategy: (n) => (n < 50 ? 50 : null) });
client.on('error', () => undefined); // refused until the server listens: retried
await client.ping();
const engine = createEngine({ store: redisStore({ client, prefix: 'cmp:' }), secret: randomBytes(32) });
const tenantId = 't';
const ntpId = await engine.createNtpInstance({ tenantId, objectId: 'iq__bench', maxRedemptions: 1_000_000_000, ticketLength: 8 });
const { tokens } = await engine.issueNtpCodes({ tenantId, ntpId, count: 5000 });
const codes = tokens.map((t) => t.token);
const rlf = new RateLimiterRedis({ storeClient: client, points: 1e9, duration: 3600, keyPrefix: 'rlf' });
const ops = {
  ntpass: (i) => engine.redeemCode({ tenantId, ntpId, code: codes[i % 5000] }),
  rlf: (i) => rlf.consume(`k${i % 5000}`),
};
async function load(op, count) {
  let next = 0;
  await Promise.all(Array.from({ length: 64 }, async () => { while (next < count) await op(next++); }));
}
const reads = async () => Number(/total_reads_processed:(\d+)/.exec(await client.info('stats'))[1]);
const redisCpu = async () => { const s = await client.info('cpu'); return (Number(/used_cpu_user:([\d.]+)/.exec(s)[1]) + Number(/used_cpu_sys:([\d.]+)/.exec(s)[1])) * 1e6; };
for (const [name, op] of Object.entries(ops)) if (!process.env.ONLY || process.env.ONLY === name) await load(op, 5000);
if (process.env.ONLY) { const op = ops[process.env.ONLY]; for (let r = 0; r < ROUNDS; r++) await load(op, N); server.kill('SIGKILL'); process.exit(0); }
for (let r = 0; r < ROUNDS; r++) for (const [name, op] of Object.entries(ops)) {
  const rd0 = await reads(); const r0 = await redisCpu(); const c0 = process.cpuUsage(); const t0 = performance.now();
  await load(op, N);
  const wall = performance.now() - t0; const c = process.cpuUsage(c0); const r1 = await redisCpu(); const rd1 = await reads();
  console.log(`${name.padEnd(7)} ${Math.round(N / wall * 1000)}/s  Node ${((c.user + c.system) / N).toFixed(1)} µs  Redis ${((r1 - r0) / N).toFixed(1)} µs  ${(N / (rd1 - rd0)).toFixed(1)} calls/read`);
}
await engine.close?.(); client.disconnect(); server.kill('SIGKILL');
