import { createEngine, type Engine, type Store } from '@ntpass/core';
import { TEST_SECRET } from '@ntpass/core/testing';
import { runLoad, timeOnce, type LoadOptions, type LoadResult } from './load.js';

/** The sizes of one bench run. */
export interface Sizes {
  /** Measuring window per row. */
  readonly durationMs: number;
  /** Codes spread over by the "many codes" redeem rows. */
  readonly codes: number;
  /** Codes in the bulk-issue row. */
  readonly bulk: number;
  /** Live tickets for the small and large scaling rows. */
  readonly scaleSmall: number;
  readonly scaleLarge: number;
  /** Instances for the small and large listing rows. */
  readonly listSmall: number;
  readonly listLarge: number;
}

const SECRET = TEST_SECRET;
const TENANT = 'bench-tenant';
// High enough that no redemption in a run is refused: we measure successes.
const MANY = 1_000_000_000;
// 8 characters: the guessing floor allows 122 million live codes per tenant, so no run hits it.
const LENGTH = 8;

export function benchEngine(store: Store): Engine {
  return createEngine({ store, secret: SECRET });
}

/** An instance with `codes` tickets, each redeemable (practically) without limit. */
export async function instanceWithCodes(engine: Engine, codes: number, tenantId = TENANT): Promise<{ ntpId: string; tokens: string[] }> {
  const ntpId = await engine.createNtpInstance({ tenantId, objectId: 'iq__bench', maxRedemptions: MANY, ticketLength: LENGTH });
  const { tokens } = await engine.issueNtpCodes({ tenantId, ntpId, count: codes });
  return { ntpId, tokens: tokens.map((t) => t.token) };
}

/** Redeem throughput with `inFlight` callers over `tokens` (one token = a hot code). */
export function redeemRow(
  engine: Engine,
  ntpId: string,
  tokens: readonly string[],
  inFlight: number,
  durationMs: number,
  warm?: Pick<LoadOptions, 'warmup' | 'warmupMs'>,
): Promise<LoadResult> {
  return runLoad(redeemOp(engine, ntpId, tokens), { inFlight, durationMs, ...warm });
}

/** Call n redeems `tokens[n % tokens.length]`. */
export function redeemOp(engine: Engine, ntpId: string, tokens: readonly string[]): (n: number) => Promise<unknown> {
  return (n) => engine.redeemCode({ tenantId: TENANT, ntpId, code: tokens[n % tokens.length]! });
}

/** Redeems each token once, 64 in flight. */
export async function redeemEachOnce(engine: Engine, ntpId: string, tokens: readonly string[]): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: 64 }, async () => {
      while (next < tokens.length) await engine.redeemCode({ tenantId: TENANT, ntpId, code: tokens[next++]! });
    }),
  );
}

export async function issueRow(engine: Engine, inFlight: number, durationMs: number): Promise<LoadResult> {
  const ntpId = await engine.createNtpInstance({ tenantId: TENANT, objectId: 'iq__bench-issue', ticketLength: LENGTH });
  return runLoad(() => engine.issueNtpCode({ tenantId: TENANT, ntpId }), { inFlight, durationMs, warmup: 50 });
}

export async function bulkRow(engine: Engine, count: number): Promise<LoadResult> {
  const ntpId = await engine.createNtpInstance({ tenantId: TENANT, objectId: 'iq__bench-bulk', ticketLength: LENGTH });
  return timeOnce(count, () => engine.issueNtpCodes({ tenantId: TENANT, ntpId, count }));
}

/** One failed then one successful login per call, over many users: the counter moves and resets. */
export async function authenticateRow(engine: Engine, users: number, inFlight: number, durationMs: number): Promise<LoadResult> {
  const ids: string[] = [];
  for (let u = 0; u < users; u++) {
    const muid = `user-${u}`;
    const { instanceId } = await engine.initiateInstance({ tenantId: TENANT, muid, methodType: 'PASSWORD' });
    await engine.activateInstance({ tenantId: TENANT, muid, methodType: 'PASSWORD', instanceId });
    ids.push(instanceId);
  }
  return runLoad(
    async (n) => {
      const muid = `user-${n % users}`;
      const instanceId = ids[n % users]!;
      await engine.authenticate({ tenantId: TENANT, muid, methodType: 'PASSWORD', instanceId, verify: () => false });
      await engine.authenticate({ tenantId: TENANT, muid, methodType: 'PASSWORD', instanceId, verify: () => true });
    },
    { inFlight, durationMs, warmup: 20 },
  );
}

/** A page of 10 from a tenant with `instances` instances, read at a random offset. */
export async function listRow(engine: Engine, instances: number, durationMs: number): Promise<LoadResult> {
  const tenantId = `list-${instances}`;
  const batch = 500;
  for (let i = 0; i < instances; i += batch) {
    await Promise.all(
      Array.from({ length: Math.min(batch, instances - i) }, () => engine.createNtpInstance({ tenantId, objectId: 'iq__list' })),
    );
  }
  return runLoad((n) => engine.listNtpInstances({ tenantId, count: 10, offset: (n * 7919) % Math.max(1, instances - 10) }), {
    inFlight: 8,
    durationMs,
    warmup: 20,
  });
}
