import type { Store } from '@ntpass/core';
import type { Cluster, Redis } from 'ioredis';
import { runLoad, timeOnce } from './load.js';
import { benchEngine, instanceWithCodes, redeemRow, type Sizes } from './ntpass-rows.js';
import type { Row } from './report.js';

/*
 * Rows only a Redis store has (issue 12, item 7): the Lua time per redeem
 * call (INFO commandstats delta over a redemption load), the keys and bytes
 * a redemption leaves behind, bytes per ticket at rest as a `used_memory`
 * delta (100 000 tickets issued by one bulk call, code directory included)
 * and that bulk call against a raw bulk insert of the same count.
 */

const AT_REST_TICKETS = 100_000;

const masters = (client: Redis | Cluster): Redis[] => (client.isCluster ? (client as Cluster).nodes('master') : [client as Redis]);

/**
 * `cmdstat_evalsha` calls and µs (wall time inside the script: on a loaded
 * machine it includes time Redis was descheduled), and Redis's own CPU µs
 * (`used_cpu_user` + `used_cpu_sys`: network and parsing included, preemption
 * excluded), summed over the masters.
 */
async function evalshaStats(client: Redis | Cluster): Promise<{ calls: number; usec: number; cpuUs: number }> {
  let calls = 0;
  let usec = 0;
  let cpuUs = 0;
  for (const node of masters(client)) {
    // Plain INFO leaves commandstats out: ask for both sections.
    const info = `${await node.info('commandstats')}\n${await node.info('cpu')}`;
    const m = /cmdstat_evalsha:calls=(\d+),usec=(\d+)/.exec(info);
    if (m) {
      calls += Number(m[1]);
      usec += Number(m[2]);
    }
    cpuUs += (Number(/used_cpu_user:([\d.]+)/.exec(info)?.[1] ?? 0) + Number(/used_cpu_sys:([\d.]+)/.exec(info)?.[1] ?? 0)) * 1e6;
  }
  return { calls, usec, cpuUs };
}

/** `used_memory` and the number of keys, summed over the masters. */
async function memory(client: Redis | Cluster): Promise<{ bytes: number; keys: number }> {
  let bytes = 0;
  let keys = 0;
  for (const node of masters(client)) {
    bytes += Number(/used_memory:(\d+)/.exec(await node.info('memory'))?.[1] ?? 0);
    keys += await node.dbsize();
  }
  return { bytes, keys };
}

const settle = () => new Promise((r) => setTimeout(r, 300));

export async function redisRows(
  store: string,
  client: Redis | Cluster,
  createStore: () => Promise<Store>,
  rawBulk: (count: number) => Promise<void>,
  rawRedeemer: (codes: number, cap: number) => Promise<(n: number) => Promise<unknown>>,
  sizes: Sizes,
): Promise<Row[]> {
  const rows: Row[] = [];

  // Lua time per redemption, under the redemption row's load. Redemptions of one instance started
  // in one turn share a script call (store-redis join-commits.ts): the figures are per redemption.
  {
    const s = await createStore();
    const engine = benchEngine(s);
    const { ntpId, tokens } = await instanceWithCodes(engine, sizes.codes);
    await redeemRow(engine, ntpId, tokens, 64, 300); // warm: every ticket redeemed once, instance cached
    await settle();
    const before = await evalshaStats(client);
    // No warm-up inside the window: every call Redis counts is one of `load.ops` redemptions.
    const load = await redeemRow(engine, ntpId, tokens, 64, sizes.durationMs, { warmup: 0, warmupMs: 0 });
    const after = await evalshaStats(client);
    const calls = after.calls - before.calls;
    // The same figure for the raw bounded-increment script (a 7-line Lua), in the same run:
    // on a loaded machine both include time Redis spent descheduled.
    const raw = await rawRedeemer(sizes.codes, 1_000_000_000);
    await runLoad(raw, { inFlight: 64, durationMs: 300 });
    const rawBefore = await evalshaStats(client);
    await runLoad(raw, { inFlight: 64, durationMs: sizes.durationMs });
    const rawAfter = await evalshaStats(client);
    const rawCalls = rawAfter.calls - rawBefore.calls;
    const rawUs = (rawAfter.usec - rawBefore.usec) / Math.max(1, rawCalls);
    const rawCpu = (rawAfter.cpuUs - rawBefore.cpuUs) / Math.max(1, rawCalls);
    const us = (after.usec - before.usec) / Math.max(1, load.ops);
    const cpu = (after.cpuUs - before.cpuUs) / Math.max(1, load.ops);
    rows.push({
      store,
      row: `Lua µs per redemption under redeem load (${load.ops.toLocaleString('en')} redemptions in ${calls.toLocaleString('en')} EVALSHA, ${Math.round(load.opsPerSec).toLocaleString('en')} redeem/s; raw bounded increment ${rawUs.toFixed(2)} µs per call)`,
      figure: { value: us, unit: 'µs' },
    });
    rows.push({
      store,
      row: `Redis CPU µs per redemption under redeem load (network included; raw bounded increment ${rawCpu.toFixed(2)} µs per call)`,
      figure: { value: cpu, unit: 'µs' },
    });
    await engine.close();
  }

  // What redemptions leave behind: first redemptions (each creates its ticket's counter), then repeats.
  {
    const s = await createStore();
    const engine = benchEngine(s);
    const n = Math.min(sizes.codes, 5_000);
    const { ntpId, tokens } = await instanceWithCodes(engine, n);
    await engine.redeemCode({ tenantId: 'bench-tenant', ntpId, code: tokens[0]! }); // warm the instance cache
    await settle();
    for (const round of ['first', 'repeat'] as const) {
      const before = await memory(client);
      for (let i = 0; i < n; i += 64) await Promise.all(tokens.slice(i, i + 64).map((code) => engine.redeemCode({ tenantId: 'bench-tenant', ntpId, code })));
      await settle();
      const after = await memory(client);
      rows.push({ store, row: `keys retained per redemption (${round} redemption of ${n.toLocaleString('en')} tickets)`, figure: { value: (after.keys - before.keys) / n, unit: 'keys' } });
      rows.push({ store, row: `bytes retained per redemption (${round} redemption, used_memory delta)`, figure: { value: (after.bytes - before.bytes) / n, unit: 'B' } });
    }
    await engine.close();
  }

  // Bytes per ticket at rest and bulk speed: 100 000 tickets by one bulk call, against a raw bulk insert.
  {
    const s = await createStore();
    const engine = benchEngine(s);
    // 8-character codes: 100 000 six-character ones would pass the tenant's guessing floor.
    const ntpId = await engine.createNtpInstance({ tenantId: 'bench-at-rest', objectId: 'iq__bench', ticketLength: 8 });
    await settle();
    const before = await memory(client);
    const bulk = await timeOnce(AT_REST_TICKETS, () => engine.issueNtpCodes({ tenantId: 'bench-at-rest', ntpId, count: AT_REST_TICKETS }));
    await settle();
    const after = await memory(client);
    const raw = await timeOnce(AT_REST_TICKETS, () => rawBulk(AT_REST_TICKETS));
    rows.push({ store, row: `bulk issue ${AT_REST_TICKETS.toLocaleString('en')} codes in one call (codes/s)`, result: bulk, baseline: { name: 'raw bulk insert', result: raw } });
    rows.push({ store, row: `bytes per ticket at rest (used_memory delta, ${AT_REST_TICKETS.toLocaleString('en')} tickets, directory included)`, figure: { value: (after.bytes - before.bytes) / AT_REST_TICKETS, unit: 'B' } });
    await engine.close();
  }
  return rows;
}
