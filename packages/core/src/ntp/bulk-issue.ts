import { NtpassError, invalidArgument, isNtpassError } from '../errors.js';
import { randomBase58 } from '../ids.js';
import { K, instancePartition, padNumber } from '../layout.js';
import type { Check, Commit, Fields, Op } from '../store.js';
import { parseInput } from '../validate.js';
import { admitIssue } from './admission.js';
import { BATCH_LEASE_MS, type BatchInfo, type Batches } from './batches.js';
import { OPS_PER_CALL, pacedYield } from './chunks.js';
import type { Directory } from './directory.js';
import { counted, type LiveCodes } from './guessing-floor.js';
import { ticketCap } from './instance.js';
import { MAX_CODE_TRIES } from './issue.js';
import { instanceNotFound, type NtpRuntime } from './runtime.js';
import { issueNtpCodesSchema } from './schemas.js';
import { ticketToFields } from './ticket.js';
import { emailHashOf } from './tickets.js';
import type { BulkIssueProgress, IssueNtpCodesOptions, IssueNtpCodesResult, IssuedNtpCode } from './types.js';

/*
 * Bulk issue (SPEC §3.2): all or nothing, up to 1 000 000 codes.
 *
 * 1. One commit opens the batch: reserves the whole quota (`issued` += n,
 *    bounded by `maxTickets`), numbers the batch and lists it among the
 *    instance's open batches, and writes its pending record with a lease.
 * 2. Per slice of codes: the tickets, in their final form but marked with
 *    the batch's number (so none redeems while it is listed), in commits of
 *    at most `maxOpsPerCommit` that each renew the lease; then their directory
 *    entries, in final form. A code the directory already holds is taken: its
 *    ticket is removed and the slot gets another code.
 * 3. One commit takes the batch off the list: from then on every code
 *    redeems. Nothing is rewritten after it.
 * A throw before 3 aborts the batch (quota released, entries and tickets
 * removed); a process that dies leaves an open batch whose lease lapses,
 * reclaimed when issuing next hits TICKET_LIMIT and then swept. Every
 * leftover is a ticket of an open batch (which no read trusts) or a directory
 * entry written after such a ticket (found through it).
 *
 * Store ops per ticket: 3 in its instance (absent check, put, index entry)
 * and 2 in its directory shard (absent check, put).
 */

// Codes written per slice before their directory entries: big enough that a
// directory commit groups tens of codes of one shard.
const SLICE = 100_000;

// Per-slot flags.
const TICKET = 1; // its ticket may be in the store
const LISTED = 2; // its directory entry may be in the store
const COUNTED = 4; // counted in `onProgress`

export function createBulkIssue(rt: NtpRuntime, directory: Directory, batches: Batches, live: LiveCodes) {
  const { ctx } = rt;

  async function issueNtpCodes(options: IssueNtpCodesOptions): Promise<IssueNtpCodesResult> {
    const op = 'issueNtpCodes';
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
    const length = instance.ticketLength;
    const sortPrefix = padNumber(batch.openedAt);
    const base = { cap: ticketCap(o.maxRedemptions, instance), email: null, signed: false, issuedAt: batch.openedAt, batch: id, revoked: false };
    // The stored form of every unbound ticket of the call: built once, shared by every put.
    const unbound: Fields = Object.freeze(ticketToFields(base));
    // The instance must still exist (a delete stops the call) and the batch still be ours.
    const guards: readonly Check[] = [
      { type: 'fields', key: K.instance, equals: {} },
      { type: 'fields', key: batchKey, equals: { state: 'pending' } },
    ];

    const tokens: (IssuedNtpCode | undefined)[] = new Array<IssuedNtpCode | undefined>(total);
    const tries = new Uint8Array(total);
    const flags = new Uint8Array(total);
    const pause = pacedYield();
    let done = 0;

    /** A fresh code for slot `i` (10 tries per slot, then CONFLICT). */
    function draw(i: number): IssuedNtpCode {
      if (++tries[i]! > MAX_CODE_TRIES) throw new NtpassError('CONFLICT', `${op}: no unused code found after ${MAX_CODE_TRIES} tries; use a longer ticketLength`);
      const token = randomBase58(length);
      const code = { token, userId: ctx.hasher.ticketUserId(tenantId, token) };
      tokens[i] = code;
      return code;
    }

    function ticketValue(i: number): Fields {
      if (emails === undefined) return unbound;
      const email = emailHashOf(ctx.hasher, tenantId, emails[i]);
      return email === null ? unbound : ticketToFields({ ...base, email });
    }

    /** One commit writing the tickets of `group`; codes are drawn here, so hashing keeps pace with writing. */
    function ticketCommit(group: readonly number[], now: number): Commit {
      const checks: Check[] = [...guards];
      const ops: Op[] = [{ type: 'patch', key: batchKey, set: { leaseUntil: now + BATCH_LEASE_MS } }];
      // Two slots of one commit with one code would both pass their absent checks.
      const seen = new Set<string>();
      for (const i of group) {
        let code = tokens[i] ?? draw(i);
        while (seen.has(code.userId)) code = draw(i);
        seen.add(code.userId);
        flags[i]! |= TICKET;
        const key = K.ticket(code.userId);
        checks.push({ type: 'version', key, version: 0 });
        ops.push(
          { type: 'put', key, value: ticketValue(i) },
          // In call order; concurrent calls in the same millisecond interleave, ties broken by user id.
          { type: 'indexPut', index: K.tickets, member: code.userId, sortKey: sortPrefix + padNumber(i, 7) },
        );
      }
      return { partition, now, checks, ops };
    }

    /** Writes the tickets of `slots` in bounded commits, reporting progress. */
    async function writeTickets(slots: readonly number[]): Promise<void> {
      const perCommit = Math.max(1, Math.floor((ctx.store.maxOpsPerCommit - guards.length - 1) / 3));
      const perCall = Math.max(1, Math.floor(OPS_PER_CALL / (3 * perCommit)));
      const queue: number[][] = [];
      for (let i = 0; i < slots.length; i += perCommit) queue.push(slots.slice(i, i + perCommit));
      for (let next = 0; next < queue.length; ) {
        const call = queue.slice(next, next + perCall);
        next += call.length;
        const now = ctx.now();
        const results = await ctx.store.commitBatch(op, call.map((group) => ticketCommit(group, now)));
        for (const [c, result] of results.entries()) {
          const group = call[c]!;
          if (result.ok) {
            let counted = 0;
            for (const i of group) {
              if (flags[i]! & COUNTED) continue;
              flags[i]! |= COUNTED;
              counted += 1;
            }
            if (counted > 0) {
              done += counted;
              o.onProgress?.({ done, total } satisfies BulkIssueProgress);
            }
            continue;
          }
          // Refused: nothing of this commit was written.
          for (const i of group) flags[i]! &= ~TICKET;
          if (result.at === 'check' && result.index === 0) throw instanceNotFound(op, ntpId);
          const taken = result.at === 'check' ? group[result.index - guards.length] : undefined;
          if (taken === undefined) throw new NtpassError('CONFLICT', `${op}: the bulk issue lost its batch lease; nothing was issued`);
          // A ticket of this instance (a crashed issue's, or another call's) holds this code.
          draw(taken);
          queue.push(group);
        }
        await pause();
      }
    }

    /** Removes the tickets of slots whose codes turned out to be taken in the directory. */
    async function unwriteTickets(slots: readonly number[]): Promise<void> {
      const perCommit = Math.max(1, Math.floor((ctx.store.maxOpsPerCommit - guards.length) / 2));
      for (let s = 0; s < slots.length; s += perCommit) {
        const group = slots.slice(s, s + perCommit);
        const ops: Op[] = [];
        for (const i of group) {
          const { userId } = tokens[i]!;
          ops.push({ type: 'delete', key: K.ticket(userId) }, { type: 'indexDelete', index: K.tickets, member: userId });
        }
        const result = await rt.commit(op, partition, ctx.now(), guards, ops);
        if (!result.ok && result.index === 0) throw instanceNotFound(op, ntpId);
        if (!result.ok) throw new NtpassError('CONFLICT', `${op}: the bulk issue lost its batch lease; nothing was issued`);
        for (const i of group) flags[i]! &= ~TICKET;
      }
    }

    /** Writes the directory entries of `slots`; resolves to the slots whose codes another ticket holds. */
    async function listCodes(slots: readonly number[]): Promise<number[]> {
      for (const i of slots) flags[i]! |= LISTED;
      const refused = await directory.register(op, tenantId, ntpId, slots.map((i) => tokens[i]!.userId));
      if (refused.size === 0) return [];
      const taken = slots.filter((i) => refused.has(tokens[i]!.userId));
      // Those entries are not ours: never release them.
      for (const i of taken) flags[i]! &= ~LISTED;
      return taken;
    }

    function info(): BatchInfo {
      const written: string[] = [];
      const listed: string[] = [];
      for (let i = 0; i < total; i++) {
        const code = tokens[i];
        if (code === undefined) continue;
        if (flags[i]! & TICKET) written.push(code.userId);
        if (flags[i]! & LISTED) listed.push(code.userId);
      }
      return { id, count: total, written, listed, liveLength };
    }

    let doneAt: number;
    try {
      for (let start = 0; start < total; start += SLICE) {
        let slots = Array.from({ length: Math.min(SLICE, total - start) }, (_, k) => start + k);
        while (slots.length > 0) {
          await writeTickets(slots);
          const taken = await listCodes(slots);
          if (taken.length === 0) break;
          await unwriteTickets(taken);
          for (const i of taken) draw(i);
          slots = taken;
        }
      }
      // 3. Every code redeems from this commit on.
      doneAt = await batches.finish(op, tenantId, ntpId, batch);
    } catch (e) {
      // An unanswered finishing commit may have applied: then the batch stands and so does the call.
      const outcome = await batches.abort(op, tenantId, ntpId, info()).catch(() => 'aborted' as const);
      if (outcome !== 'done') throw e;
      doneAt = ctx.now();
    }
    ctx.emit({ type: 'ntp.code.issued', tenantId, at: doneAt, ntpId, count: total });
    return { tokens: tokens as IssuedNtpCode[] };
  }

  return { issueNtpCodes };
}
