import { timingSafeEqual } from 'node:crypto';
import type { Fields } from '../store.js';
import { effectiveCap, redeemWindow, type Instance } from './instance-rules.js';

/*
 * Pure rules of a ticket (SPEC §3.2, §3.3): its stored form and the checks of
 * a redemption, in the order SPEC gives them.
 */

/** A ticket as core keeps it. Its code exists only as the keyed hash that is its user id (its key). */
export interface Ticket {
  /** min(requested maxRedemptions, instance maxRedemptions) at issue time. */
  readonly cap: number;
  /** HMAC of the bound email, or `null` when unbound. */
  readonly email: string | null;
  /** Issued as a signed code: only the signed token redeems it. */
  readonly signed: boolean;
  /**
   * When it was issued. A bulk ticket does not store it (its batch's listing
   * entry holds it once, see ticket-chunks.ts) and reads back as 0.
   */
  readonly issuedAt: number;
  /**
   * The number of the bulk batch that wrote it, kept for good: it redeems
   * once that number is off its instance's `openBatches`. `null` for a
   * ticket issued alone.
   */
  readonly batch: number | null;
  readonly revoked: boolean;
}

/** The stored form: absent fields stand for `null`/`false`, keeping a million tickets small. */
export function ticketToFields(ticket: Ticket): Fields {
  return {
    cap: ticket.cap,
    ...(ticket.batch === null ? { issuedAt: ticket.issuedAt } : {}),
    ...(ticket.email === null ? {} : { email: ticket.email }),
    ...(ticket.signed ? { signed: true } : {}),
    ...(ticket.batch === null ? {} : { batch: ticket.batch }),
    ...(ticket.revoked ? { revoked: true } : {}),
  };
}

export function ticketFromFields(fields: Fields): Ticket {
  const email = fields['email'];
  const batch = fields['batch'];
  return {
    cap: typeof fields['cap'] === 'number' ? fields['cap'] : 0,
    email: typeof email === 'string' ? email : null,
    signed: fields['signed'] === true,
    issuedAt: typeof fields['issuedAt'] === 'number' ? fields['issuedAt'] : 0,
    batch: typeof batch === 'number' ? batch : null,
    revoked: fields['revoked'] === true,
  };
}

/**
 * What the one-round-trip redemption commit requires of the ticket: bound to
 * this email hash (or unbound when none is given), not revoked, signed exactly
 * when a signed token is presented, and outside every open bulk batch. The
 * commit also checks the version of `instance`, so while `instance` lists no
 * open batch, a batch mark on the ticket can only name a done batch and is not
 * checked at all; while it lists some, the ticket must carry no mark, or
 * `batch`: a mark already read and found not listed.
 */
export function ticketExpectation(emailHash: string | null, signed: boolean, instance?: Instance, batch: number | null = null): Fields {
  const expected = { email: emailHash, revoked: null, signed: signed ? true : null };
  return instance === undefined || instance.openBatches.length === 0 ? expected : { ...expected, batch };
}

/** Whether the ticket belongs to a bulk batch its instance still lists as open (being written, or aborted). */
export function inOpenBatch(ticket: Ticket, instance: Instance): boolean {
  return ticket.batch !== null && instance.openBatches.includes(ticket.batch);
}

/** Everything a redemption is judged on, as read from the store. */
export interface RedemptionFacts {
  readonly instance: Instance | null;
  readonly ticket: Ticket | null;
  /** The ticket's successful redemptions so far. */
  readonly redemptions: number;
  /** HMAC of the email given, if any. */
  readonly emailHash: string | null;
  /** Whether a signed token was presented. */
  readonly signed: boolean;
  readonly now: number;
}

/** The outcome of a redemption's checks. */
export type RedemptionRefusal = 'INVALID_CODE' | 'EXPIRED' | 'NOT_STARTED' | 'REDEMPTION_LIMIT';

/**
 * SPEC §3.3 in order: the code, instance, tenant and email (`INVALID_CODE`,
 * all indistinguishable); the window (`EXPIRED`, `NOT_STARTED`); the limit
 * (`REDEMPTION_LIMIT`). `null` means the redemption may count.
 */
export function judgeRedemption(facts: RedemptionFacts): RedemptionRefusal | null {
  const { instance, ticket } = facts;
  if (instance === null || ticket === null || ticket.revoked || inOpenBatch(ticket, instance)) return 'INVALID_CODE';
  if (ticket.signed !== facts.signed) return 'INVALID_CODE';
  // An email given for an unbound ticket is ignored.
  if (ticket.email !== null && (facts.emailHash === null || !sameHash(ticket.email, facts.emailHash))) return 'INVALID_CODE';
  const window = redeemWindow(instance, facts.now);
  if (window !== null) return window;
  if (facts.redemptions >= effectiveCap(ticket.cap, instance)) return 'REDEMPTION_LIMIT';
  return null;
}

/** Constant-time comparison of two hashes. */
export function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
