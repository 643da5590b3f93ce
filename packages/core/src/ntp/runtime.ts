import type { EngineContext } from '../context.js';
import type { Check, CommitResult, Op, StoredRecord } from '../store.js';
import { instanceFromFields } from './instance-rules.js';
import { createInstanceCache, type CachedInstance, type InstanceCache } from './instance-cache.js';
import { K, instancePartition } from '../layout.js';

/** What every NTP operation shares: the engine context and the instance cache. */
export interface NtpRuntime {
  readonly ctx: EngineContext;
  readonly cache: InstanceCache;
  /**
   * Reads an instance with other records and counters of its partition in one
   * round trip, and refreshes the cache.
   */
  readInstance(operation: string, tenantId: string, ntpId: string, extra?: ExtraReads): Promise<InstanceRead>;
  /** Applies one guarded commit to a partition. */
  commit(operation: string, partition: string, now: number, checks: readonly Check[], ops: readonly Op[]): Promise<CommitResult>;
}

export interface ExtraReads {
  readonly records?: readonly string[];
  readonly counters?: readonly string[];
}

export interface InstanceRead {
  readonly cached: CachedInstance | null;
  /** Aligned with `extra.records`. */
  readonly records: readonly (StoredRecord | null)[];
  /** Aligned with `extra.counters`. */
  readonly counters: readonly number[];
}

export function createNtpRuntime(ctx: EngineContext): NtpRuntime {
  const cache = createInstanceCache();
  const readInstance: NtpRuntime['readInstance'] = async (operation, tenantId, ntpId, extra = {}) => {
    const partition = instancePartition(tenantId, ntpId);
    const result = await ctx.store.read(operation, {
      partition,
      records: [K.instance, ...(extra.records ?? [])],
      counters: [...(extra.counters ?? [])],
      now: ctx.now(),
    });
    const [record, ...records] = result.records;
    let cached: CachedInstance | null = null;
    if (record) {
      cached = { instance: instanceFromFields(record.value), version: record.version };
      cache.set(partition, cached);
    } else cache.delete(partition);
    return { cached, records, counters: result.counters };
  };
  return {
    ctx,
    cache,
    readInstance,
    commit: (operation, partition, now, checks, ops) =>
      ctx.store.commit(operation, { partition, now, checks, ops }),
  };
}
