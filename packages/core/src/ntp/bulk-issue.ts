import { NtpassError, invalidArgument, isNtpassError } from '../errors.js';
import { randomBase58 } from '../ids.js';
import type { Check, Commit } from '../store.js';
import { parseInput } from '../validate.js';
import { admitIssue, commitIssue } from './admission.js';
import { BATCH_LEASE_MS, type BatchInfo, type Batches } from './batches.js';
import { chunks, yieldToEventLoop } from './chunks.js';
import type { Directory } from './directory.js';
import { counted, type LiveCodes } from './guessing-floor.js';
import { ticketCap } from './instance.js';
import type { CachedInstance } from './instance-cache.js';
import { MAX_CODE_TRIES } from './issue.js';
import { K, instancePartition, padNumber } from '../layout.js';
import { MAX_ATTEMPTS, contention, instanceNotFound, type NtpRuntime } from './runtime.js';
import { issueNtpCodesSchema } from './schemas.js';
import { emailHashOf, freshCode, ticketFreeCheck, ticketWrites, type FreshCode } from './tickets.js';
import type { BulkIssueProgress, IssueNtpCodesOptions, IssueNtpCodesResult, IssuedNtpCode } from './types.js';

/*
 * Bulk issue (SPEC §3.2): all or nothing, up to 1 000 000 codes.
 *
 * 1. One commit reserves the whole quota (`issued` += n, bounded by
 *    `maxTickets`) and writes a pending batch record with a lease.
 * 2. Codes are reserved in the tenant directory, then the tickets are written
 *    in commits of at most `maxOpsPerCommit`, each marked with the batch (so
 *    none redeems yet) and each renewing the lease.
 * 3. The directory reservations are confirmed, then one commit marks the
 *    batch done: from then on every code redeems.
 * 4. The batch mark is cleared from the tickets (so a redemption stays one
 *    round trip) and the batch record dropped.
 * A throw before 3 completes aborts the batch (quota released, tickets
 * removed); a process that dies leaves a pending batch whose lease lapses,
 * reclaimed when issuing next hits TICKET_LIMIT.
 */

// Codes reserved and written per slice: big enough that directory commits group many codes per shard.
const SLICE = 100_000;
// Ticket commits handed to one commitBatch call.
const CHUNKS_PER_CALL = 8;

interface Slot {
  code: FreshCode;
  readonly index: number;
}

export function createBulkIssue(rt: NtpRuntime, directory: Directory, batches: Batches, live: LiveCodes) {
  const { ctx } = rt;

  async function issueNtpCodes(options: IssueNtpCodesOptions): Promise<IssueNtpCodesResult> {
    const op = 'issueNtpCodes';
    const o = parseInput(issueNtpCodesSchema, options, op);
    if (o.count === undefined && o.emails === undefined) throw invalidArgument(op, 'count', 'or emails is required');
    if (o.count !== undefined && o.emails !== undefined && o.count !== o.emails.length) {
      throw invalidArgument(op, 'count', 'must equal the number of emails when both are given');
    }
    const { tenantId, ntpId } = o;
    const total = o.count ?? o.emails?.length ?? 0;
    const emails = o.emails?.map((e) => emailHashOf(ctx.hasher, tenantId, e));
    const partition = instancePartition(tenantId, ntpId);
    const batchId = randomBase58(16);
    const batchKey = K.batch(batchId);
    const pendingGuard: Check = { type: 'fields', key: batchKey, equals: { state: 'pending' } };

    // 0. The guessing floor, once and up front: the whole call's live codes in one bounded add.
    const admitted = await admitIssue(rt, op, tenantId, ntpId);
    const liveLength = counted(admitted.instance.ticketLength) ? admitted.instance.ticketLength : undefined;
    await live.reserve(op, tenantId, admitted.instance, total, () => batches.reclaimExpired(op, tenantId, ntpId));
    // 1. The quota, all at once: never over-issues, whatever runs concurrently. From here on the batch record
    // carries `liveLength`, so whoever aborts or reclaims the batch gives its live codes back.
    const quota = await commitIssue(
      rt,
      () => batches.reclaimExpired(op, tenantId, ntpId),
      op,
      o,
      admitted,
      total,
      (_, now) => ({
        checks: [],
        ops: [
          {
            type: 'put',
            key: batchKey,
            value: { state: 'pending', count: total, leaseUntil: now + BATCH_LEASE_MS, createdAt: now, ...(liveLength === undefined ? {} : { liveLength }) },
          },
        ],
      }),
    ).catch(async (e: unknown) => {
      // A refusal wrote no batch; a lost answer may have (then its reclaim gives the codes back).
      if (liveLength !== undefined && isNtpassError(e) && e.code !== 'STORE_UNAVAILABLE') await live.release(op, tenantId, liveLength, total);
      throw e;
    });
    if (!quota.ok) throw contention(op, ntpId);
    let cached: CachedInstance = quota.cached;
    const issuedAt = quota.now;
    const cap = ticketCap(o.maxRedemptions, cached.instance);
    const length = cached.instance.ticketLength;

    const tokens: IssuedNtpCode[] = new Array<IssuedNtpCode>(total);
    // Tickets that may be in the store (a commit whose answer was lost may have applied), by user id.
    const written = new Set<string>();
    const reserved = new Map<string, number>();
    const used = new Set<string>();
    let done = 0;
    const batch = (): BatchInfo => ({
      id: batchId,
      count: total,
      written: [...written],
      reserved: [...reserved.keys()],
      liveLength,
    });

    /** Fresh codes for `slots`, each reserved in the directory (a taken code is replaced, 10 tries each). */
    async function reserveCodes(slots: readonly Slot[]): Promise<void> {
      const tries = new Map<Slot, number>();
      let todo = [...slots];
      while (todo.length > 0) {
        for (const slot of todo) {
          const n = (tries.get(slot) ?? 0) + 1;
          if (n > MAX_CODE_TRIES) throw new NtpassError('CONFLICT', `${op}: no unused code found after ${MAX_CODE_TRIES} tries; use a longer ticketLength`);
          tries.set(slot, n);
          do slot.code = freshCode(ctx.hasher, tenantId, length);
          while (used.has(slot.code.userId));
          used.add(slot.code.userId);
        }
        const outcome = await directory.reserve(op, tenantId, ntpId, todo.map((s) => s.code.userId), batchId);
        for (const [userId, version] of outcome.versions) reserved.set(userId, version);
        todo = todo.filter((s) => outcome.refused.has(s.code.userId));
      }
    }

    function ticketCommit(group: readonly Slot[]): Commit {
      const now = ctx.now();
      return {
        partition,
        now,
        // The instance must still exist (a delete stops the call) and the batch still be ours.
        checks: [{ type: 'fields', key: K.instance, equals: {} }, pendingGuard, ...group.map((s) => ticketFreeCheck(s.code.userId))],
        ops: [
          { type: 'patch', key: batchKey, set: { leaseUntil: now + BATCH_LEASE_MS } },
          ...group.flatMap((s) =>
            ticketWrites(
              s.code.userId,
              { cap, email: emails?.[s.index] ?? null, signed: false, issuedAt, batch: batchId, revoked: false },
              // In call order; concurrent calls in the same millisecond interleave, ties broken by user id.
              padNumber(issuedAt) + padNumber(s.index, 7),
            ),
          ),
        ],
      };
    }

    /** Writes the tickets of `slots` in bounded commits, reporting progress. */
    async function writeTickets(slots: readonly Slot[]): Promise<void> {
      let queue = chunks(slots, (ctx.store.maxOpsPerCommit - 3) / 3);
      while (queue.length > 0) {
        const call = queue.slice(0, CHUNKS_PER_CALL);
        queue = queue.slice(CHUNKS_PER_CALL);
        for (const s of call.flat()) written.add(s.code.userId);
        const results = await ctx.store.commitBatch(op, call.map(ticketCommit));
        for (const [i, result] of results.entries()) {
          const group = call[i] ?? [];
          if (result.ok) {
            for (const s of group) tokens[s.index] = { token: s.code.code, userId: s.code.userId };
            done += group.length;
            o.onProgress?.({ done, total } satisfies BulkIssueProgress);
            continue;
          }
          // Refused: nothing of this chunk was written (and a code held by another ticket is not ours to remove).
          for (const s of group) written.delete(s.code.userId);
          if (result.at === 'check' && result.index === 0) throw instanceNotFound(op, ntpId);
          const slot = result.at === 'check' ? group[result.index - 2] : undefined;
          if (!slot) throw new NtpassError('CONFLICT', `${op}: the bulk issue lost its batch lease; nothing was issued`);
          // A ticket of a crashed issue holds this code here: its reservation stays (and is
          // confirmed, pointing the directory back at it); the slot gets another code.
          await reserveCodes([slot]);
          queue.push(group);
        }
        // A synchronous store (memory, SQLite) would otherwise hold the event loop for the
        // whole call: a host's HTTP server, timers and progress bars would freeze.
        await yieldToEventLoop();
      }
    }

    /** Makes every reservation permanent; one whose lease lapsed (a very long call) is reserved again first. */
    async function confirmCodes(): Promise<void> {
      const { refused } = await directory.confirm(op, tenantId, ntpId, reserved);
      if (refused.size === 0) return;
      const again = await directory.reserve(op, tenantId, ntpId, [...refused], batchId);
      const second = again.refused.size === 0 ? await directory.confirm(op, tenantId, ntpId, again.versions) : again;
      if (second.refused.size > 0) throw new NtpassError('CONFLICT', `${op}: a code was taken while its reservation had lapsed; nothing was issued`);
    }

    /** The commit that makes the whole batch redeemable, against a current, issuable instance. */
    async function commitDone(): Promise<number> {
      for (let attempt = 0; attempt <= MAX_ATTEMPTS; attempt++) {
        const now = ctx.now();
        const result = await rt.commit(op, partition, now, [{ type: 'version', key: K.instance, version: cached.version }, pendingGuard], [
          { type: 'patch', key: batchKey, set: { state: 'done' }, unset: ['leaseUntil'] },
        ]);
        if (result.ok) return now;
        if (result.index !== 0) throw new NtpassError('CONFLICT', `${op}: the bulk issue lost its batch lease; nothing was issued`);
        cached = await admitIssue(rt, op, tenantId, ntpId, true);
      }
      throw contention(op, ntpId);
    }

    let doneAt: number;
    try {
      for (let start = 0; start < total; start += SLICE) {
        const slots = Array.from({ length: Math.min(SLICE, total - start) }, (_, i): Slot => ({ index: start + i, code: { code: '', userId: '' } }));
        await reserveCodes(slots);
        await yieldToEventLoop();
        await writeTickets(slots);
      }
      await confirmCodes();
      doneAt = await commitDone();
    } catch (e) {
      // An unanswered done commit may have applied: then the batch stands and so does the call.
      const outcome = await batches.abort(op, tenantId, ntpId, batch()).catch(() => 'aborted' as const);
      if (outcome !== 'done') throw e;
      doneAt = ctx.now();
    }
    ctx.emit({ type: 'ntp.code.issued', tenantId, at: doneAt, ntpId, count: total });
    await batches.activate(op, tenantId, ntpId, batch());
    return { tokens };
  }

  return { issueNtpCodes };
}
