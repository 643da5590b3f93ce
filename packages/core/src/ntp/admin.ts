import { invalidArgument } from '../errors.js';
import { looksSigned } from '../signing.js';
import { parseInput } from '../validate.js';
import type { LiveCodes } from './guessing-floor.js';
import { effectiveCap } from './instance-rules.js';
import { COUNTER_SHARDS, K, instancePartition, sumShards } from '../layout.js';
import type { NtpRuntime } from './runtime.js';
import { listNtpTicketsSchema, ntpInstanceRefSchema, revokeNtpCodeSchema } from './schemas.js';
import { ticketPage } from './ticket-listing.js';
import { inOpenBatch, ticketFromFields } from './ticket-rules.js';
import type {
  ListNtpTicketsOptions,
  ListNtpTicketsResult,
  NtpInstanceRef,
  NtpInstanceReport,
  NtpTicketInfo,
  RevokeNtpCodeOptions,
} from './types.js';
import { instanceNotFound, ticketNotFound } from './errors.js';

/** The operator's views of an instance's tickets (SPEC §3.4). */
export function createAdminOperations(rt: NtpRuntime, live: LiveCodes) {
  const { ctx } = rt;

  async function listNtpTickets(options: ListNtpTicketsOptions): Promise<ListNtpTicketsResult> {
    const op = 'listNtpTickets';
    const o = parseInput(listNtpTicketsSchema, options, op);
    const count = o.count ?? 10;
    const offset = o.offset ?? 0;
    const partition = instancePartition(o.tenantId, o.ntpId);
    const { userIds, batchIssuedAt, singles } = await ticketPage(ctx, op, partition, offset, count);
    const read = await rt.readInstance(op, o.tenantId, o.ntpId, {
      records: userIds.map(K.ticket),
      counters: userIds.map(K.ticketRedemptions),
    });
    if (!read.cached) throw instanceNotFound(op, o.ntpId);
    const { instance } = read.cached;
    const tickets = read.records.map((r) => (r ? ticketFromFields(r.value) : null));
    const infos: NtpTicketInfo[] = [];
    tickets.forEach((t, i) => {
      // Tickets of a bulk call still writing (or aborted) are not issued yet: only a done batch shows.
      if (!t || inOpenBatch(t, instance)) return;
      infos.push({
        userId: userIds[i] ?? '',
        emailBound: t.email !== null,
        signed: t.signed,
        redemptions: read.counters[i] ?? 0,
        maxRedemptions: effectiveCap(t.cap, instance),
        revoked: t.revoked,
        issuedAt: batchIssuedAt[i] ?? t.issuedAt,
      });
    });
    const total = singles + instance.bulkTickets;
    return { tickets: infos, start: offset, end: Math.min(total, offset + count), total };
  }

  async function revokeNtpCode(options: RevokeNtpCodeOptions): Promise<void> {
    const op = 'revokeNtpCode';
    const o = parseInput(revokeNtpCodeSchema, options, op);
    if ((o.code === undefined) === (o.userId === undefined)) throw invalidArgument(op, 'code', 'or userId is required (exactly one)');
    const partition = instancePartition(o.tenantId, o.ntpId);
    // A whole signed token names its ticket by the code before the first dot.
    const code = o.code !== undefined && looksSigned(o.code) ? (o.code.split('.')[0] ?? '') : o.code;
    const userId = code === undefined ? (o.userId ?? '') : ctx.hasher.ticketUserId(o.tenantId, code);
    const now = ctx.now();
    const result = await rt.commit(
      op,
      partition,
      now,
      [
        { type: 'fields', key: K.instance, equals: {} },
        { type: 'fields', key: K.ticket(userId), equals: { revoked: null } },
      ],
      [
        { type: 'patch', key: K.ticket(userId), set: { revoked: true } },
        { type: 'add', key: K.revoked, by: 1 },
      ],
    );
    if (result.ok) {
      ctx.emit({ type: 'ntp.code.revoked', tenantId: o.tenantId, at: now, ntpId: o.ntpId, userId });
      await releaseLiveCode(op, o.tenantId, o.ntpId, userId);
      return;
    }
    if (result.index === 0) throw instanceNotFound(op, o.ntpId);
    // Revoked already (nothing to do), or no such ticket.
    const { records } = await ctx.store.read(op, { partition, records: [K.ticket(userId)], now: ctx.now() });
    if (!records[0]) throw ticketNotFound(op, o.ntpId);
  }

  /**
   * A revoked code no longer counts toward the tenant's guessing floor. A
   * ticket of a bulk batch still open is left counted (its batch's abort gives
   * the whole batch back; if the batch finishes, it over-counts, the safe
   * direction).
   */
  async function releaseLiveCode(op: string, tenantId: string, ntpId: string, userId: string): Promise<void> {
    try {
      const read = await rt.readInstance(op, tenantId, ntpId, { records: [K.ticket(userId)] });
      const ticket = read.records[0] ? ticketFromFields(read.records[0].value) : null;
      if (read.cached && ticket && !inOpenBatch(ticket, read.cached.instance)) await live.release(op, tenantId, read.cached.instance.ticketLength, 1);
    } catch {
      // The revocation stands; an unreleased code over-counts, the safe direction.
    }
  }

  async function ntpInstanceReport(options: NtpInstanceRef): Promise<NtpInstanceReport> {
    const op = 'ntpInstanceReport';
    const { tenantId, ntpId } = parseInput(ntpInstanceRefSchema, options, op);
    const { cached, counters } = await rt.readInstance(op, tenantId, ntpId, {
      counters: [K.issued, K.revoked, ...K.allRedeemedTickets, ...K.allRedemptions],
    });
    if (!cached) throw instanceNotFound(op, ntpId);
    const [issued = 0, revoked = 0] = counters;
    return { issued, redeemedTickets: sumShards(counters, 2), totalRedemptions: sumShards(counters, 2 + COUNTER_SHARDS), revoked };
  }

  return { listNtpTickets, revokeNtpCode, ntpInstanceReport };
}

