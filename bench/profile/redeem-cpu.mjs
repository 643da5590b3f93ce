// CPU cost per operation on the built dist (pnpm build first), less sensitive to
// a loaded machine than wall-clock ops/s. Run with `node --cpu-prof` to profile.
//   node bench/profile/redeem-cpu.mjs [redeem|issue|bulk] [iterations] [memory|sqlite]
import { createEngine } from '../../packages/core/dist/index.js';
import { randomBytes } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryStore } from '../../packages/store-memory/dist/index.js';
import { sqliteStore } from '../../packages/store-sqlite/dist/index.js';

const what = process.argv[2] ?? 'redeem';
const n = Number(process.argv[3] ?? 100_000);
const store =
  process.argv[4] === 'sqlite'
    ? sqliteStore({ filename: join(mkdtempSync(join(tmpdir(), 'ntpass-profile-')), 'ntpass.db') }, { synchronous: 'NORMAL' })
    : memoryStore();
const engine = createEngine({ store, secret: randomBytes(32) });
const tenantId = 'bench-tenant';
const ntpId = await engine.createNtpInstance({ tenantId, objectId: 'iq__bench', maxRedemptions: 1_000_000_000, ticketLength: 8 });

async function inFlight(count, k, fn) {
  let next = 0;
  await Promise.all(Array.from({ length: k }, async () => {
    while (next < count) await fn(next++);
  }));
}

const measure = async (label, count, fn) => {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  await fn();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  console.log(`${label}: ${((c.user + c.system) / count).toFixed(2)} µs CPU/op, ${Math.round(count / (wall / 1000))} ops/s wall`);
};

if (what === 'redeem') {
  const { tokens } = await engine.issueNtpCodes({ tenantId, ntpId, count: 5000 });
  const codes = tokens.map((t) => t.token);
  await inFlight(5000, 64, (i) => engine.redeemCode({ tenantId, ntpId, code: codes[i % codes.length] })); // warm up
  // Several rounds, min and median: on a shared machine the least loaded round is the truest.
  const rounds = Number(process.env.ROUNDS ?? 1);
  const cpu = [];
  for (let r = 0; r < rounds; r++) {
    const c0 = process.cpuUsage();
    await inFlight(n, 64, (i) => engine.redeemCode({ tenantId, ntpId, code: codes[i % codes.length] }));
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / n);
  }
  cpu.sort((a, b) => a - b);
  console.log(`redeem 64 in flight: ${cpu[0].toFixed(2)} µs CPU/op (min of ${rounds}), median ${cpu[Math.floor(rounds / 2)].toFixed(2)}`);
  await measure('redeem 1 in flight', n / 4, () => inFlight(n / 4, 1, (i) => engine.redeemCode({ tenantId, ntpId, code: codes[i % codes.length] })));
} else if (what === 'issue') {
  await inFlight(2000, 16, () => engine.issueNtpCode({ tenantId, ntpId }));
  await measure('issue 16 in flight', n, () => inFlight(n, 16, () => engine.issueNtpCode({ tenantId, ntpId })));
} else {
  await measure('bulk issue', n, () => engine.issueNtpCodes({ tenantId, ntpId, count: n }));
}
await engine.close?.();
