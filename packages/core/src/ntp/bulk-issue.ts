import { invalidArgument, isNtpassError } from '../errors.js';
import { K, instancePartition } from '../layout.js';
import type { Check, Commit, Fields, Op } from '../store.js';
import { parseInput } from '../validate.js';
import { admitIssue } from './admission.js';
import { BATCH_LEASE_MS, type BatchInfo, type BatchPage, type Batches } from './batches.js';
import { OPS_PER_CALL, pacedYield, pipelined } from './chunks.js';
import type { Directory } from './directory.js';
import { counted, type LiveCodes } from './guessing-floor.js';
import { ticketCap } from './instance-rules.js';
import { MAX_CODE_TRIES } from './issue.js';
import { byShard, createPackedCodeSlots } from './packed-codes.js';
import { batchLeaseLost, instanceNotFound, noUnusedCode } from './errors.js';
import type { NtpRuntime } from './runtime.js';
import { issueNtpCodesSchema } from './schemas.js';
import { TICKETS_PER_CHUNK, chunkCount, chunkToFields } from './ticket-chunks.js';
import { ticketToFields } from './ticket-rules.js';
import { bulkTicketDelete, emailHashOf } from './ticket-writes.js';
import type { BulkIssueProgress, IssueNtpCodesOptions, IssueNtpCodesResult, PackedNtpCodes } from './types.js';

/*
 * Bulk issue (SPEC §3.2): all or nothing, up to 1 000 000 codes.
 *
 * 1. One commit opens the batch: reserves the whole quota (`issued` += n,
 *    bounded by `maxTickets`), numbers the batch and lists it among the
 *    instance's open batches, and writes its pending record with a lease.
 * 2. Every code is drawn (one CSPRNG call per thousand codes) and kept packed
 *    (packed-codes.ts). Then, each in commits of at most `maxOpsPerCommit`
 *    that renew the lease: the tickets, in their final form but marked with
 *    the batch's number (so none redeems while it is listed), in directory
 *    shard order; their directory entries, in final form, in shard order;
 *    once every code is final, the chunk records that list the user ids in
 *    call order (ticket-chunks.ts). Writing in shard order keeps each store
 *    call inside one run of keys (a few B-tree pages in SQLite, not all of
 *    them). A code the directory already holds is taken: its ticket is
 *    removed and the slot gets another code.
 * 3. One commit takes the batch off the list and lists it in the instance's
 *    `bulk` index: from then on every code redeems and is listed. Nothing is
 *    rewritten after it, and only then are the codes handed out.
 * A throw before 3 aborts the batch (quota released, entries, tickets and
 * chunks removed); a process that dies leaves an open batch whose lease
 * lapses, reclaimed when issuing next hits TICKET_LIMIT and then swept. Every
 * leftover is a ticket of an open batch (which no read trusts), a chunk
 * record of it (found by its batch's prefix), or a directory entry written
 * after such a ticket (found through it).
 *
 * Store ops per ticket: 2 in its instance (absent check, put) and 2 in its
 * directory shard (absent check, put), plus one chunk record per 1 024.
 */

// Per-slot flags.
const TICKET = 1; // its ticket may be in the store
const LISTED = 2; // its directory entry may be in the store
const COUNTED = 4; // counted in `onProgress`

/** Chunk records per commit: about 115 KiB of user ids. */
const CHUNKS_PER_COMMIT = 4;

/** Slots per page of an abort's cleanup: its user ids are strings only a page at a time. */
const ABORT_PAGE = 10_000;

export function createBulkIssue(rt: NtpRuntime, directory: Directory, batches: Batches, live: LiveCodes) {
  const { ctx } = rt;

  async function issueNtpCodesPacked(options: IssueNtpCodesOptions, op = 'issueNtpCodesPacked'): Promise<PackedNtpCodes> {
    const o = parseInput(issueNtpCodesSchema, options, op);
    if (o.count === undefined && o.emails === undefined) throw invalidArgument(op, 'count', 'or emails is required');
    if (o.count !== undefined && o.emails !== undefined && o.count !== o.emails.length) {
      throw invalidArgument(op, 'count', 'must equal the number of emails when both are given');
    }
    const { tenantId, ntpId, emails } = o;
    const total = o.count ?? emails?.length ?? 0;
    const partition = instancePartition(tenantId, ntpId);

    // 0. The guessing floor, once and up front: the whole call's live codes in one bounded add.
    const admitted = await admitIssue(rt, op, tenantId, ntpId);
    const liveLength = counted(admitted.instance.ticketLength) ? admitted.instance.ticketLength : undefined;
    await live.reserve(op, tenantId, admitted.instance, total, () => batches.reclaimExpired(op, tenantId, ntpId));
    // 1. The quota, all at once: never over-issues, whatever runs concurrently.
    const batch = await batches.open(op, tenantId, ntpId, admitted, total, liveLength).catch(async (e: unknown) => {
      // A refusal wrote no batch; a lost answer may have (then its reclaim gives the codes back).
      if (liveLength !== undefined && isNtpassError(e) && e.code !== 'STORE_UNAVAILABLE') await live.release(op, tenantId, liveLength, total);
      throw e;
    });
    const { id } = batch;
    const batchKey = K.batch(id);
    const { instance } = batch.cached;
    const base = { cap: ticketCap(o.maxRedemptions, instance), email: null, signed: false, issuedAt: batch.openedAt, batch: id, revoked: false };
    // The stored form of every unbound ticket of the call: built once, shared by every put.
    const unbound: Fields = Object.freeze(ticketToFields(base));
    // The instance must still exist (a delete stops the call) and the batch still be ours.
    const guards: readonly Check[] = [
      { type: 'fields', key: K.instance, equals: {} },
      { type: 'fields', key: batchKey, equals: { state: 'pending' } },
    ];
    const maxOps = ctx.store.maxOpsPerCommit - guards.length - 1;

    const codes = createPackedCodeSlots(total, instance.ticketLength);
    const tries = new Uint8Array(total);
    const flags = new Uint8Array(total);
    const pause = pacedYield();
    const userIdOf = (token: string) => ctx.hasher.ticketUserId(tenantId, token);
    let done = 0;

    /** A fresh code for `slot` (10 tries per slot, then CONFLICT); resolves to its user id. */
    function draw(slot: number): string {
      if (++tries[slot]! > MAX_CODE_TRIES) throw noUnusedCode(op, MAX_CODE_TRIES);
      return codes.draw(slot, userIdOf);
    }

    function ticketValue(slot: number): Fields {
      if (emails === undefined) return unbound;
      const email = emailHashOf(ctx.hasher, tenantId, emails[slot]);
      return email === null ? unbound : ticketToFields({ ...base, email });
    }

    const lostLease = () => batchLeaseLost(op);

    /**
     * Sends `groups` (each one commit, made as they are sent, so a million
     * slots never wait as arrays) in calls of at most OPS_PER_CALL ops;
     * `refused` handles each refused commit, `applied` each applied one.
     */
    async function send(groups: Iterator<readonly number[]>, opsPerSlot: number, build: (group: readonly number[], now: number) => Commit, refused: (group: readonly number[], check: number) => void, applied?: (group: readonly number[]) => void): Promise<void> {
      await pipelined(() => {
        const call: (readonly number[])[] = [];
        for (let ops = 0; ops < OPS_PER_CALL; ) {
          const next = groups.next();
          if (next.done === true) break;
          call.push(next.value);
          ops += next.value.length * opsPerSlot;
        }
        if (call.length === 0) return undefined;
        const now = ctx.now();
        return ctx.store.commitBatch(op, call.map((group) => build(group, now))).then((results) => {
          for (const [c, result] of results.entries()) {
            if (result.ok) applied?.(call[c]!);
            else if (result.at === 'check' && result.index === 0) throw instanceNotFound(op, ntpId);
            else refused(call[c]!, result.at === 'check' ? result.index - guards.length : -1);
          }
        });
      }, pause);
    }

    const renewLease = (now: number): Op => ({ type: 'patch', key: batchKey, set: { leaseUntil: now + BATCH_LEASE_MS } });

    /** `slots` (all slots in call order when absent) in consecutive groups of at most `perCommit`. */
    function* groupsOf(perCommit: number, slots?: ArrayLike<number>): Generator<readonly number[]> {
      const size = Math.max(1, perCommit);
      const length = slots?.length ?? total;
      for (let k = 0; k < length; k += size) yield Array.from({ length: Math.min(size, length - k) }, (_, j) => (slots === undefined ? k + j : slots[k + j]!));
    }

    function countProgress(group: readonly number[]): void {
      let counted = 0;
      for (const slot of group) {
        if (flags[slot]! & COUNTED) continue;
        flags[slot]! |= COUNTED;
        counted += 1;
      }
      if (counted === 0) return;
      done += counted;
      o.onProgress?.({ done, total } satisfies BulkIssueProgress);
    }

    /** One commit writing the tickets of `group`. */
    function ticketCommit(group: readonly number[], now: number): Commit {
      const checks: Check[] = [...guards];
      const ops: Op[] = [renewLease(now)];
      // Two slots of one commit with one code would both pass their absent checks.
      const seen = new Set<string>();
      for (const slot of group) {
        let userId = codes.userId(slot);
        while (seen.has(userId)) userId = draw(slot);
        seen.add(userId);
        flags[slot]! |= TICKET;
        const key = K.ticket(userId);
        checks.push({ type: 'version', key, version: 0 });
        ops.push({ type: 'put', key, value: ticketValue(slot) });
      }
      return { partition, now, checks, ops };
    }

    /** Writes the tickets of `slots` (in that order). */
    async function writeTickets(slots: ArrayLike<number>): Promise<void> {
      const perSlot = 2;
      let pending: Iterator<readonly number[]> = groupsOf(Math.floor(maxOps / perSlot), slots);
      for (;;) {
        // A refused group comes back with its taken slot redrawn, and goes again.
        const retries: (readonly number[])[] = [];
        await send(
          pending,
          perSlot,
          (group, now) => ticketCommit(group, now),
          (group, check) => {
            // Refused: nothing of this commit was written.
            for (const slot of group) flags[slot]! &= ~TICKET;
            const taken = group[check];
            if (taken === undefined) throw lostLease();
            // A ticket of this instance (a crashed issue's, or another call's) holds this code.
            draw(taken);
            retries.push(group);
          },
          countProgress,
        );
        if (retries.length === 0) return;
        pending = retries.values();
      }
    }

    /** The chunk records listing every slot's user id in call order, once every code is final. */
    async function writeChunks(): Promise<void> {
      const chunkNumbers = Array.from({ length: chunkCount(total) }, (_, n) => n);
      await send(
        groupsOf(CHUNKS_PER_COMMIT, chunkNumbers),
        // Counted as the tickets they list, so one call carries a bounded number of bytes.
        TICKETS_PER_CHUNK,
        (group, now) => {
          const ops: Op[] = [renewLease(now)];
          for (const n of group) {
            const userIds: string[] = [];
            for (let slot = n * TICKETS_PER_CHUNK; slot < Math.min(total, (n + 1) * TICKETS_PER_CHUNK); slot++) userIds.push(codes.userId(slot));
            ops.push({ type: 'put', key: K.ticketChunk(id, n), value: chunkToFields(userIds) });
          }
          return { partition, now, checks: guards, ops };
        },
        () => {
          throw lostLease();
        },
      );
    }

    /** Removes the tickets of slots whose codes turned out to be taken in the directory. */
    async function unwriteTickets(slots: readonly number[]): Promise<void> {
      await send(
        groupsOf(maxOps, slots),
        1,
        (group, now) => {
          const ops: Op[] = [renewLease(now)];
          for (const slot of group) ops.push(bulkTicketDelete(codes.userId(slot)));
          return { partition, now, checks: guards, ops };
        },
        () => {
          throw lostLease();
        },
        (group) => {
          for (const slot of group) flags[slot]! &= ~TICKET;
        },
      );
    }

    /** Writes the directory entries of `ordered` (in shard order); resolves to the slots whose codes another ticket holds. */
    async function listCodes(ordered: Uint32Array): Promise<number[]> {
      const taken: number[] = [];
      const perCall = Math.max(1, Math.floor(OPS_PER_CALL / 2));
      let start = 0;
      await pipelined(() => {
        if (start >= ordered.length) return undefined;
        // A bounded run of whole shards: its user ids are strings only for this call.
        const end = Math.min(ordered.length, start + perCall);
        const groups: string[][] = [];
        const slotOf = new Map<string, number>();
        let shard = -1;
        for (let k = start; k < end; k++) {
          const slot = ordered[k]!;
          const s = codes.shard(slot);
          if (s !== shard) groups.push([]);
          shard = s;
          const userId = codes.userId(slot);
          groups[groups.length - 1]!.push(userId);
          slotOf.set(userId, slot);
          flags[slot]! |= LISTED;
        }
        start = end;
        return directory.registerGroups(op, tenantId, ntpId, groups).then((refused) => {
          for (const userId of refused) {
            const slot = slotOf.get(userId)!;
            // That entry is not ours: never release it.
            flags[slot]! &= ~LISTED;
            taken.push(slot);
          }
        });
      }, pause);
      return taken;
    }

    function* pages(): Generator<BatchPage> {
      for (let start = 0; start < total; start += ABORT_PAGE) {
        const written: string[] = [];
        const listed: string[] = [];
        for (let slot = start; slot < Math.min(total, start + ABORT_PAGE); slot++) {
          if (flags[slot]! & TICKET) written.push(codes.userId(slot));
          if (flags[slot]! & LISTED) listed.push(codes.userId(slot));
        }
        yield { written, listed };
      }
    }

    const info = (): BatchInfo => ({ id, count: total, pages, liveLength });

    let doneAt: number;
    try {
      for (let slot = 0; slot < total; slot++) {
        draw(slot);
        // A million keyed hashes would otherwise hold the event loop for seconds.
        if ((slot & 4095) === 4095) await pause();
      }
      const all = byShard(codes, allSlots(total));
      await writeTickets(all);
      let ordered = all;
      for (;;) {
        const taken = await listCodes(ordered);
        if (taken.length === 0) break;
        await unwriteTickets(taken);
        for (const slot of taken) draw(slot);
        ordered = byShard(codes, taken);
        await writeTickets(ordered);
      }
      await writeChunks();
      // 3. Every code redeems from this commit on.
      doneAt = await batches.finish(op, tenantId, ntpId, batch);
    } catch (e) {
      // An unanswered finishing commit may have applied: then the batch stands and so does the call.
      const outcome = await batches.abort(op, tenantId, ntpId, info()).catch(() => 'aborted' as const);
      if (outcome !== 'done') throw e;
      doneAt = ctx.now();
    }
    ctx.emit({ type: 'ntp.code.issued', tenantId, at: doneAt, ntpId, count: total });
    return codes.view();
  }

  return {
    issueNtpCodesPacked: (options: IssueNtpCodesOptions) => issueNtpCodesPacked(options),
    async issueNtpCodes(options: IssueNtpCodesOptions): Promise<IssueNtpCodesResult> {
      return { tokens: Array.from(await issueNtpCodesPacked(options, 'issueNtpCodes')) };
    },
  };
}

function allSlots(total: number): Uint32Array {
  const out = new Uint32Array(total);
  for (let i = 0; i < total; i++) out[i] = i;
  return out;
}
