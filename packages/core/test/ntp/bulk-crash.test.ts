import { describe, expect, it } from 'vitest';
import { createEngine, isNtpassError, type Commit, type CommitResult, type IssueNtpCodesResult, type Store } from '@ntpass/core';
import { createFakeClock, recordingStore, type RecordingStore } from '@ntpass/core/testing';
import { memoryStore } from '@ntpass/store-memory';
import { BATCH_LEASE_MS } from '../../src/ntp/batches.js';
import { instancePartition } from '../../src/layout.js';
import { SECRET, T, eventually } from './support.js';

/*
 * A bulk call cut short at every step: the process "dies" after its store
 * has applied its first N units of work (a read, a commit, or one commit of a
 * commitBatch); from then on every call of it throws and applies nothing.
 * Whatever N, none of its codes may redeem, its quota must come back once its
 * lease lapses, and every leftover (tickets, directory entries, the batch
 * record, the instance's open-batch list) must be cleaned up.
 */

const COUNT = 60;
const OTHER_NTP_ID = 'QOTPsomewhereE1se';

/** A real store that applies the first `budget` units of work, then throws for good. */
function dyingStore(inner: Store, budget: number): Store {
  let used = 0;
  const gone = (): never => {
    throw new Error('the process died');
  };
  const unit = <R>(run: () => Promise<R>): Promise<R> => (used++ < budget ? run() : Promise.reject(new Error('the process died')));
  return {
    limits: inner.limits,
    read: (r) => unit(() => inner.read(r)),
    list: (r) => unit(() => inner.list(r)),
    scan: (r) => unit(() => inner.scan(r)),
    dropPartition: (r) => unit(() => inner.dropPartition(r)),
    close: () => inner.close(),
    commit: (c) => unit(() => inner.commit(c)),
    commitBatch: async (commits) => {
      const out: CommitResult[] = [];
      for (const c of commits) {
        if (used++ >= budget) gone();
        out.push(await inner.commit(c));
      }
      return out;
    },
  };
}

/**
 * A real store on which another issuer takes, just before the bulk call's
 * first directory commit, the first code of that commit for an instance of
 * its own: the call must find the code taken, remove its ticket and use
 * another code.
 */
function rivalStore(inner: Store): Store {
  let struck = false;
  const strike = async (commits: readonly Commit[]): Promise<void> => {
    const first = commits.find((c) => c.partition.startsWith('code:'));
    const key = first?.ops[0]?.type === 'put' ? first.ops[0].key : undefined;
    if (struck || !first || key === undefined) return;
    struck = true;
    await inner.commit({ partition: first.partition, now: first.now, checks: [{ type: 'version', key, version: 0 }], ops: [{ type: 'put', key, value: { ntpId: OTHER_NTP_ID } }] });
  };
  return {
    ...inner,
    limits: inner.limits,
    read: (r) => inner.read(r),
    list: (r) => inner.list(r),
    scan: (r) => inner.scan(r),
    dropPartition: (r) => inner.dropPartition(r),
    close: () => inner.close(),
    commit: async (c) => {
      await strike([c]);
      return inner.commit(c);
    },
    commitBatch: async (commits) => {
      await strike(commits);
      return inner.commitBatch(commits);
    },
  };
}

interface World {
  readonly store: RecordingStore;
  readonly clock: ReturnType<typeof createFakeClock>;
  readonly ntpId: string;
  readonly healthy: ReturnType<typeof createEngine>;
}

async function world(rival: boolean): Promise<World> {
  const memory = memoryStore({ maxOpsPerCommit: 64 });
  const store = recordingStore(rival ? rivalStore(memory) : memory);
  const clock = createFakeClock();
  const healthy = createEngine({ store, secret: SECRET, clock: clock.now });
  const ntpId = await healthy.createNtpInstance({ tenantId: T, objectId: 'iq__object', maxTickets: COUNT });
  return { store, clock, ntpId, healthy };
}

/** What the instance holds, and how many directory entries point at it. */
async function state(w: World) {
  const snap = await w.store.snapshot(w.clock.now());
  const partition = snap[instancePartition(T, w.ntpId)];
  const records = Object.entries(partition?.records ?? {});
  const open = (partition?.records['inst']?.value['openBatches'] ?? []) as number[];
  const tickets = records.filter(([k]) => k.startsWith('t:')).map(([, r]) => r.value);
  const entries = Object.values(snap).flatMap((p) => Object.entries(p.records).filter(([k]) => k.startsWith('c:')).map(([, r]) => r.value['ntpId']));
  return {
    tickets: tickets.length,
    // A ticket redeems only once its batch is off the instance's list.
    redeemable: tickets.filter((t) => typeof t['batch'] !== 'number' || !open.includes(t['batch'])).length,
    batches: records.filter(([k]) => k.startsWith('b:')).length,
    open,
    entries: entries.filter((n) => n === w.ntpId).length,
    rivals: entries.filter((n) => n === OTHER_NTP_ID).length,
    // Listed: tickets issued alone have an index entry each, bulk ones count in the instance record.
    indexed: (partition?.indexes['tickets']?.total ?? 0) + Number(partition?.records['inst']?.value['bulkTickets'] ?? 0),
    // Chunk records listing bulk tickets: one per 1 024 of a finished batch, none left by a dead one.
    chunks: records.filter(([k]) => k.startsWith('k:')).length,
  };
}

describe.each([
  ['', false],
  [', with a code taken by another issuer between its ticket and its directory entry', true],
])('issueNtpCodes cut short at every step%s', (_, rival) => {
  it('never lets a code redeem, gives the quota back once the lease lapses, and leaves nothing behind', async () => {
    // Codes are random, and so is the number of directory shards they fall in: die one unit later each
    // time until the call has all it needs.
    let budget = 0;
    for (; ; budget++) {
      const w = await world(rival);
      const dying = createEngine({ store: dyingStore(w.store, budget), secret: SECRET, clock: w.clock.now });
      const outcome = await dying.issueNtpCodes({ tenantId: T, ntpId: w.ntpId, count: COUNT }).then(
        (result) => result,
        (e: unknown) => e,
      );
      await dying.close();
      if (!isNtpassError(outcome)) {
        const { tokens } = outcome as IssueNtpCodesResult;
        for (const t of tokens) expect(await w.healthy.redeemCode({ tenantId: T, code: t.token })).toBe('iq__object');
        expect(await state(w)).toEqual({ tickets: COUNT, redeemable: COUNT, batches: 0, open: [], entries: COUNT, rivals: rival ? 1 : 0, indexed: COUNT, chunks: 1 });
        await w.healthy.close();
        break;
      }
      expect(outcome.code, `after ${budget} units`).toBe('STORE_UNAVAILABLE');

      const left = await state(w);
      expect(left.redeemable, `after ${budget} units`).toBe(0);
      expect((await w.healthy.listNtpTickets({ tenantId: T, ntpId: w.ntpId, count: 100 })).tickets, `after ${budget} units`).toEqual([]);

      // The dead call's quota holds until its lease lapses, then the whole of it can be issued again.
      w.clock.advance(BATCH_LEASE_MS + 1);
      const { tokens } = await w.healthy.issueNtpCodes({ tenantId: T, ntpId: w.ntpId, count: COUNT });
      for (const t of tokens.slice(0, 3)) expect(await w.healthy.redeemCode({ tenantId: T, code: t.token })).toBe('iq__object');
      const clean = { tickets: COUNT, redeemable: COUNT, batches: 0, open: [], entries: COUNT, rivals: rival ? 1 : 0, indexed: COUNT, chunks: 1 };
      // The dead batch is swept in the background.
      await eventually(async () => JSON.stringify(await state(w)) === JSON.stringify(clean)).catch(() => undefined);
      expect(await state(w), `after ${budget} units`).toEqual(clean);
      expect((await w.healthy.ntpInstance({ tenantId: T, ntpId: w.ntpId })).issuedTickets).toBe(COUNT);
      await w.healthy.close();
    }
    // The admission read, the opening commit, 3 ticket commits, a directory commit per shard, the finishing commit.
    expect(budget).toBeGreaterThan(COUNT / 2);
  }, 120_000);
});

describe('issueNtpCodes and another issuer', () => {
  it('gives up a code another instance took between its ticket and its directory entry', async () => {
    const w = await world(true);
    const { tokens } = await w.healthy.issueNtpCodes({ tenantId: T, ntpId: w.ntpId, count: COUNT });
    expect(new Set(tokens.map((t) => t.token)).size).toBe(COUNT);
    for (const t of tokens) expect(await w.healthy.redeemCode({ tenantId: T, code: t.token })).toBe('iq__object');
    // The rival's entry is untouched, and the ticket written for its code is gone.
    expect(await state(w)).toEqual({ tickets: COUNT, redeemable: COUNT, batches: 0, open: [], entries: COUNT, rivals: 1, indexed: COUNT, chunks: 1 });
    await w.healthy.close();
  });
});
