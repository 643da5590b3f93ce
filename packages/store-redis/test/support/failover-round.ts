import { randomBytes } from 'node:crypto';
import { Cluster, Redis, type ClusterOptions } from 'ioredis';
import { createEngine, isNtpassError } from '@ntpass/core';
import { redisStore, type WaitForReplicas } from '@ntpass/store-redis';
import type { ClusterNode, ReplicatedCluster } from './replicated-cluster.js';
import { waitFor } from './redis-server.js';

/*
 * One failover round on a replicated cluster: paced redemptions of capped
 * codes through the engine, a fault on the master holding most of the
 * round's keys (frozen with SIGSTOP past the node timeout, or killed with
 * SIGKILL), then a tally of what each code's callers were told against what
 * the store holds.
 */

export type Fault = 'freeze' | 'kill';

export interface RoundOptions {
  readonly fault: Fault;
  readonly waitForReplicas?: WaitForReplicas;
  /** Options of the host's ioredis Cluster client. */
  readonly clusterOptions?: ClusterOptions;
  /** How long a frozen master stays frozen. @default 3000 */
  readonly freezeMs?: number;
  /** @default 5000 (the store's default) */
  readonly commandTimeoutMs?: number;
  /** Load kept up after the cluster is healthy again. @default 1500 */
  readonly afterMs?: number;
}

export interface RoundResult {
  readonly fault: Fault;
  readonly waitForReplicas: boolean;
  readonly calls: number;
  readonly succeeded: number;
  /** Calls that failed with STORE_UNAVAILABLE. */
  readonly unavailable: number;
  /** Codes whose callers were told "redeemed" more times than the cap. */
  readonly overRedeemedCodes: number;
  /** Successes told beyond the caps, over all codes. */
  readonly overRedemptions: number;
  /** Codes the store counts fewer redemptions for than their callers were told. */
  readonly lostCodes: number;
  /** From the fault to the last failed call, ms. */
  readonly outageMs: number;
  /** Redemptions per second before the fault. */
  readonly ratePerSecond: number;
  /** No call failed from 0.5 s after the cluster was healthy again, and fresh codes on every instance redeemed after the round, with the same engine and client. */
  readonly recovered: boolean;
  /** Other errors than STORE_UNAVAILABLE and the cap, by code (a defect if any). */
  readonly unexpected: Record<string, number>;
}

const CAP = 3;
const INSTANCES = 6;
const CODES_PER_INSTANCE = 170;
const LANES = 16;
const PACE_MS = 8;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** EVALSHA + EVAL calls a node has run so far (`INFO commandstats`). */
async function scriptCalls(port: number): Promise<number> {
  const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    const info = await r.info('commandstats');
    return [...info.matchAll(/cmdstat_(?:evalsha|eval):calls=(\d+)/g)].reduce((n, m) => n + Number(m[1]), 0);
  } finally {
    r.disconnect();
  }
}

async function isMaster(port: number): Promise<boolean> {
  const r = new Redis({ port, host: '127.0.0.1', maxRetriesPerRequest: 0, retryStrategy: () => null });
  r.on('error', () => undefined);
  try {
    return ((await r.call('ROLE')) as unknown[])[0] === 'master';
  } finally {
    r.disconnect();
  }
}

export async function failoverRound(cluster: ReplicatedCluster, options: RoundOptions): Promise<RoundResult> {
  const prefix = `failover:${randomBytes(4).toString('hex')}:`;
  const client = new Cluster([...cluster.startup], options.clusterOptions ?? {});
  client.on('error', () => undefined);
  const store = redisStore({ client, prefix, commandTimeoutMs: options.commandTimeoutMs ?? 5000, ...(options.waitForReplicas ? { waitForReplicas: options.waitForReplicas } : {}) });
  const engine = createEngine({ store, secret: 'failover-test-secret-0123456789abcdef' });
  try {
    const tenantId = 'failover';
    const instances: string[] = [];
    const codes: { ntpId: string; token: string; told: number; tries: number }[] = [];
    for (let i = 0; i < INSTANCES; i++) {
      const ntpId = await engine.createNtpInstance({ tenantId, objectId: `door-${i}` });
      instances.push(ntpId);
      const { tokens } = await engine.issueNtpCodes({ tenantId, ntpId, count: CODES_PER_INSTANCE, maxRedemptions: CAP });
      for (const { token } of tokens) codes.push({ ntpId, token, told: 0, tries: 0 });
    }
    const masters: ClusterNode[] = [];
    for (const n of cluster.nodes) if (await isMaster(n.port)) masters.push(n);
    const callsBefore = await Promise.all(masters.map((n) => scriptCalls(n.port)));

    // Codes still to try (each up to CAP + 2 times, so a lost acknowledgement shows as one success too many).
    const open = codes.map((_, i) => i);
    let stop = false;
    let healthyAt = Infinity;
    let failuresAfterHealthy = 0;
    let calls = 0;
    let succeeded = 0;
    let unavailable = 0;
    let lastFailureAt = 0;
    const unexpected: Record<string, number> = {};
    const lane = async () => {
      while (!stop) {
        if (open.length === 0) return;
        const at = Math.floor(Math.random() * open.length);
        const code = codes[open[at]!]!;
        if (++code.tries >= CAP + 2) open[at] = open[open.length - 1]!, open.pop();
        calls++;
        try {
          await engine.redeemCode({ tenantId, ntpId: code.ntpId, code: code.token });
          code.told++;
          succeeded++;
        } catch (e) {
          const kind = isNtpassError(e) ? e.code : 'non-NtpassError';
          if (kind === 'STORE_UNAVAILABLE') {
            unavailable++;
            lastFailureAt = performance.now();
            if (lastFailureAt > healthyAt + 500) failuresAfterHealthy++;
          } else if (kind !== 'REDEMPTION_LIMIT') {
            unexpected[kind] = (unexpected[kind] ?? 0) + 1;
          }
        }
        await sleep(PACE_MS);
      }
    };
    const started = performance.now();
    const load = Promise.all(Array.from({ length: LANES }, lane));
    await sleep(1000);
    // The victim: the master that ran most of the redemptions so far.
    const ran = await Promise.all(masters.map(async (n, i) => (await scriptCalls(n.port)) - callsBefore[i]!));
    const victim = masters[ran.indexOf(Math.max(...ran))]!;
    const ratePerSecond = Math.round(calls / ((performance.now() - started) / 1000));
    const faultAt = performance.now();
    if (options.fault === 'freeze') {
      victim.server.signal('SIGSTOP');
      await sleep(options.freezeMs ?? 3000);
      victim.server.signal('SIGCONT');
    } else {
      await victim.server.kill();
      await sleep(500);
      await waitFor('a replica promoted', async () => (await Promise.all(cluster.nodes.filter((n) => n !== victim).map((n) => isMaster(n.port).catch(() => false)))).filter(Boolean).length === masters.length, 30_000);
      await victim.server.restart();
    }
    await cluster.waitHealthy(30_000);
    healthyAt = performance.now();
    await sleep(options.afterMs ?? 1500);
    stop = true;
    await load;

    let recovered = failuresAfterHealthy === 0;
    for (const ntpId of instances) {
      const { token } = await engine.issueNtpCode({ tenantId, ntpId, maxRedemptions: 1 });
      const ok = await engine.redeemCode({ tenantId, ntpId, code: token }).then(() => true, () => false);
      recovered &&= ok;
    }
    let overRedeemedCodes = 0;
    let overRedemptions = 0;
    let lostCodes = 0;
    for (const code of codes) {
      const { redemptions } = await engine.ntpCodeStatus({ tenantId, ntpId: code.ntpId, code: code.token });
      if (code.told > CAP) {
        overRedeemedCodes++;
        overRedemptions += code.told - CAP;
      }
      if (redemptions < Math.min(code.told, CAP)) lostCodes++;
    }
    return {
      fault: options.fault,
      waitForReplicas: options.waitForReplicas !== undefined,
      calls,
      succeeded,
      unavailable,
      overRedeemedCodes,
      overRedemptions,
      lostCodes,
      outageMs: lastFailureAt > faultAt ? Math.round(lastFailureAt - faultAt) : 0,
      ratePerSecond,
      recovered,
      unexpected,
    };
  } finally {
    await engine.close();
    await store.close();
    client.disconnect();
  }
}
