/*
 * `pnpm bench` (full) and `pnpm bench --quick`: ntpass on every store, side by
 * side with the same shape of work written straight against the driver, in
 * one run. Prints a Markdown table and writes JSON to bench/results/.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { alternate, runLoad, timeOnce, type LoadResult } from './load.js';
import { authenticateRow, benchEngine, bulkRow, instanceWithCodes, issueRow, listRow, redeemEachOnce, redeemOp, redeemRow, type Sizes } from './ntpass-rows.js';
import { postgresTarget } from './postgres-target.js';
import { formatTable, type Row } from './report.js';
import { replicaAckRows } from './replica-ack-rows.js';
import { memoryTarget, redisClusterTarget, redisTarget, sqliteTarget, type BenchTarget } from './targets.js';

const quick = process.argv.includes('--quick');
const only = process.argv.find((a) => a.startsWith('--only='))?.slice('--only='.length);

const sizes: Sizes = quick
  ? { durationMs: 1200, codes: 5_000, bulk: 10_000, scaleSmall: 2_000, scaleLarge: 20_000, listSmall: 100, listLarge: 2_000 }
  : { durationMs: 5_000, codes: 10_000, bulk: 100_000, scaleSmall: 10_000, scaleLarge: 1_000_000, listSmall: 100, listLarge: 100_000 };

async function benchTarget(target: BenchTarget, rows: Row[]): Promise<void> {
  const add = (name: string, result: LoadResult, baseline?: { name: string; result: LoadResult }) => {
    const row: Row = { store: target.name, row: name, result, ...(baseline ? { baseline } : {}) };
    rows.push(row);
    console.log(formatTable([row], { header: false }));
  };
  const d = sizes.durationMs;

  const store = await target.createStore();
  const engine = benchEngine(store);
  const { ntpId, tokens } = await instanceWithCodes(engine, sizes.codes);

  const raw = await target.rawRedeemer(sizes.codes, 1_000_000_000);
  const raw64 = await runLoad(raw, { inFlight: 64, durationMs: d });
  add('redeem, many codes, 64 in flight', await redeemRow(engine, ntpId, tokens, 64, d), { name: 'raw bounded increment', result: raw64 });
  const rawHot = await runLoad(() => raw(0), { inFlight: 64, durationMs: d });
  add('redeem, one hot code, 64 in flight', await redeemRow(engine, ntpId, tokens.slice(0, 1), 64, d), { name: 'raw, one hot key', result: rawHot });
  const raw1 = await runLoad(raw, { inFlight: 1, durationMs: d });
  add('redeem, many codes, 1 in flight', await redeemRow(engine, ntpId, tokens, 1, d), { name: 'raw, 1 in flight', result: raw1 });

  const rlf = await target.rateLimiter(sizes.codes);
  const rlfResult = await runLoad(rlf, { inFlight: 64, durationMs: d });
  rows.push({ store: target.name, row: 'peer: rate-limiter-flexible consume(), 64 in flight', result: rlfResult });
  console.log(formatTable([rows[rows.length - 1]!], { header: false }));
  add('redeem vs rate-limiter-flexible (same load)', rows.find((r) => r.store === target.name && r.row.startsWith('redeem, many codes, 64'))!.result!, {
    name: 'rate-limiter-flexible consume()',
    result: rlfResult,
  });
  // The same comparison in alternating windows, so both sides meet the same machine.
  const PAIRS = 5;
  const alt = await alternate(redeemOp(engine, ntpId, tokens), rlf, { inFlight: 64, durationMs: d / 2, pairs: PAIRS });
  const median = [...alt.ratios].sort((x, y) => x - y)[PAIRS >> 1]!;
  add(`redeem vs rate-limiter-flexible, alternated (${PAIRS} pairs of ${d / 2} ms windows; median pair ratio ${median.toFixed(2)}, range ${Math.min(...alt.ratios).toFixed(2)}–${Math.max(...alt.ratios).toFixed(2)})`, alt.a, {
    name: 'rate-limiter-flexible consume()',
    result: alt.b,
  });

  add('issue one code, 16 in flight', await issueRow(engine, 16, d), { name: 'raw bounded increment, 16 in flight', result: await runLoad(raw, { inFlight: 16, durationMs: d }) });

  const bulkBaseline = await timeOnce(sizes.bulk, () => target.rawBulk(sizes.bulk));
  add(`bulk issue ${sizes.bulk.toLocaleString('en')} codes (codes/s)`, await bulkRow(engine, sizes.bulk), { name: 'raw bulk insert', result: bulkBaseline });
  if (!quick) {
    const million = 1_000_000;
    add(`bulk issue ${million.toLocaleString('en')} codes (codes/s)`, await bulkRow(engine, million), {
      name: 'raw bulk insert',
      result: await timeOnce(million, () => target.rawBulk(million)),
    });
  }

  const rawAuth = await runLoad(async (n) => {
    await raw(n);
    await raw(n + 1);
  }, { inFlight: 64, durationMs: d });
  add('authenticate failure + success, 64 in flight', await authenticateRow(engine, 500, 64, d), { name: '2 raw bounded increments', result: rawAuth });

  await engine.close();

  // Scaling: a fresh store per size, so earlier rows don't weigh on it. Both sizes redeem the same
  // number of distinct tickets, spread over the whole store and each redeemed once first, so the
  // only difference is how many tickets live beside them (not how many redemptions are a ticket's
  // first, which also dispatch the report's redeemedTickets commit).
  const scaled = async (tickets: number) => {
    const s = await target.createStore();
    const e = benchEngine(s);
    const inst = await instanceWithCodes(e, tickets);
    const stride = tickets / sizes.scaleSmall;
    const sample = Array.from({ length: sizes.scaleSmall }, (_, i) => inst.tokens[Math.floor(i * stride)]!);
    await redeemEachOnce(e, inst.ntpId, sample);
    const result = await redeemRow(e, inst.ntpId, sample, 64, d);
    const bytes = target.bytesAtRest ? await target.bytesAtRest(s, tickets) : undefined;
    await e.close();
    if (!target.bytesAtRest) await s.close();
    return { result, bytes };
  };
  const small = await scaled(sizes.scaleSmall);
  const large = await scaled(sizes.scaleLarge);
  add(`redeem with ${sizes.scaleLarge.toLocaleString('en')} live tickets (vs ${sizes.scaleSmall.toLocaleString('en')})`, large.result, {
    name: `${sizes.scaleSmall.toLocaleString('en')} live tickets`,
    result: small.result,
  });
  if (large.bytes !== undefined) {
    rows.push({ store: target.name, row: `bytes per ticket at rest (${sizes.scaleLarge.toLocaleString('en')} tickets)`, bytes: large.bytes });
    console.log(formatTable([rows[rows.length - 1]!], { header: false }));
  }

  const listStore = await target.createStore();
  const listEngine = benchEngine(listStore);
  const listSmall = await listRow(listEngine, sizes.listSmall, d);
  const listLarge = await listRow(listEngine, sizes.listLarge, d);
  add(`listNtpInstances page of 10, ${sizes.listLarge.toLocaleString('en')} instances (vs ${sizes.listSmall})`, listLarge, {
    name: `${sizes.listSmall} instances`,
    result: listSmall,
  });
  await listEngine.close();
  await listStore.close();

  for (const row of (await target.extraRows?.(sizes)) ?? []) {
    rows.push(row);
    console.log(formatTable([row], { header: false }));
  }
}

async function main(): Promise<void> {
  const started = new Date();
  const makers: [string, () => Promise<BenchTarget>][] = [
    ['memory', async () => memoryTarget()],
    ['sqlite-normal', async () => sqliteTarget('NORMAL')],
    ['sqlite-full', async () => sqliteTarget('FULL')],
    ['redis', redisTarget],
    ['redis-cluster', redisClusterTarget],
    ['postgres', async () => postgresTarget()],
  ];
  const rows: Row[] = [];
  console.log(`ntpass bench (${quick ? 'quick' : 'full'}) — ${cpus().length} cores, ${cpus()[0]?.model ?? '?'}, node ${process.version}\n`);
  console.log(formatTable([], { header: true }));
  for (const [key, make] of makers) {
    if (only && !only.split(',').includes(key)) continue;
    const target = await make();
    try {
      await benchTarget(target, rows);
    } finally {
      await target.stop();
    }
  }
  if (!only || only.split(',').includes('redis-cluster-replicas')) {
    await replicaAckRows(sizes, (row) => {
      rows.push(row);
      console.log(formatTable([row], { header: false }));
    });
  }
  console.log(`\n## Results\n\n${formatTable(rows, { header: true })}`);
  const out = join(dirname(fileURLToPath(import.meta.url)), '..', 'results');
  mkdirSync(out, { recursive: true });
  const file = join(out, `${started.toISOString().replace(/[:.]/g, '-')}${quick ? '-quick' : ''}.json`);
  writeFileSync(
    file,
    JSON.stringify(
      {
        date: started.toISOString(),
        mode: quick ? 'quick' : 'full',
        machine: { cores: cpus().length, cpu: cpus()[0]?.model, memoryBytes: totalmem(), platform: process.platform },
        versions: { node: process.version },
        sizes,
        rows,
      },
      null,
      2,
    ),
  );
  console.log(`\nwritten ${file}`);
  process.exit(0);
}

await main();
