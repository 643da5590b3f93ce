import { newNtpId } from '../ids.js';
import { parseInput } from '../validate.js';
import {
  INSTANCE_DEFAULTS,
  applyChanges,
  checkWindow,
  instanceInfo,
  instanceToFields,
  type Instance,
} from './instance-rules.js';
import { checkMaxTickets } from './guessing-floor.js';
import { K, instancePartition, padNumber, sumShards, tenantPartition } from '../layout.js';
import { RETRY, retrying } from '../retry.js';
import type { NtpRuntime } from './runtime.js';
import {
  createNtpInstanceSchema,
  listNtpInstancesSchema,
  ntpInstanceRefSchema,
  updateNtpInstanceSchema,
} from './schemas.js';
import type {
  CreateNtpInstanceOptions,
  ListNtpInstancesOptions,
  ListNtpInstancesResult,
  NtpInstanceInfo,
  NtpInstanceRef,
  UpdateNtpInstanceOptions,
} from './types.js';
import { contention, instanceNotFound, ntpIdExhausted } from './errors.js';

/** Create, read, list, update and suspend instances (SPEC §3.1). Delete lives in `delete-instance.ts`. */
export function createInstanceOperations(rt: NtpRuntime) {
  const { ctx } = rt;

  async function createNtpInstance(options: CreateNtpInstanceOptions): Promise<string> {
    const op = 'createNtpInstance';
    const o = parseInput(createNtpInstanceSchema, options, op);
    const startTime = o.startTime ?? null;
    const endTime = o.endTime ?? null;
    checkWindow(op, startTime, endTime);
    checkMaxTickets(op, {
      ticketLength: o.ticketLength ?? INSTANCE_DEFAULTS.ticketLength,
      maxTickets: o.maxTickets ?? INSTANCE_DEFAULTS.maxTickets,
      allowGuessableCodes: o.allowGuessableCodes === true,
    });
    const now = ctx.now();
    // An id collision is astronomically unlikely; the version-0 check makes it harmless anyway.
    return retrying(() => ntpIdExhausted(op), async () => {
      const ntpId = newNtpId();
      const instance: Instance = {
        tenantId: o.tenantId,
        ntpId,
        objectId: o.objectId,
        groupAddresses: o.groupAddresses ?? [],
        ntpClass: o.ntpClass ?? INSTANCE_DEFAULTS.ntpClass,
        state: 'active',
        startTime,
        endTime,
        ticketLength: o.ticketLength ?? INSTANCE_DEFAULTS.ticketLength,
        maxRedemptions: o.maxRedemptions ?? INSTANCE_DEFAULTS.maxRedemptions,
        maxTickets: o.maxTickets ?? INSTANCE_DEFAULTS.maxTickets,
        allowGuessableCodes: o.allowGuessableCodes === true,
        createdAt: now,
        updatedAt: now,
        openBatches: [],
        lastBatch: 0,
        bulkTickets: 0,
      };
      const partition = instancePartition(o.tenantId, ntpId);
      const created = await rt.commit(op, partition, now, [{ type: 'version', key: K.instance, version: 0 }], [
        { type: 'put', key: K.instance, value: instanceToFields(instance) },
      ]);
      if (!created.ok) return RETRY;
      rt.cache.set(partition, { instance, version: created.versions[K.instance] ?? 0 });
      // The record first, then the index: a list never meets an entry whose instance is still to come,
      // so an entry without its instance always means a deleted one (and is repaired).
      await rt.commit(op, tenantPartition(o.tenantId), now, [], [
        { type: 'indexPut', index: K.instances, member: ntpId, sortKey: padNumber(now) + ntpId },
      ]);
      ctx.emit({ type: 'ntp.instance.created', tenantId: o.tenantId, at: now, ntpId });
      return ntpId;
    });
  }

  async function readInfo(op: string, tenantId: string, ntpId: string): Promise<NtpInstanceInfo | null> {
    const { cached, counters } = await rt.readInstance(op, tenantId, ntpId, { counters: [K.issued, ...K.allRedemptions] });
    return cached && instanceInfo(cached.instance, counters[0] ?? 0, sumShards(counters, 1));
  }

  async function ntpInstance(options: NtpInstanceRef): Promise<NtpInstanceInfo> {
    const op = 'ntpInstance';
    const { tenantId, ntpId } = parseInput(ntpInstanceRefSchema, options, op);
    const info = await readInfo(op, tenantId, ntpId);
    if (!info) throw instanceNotFound(op, ntpId);
    return info;
  }

  async function listNtpInstances(options: ListNtpInstancesOptions): Promise<ListNtpInstancesResult> {
    const op = 'listNtpInstances';
    const o = parseInput(listNtpInstancesSchema, options, op);
    const count = o.count ?? 10;
    const offset = o.offset ?? 0;
    const partition = tenantPartition(o.tenantId);
    const page = await ctx.store.list(op, { partition, index: K.instances, offset, count });
    const infos = await Promise.all(page.items.map((item) => readInfo(op, o.tenantId, item.member)));
    const ntpInstances = infos.filter((info): info is NtpInstanceInfo => info !== null);
    const orphans = page.items.filter((_, i) => infos[i] === null);
    let total = page.total;
    if (orphans.length > 0) {
      // Entries of deleted instances whose index removal did not happen (a crash mid-delete).
      const repaired = await rt
        .commit(op, partition, ctx.now(), [], orphans.map((e) => ({ type: 'indexDelete', index: K.instances, member: e.member })))
        .catch(() => null);
      if (repaired?.ok) total -= orphans.length;
    }
    return { ntpInstances, start: offset, end: Math.min(total, offset + count), total };
  }

  async function updateNtpInstance(options: UpdateNtpInstanceOptions): Promise<NtpInstanceInfo> {
    const op = 'updateNtpInstance';
    const o = parseInput(updateNtpInstanceSchema, options, op);
    const changes = { maxTickets: o.maxTickets, maxRedemptions: o.maxRedemptions, startTime: o.startTime, endTime: o.endTime };
    const partition = instancePartition(o.tenantId, o.ntpId);
    return retrying(() => contention(op, o.ntpId), async () => {
      const { cached, counters } = await rt.readInstance(op, o.tenantId, o.ntpId, { counters: [K.issued, ...K.allRedemptions] });
      if (!cached) throw instanceNotFound(op, o.ntpId);
      const now = ctx.now();
      const next = applyChanges(op, cached.instance, changes, now);
      if (o.maxTickets !== undefined) checkMaxTickets(op, next);
      const result = await rt.commit(op, partition, now, [{ type: 'version', key: K.instance, version: cached.version }], [
        { type: 'put', key: K.instance, value: instanceToFields(next) },
      ]);
      if (!result.ok) return RETRY;
      rt.cache.set(partition, { instance: next, version: result.versions[K.instance] ?? 0 });
      ctx.emit({ type: 'ntp.instance.updated', tenantId: o.tenantId, at: now, ntpId: o.ntpId });
      return instanceInfo(next, counters[0] ?? 0, sumShards(counters, 1));
    });
  }

  async function suspendNtpInstance(options: NtpInstanceRef): Promise<void> {
    const op = 'suspendNtpInstance';
    const { tenantId, ntpId } = parseInput(ntpInstanceRefSchema, options, op);
    const partition = instancePartition(tenantId, ntpId);
    const now = ctx.now();
    // A patch of an absent record is refused: one round trip, and NOT_FOUND for a missing instance.
    const result = await rt.commit(op, partition, now, [], [
      { type: 'patch', key: K.instance, set: { state: 'suspended', updatedAt: now } },
    ]);
    rt.cache.delete(partition);
    if (!result.ok) throw instanceNotFound(op, ntpId);
    ctx.emit({ type: 'ntp.instance.suspended', tenantId, at: now, ntpId });
  }

  return { createNtpInstance, ntpInstance, listNtpInstances, updateNtpInstance, suspendNtpInstance };
}
