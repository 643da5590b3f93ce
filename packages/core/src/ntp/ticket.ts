import { timingSafeEqual } from 'node:crypto';
import type { Fields } from '../store.js';
import { effectiveCap, redeemWindow, type Instance } from './instance.js';

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
  readonly issuedAt: number;
  /** The bulk batch it belongs to while that batch is not known to be done. */
  readonly batch: string | null;
  readonly revoked: boolean;
}

/** The stored form: absent fields stand for `null`/`false`, keeping a million tickets small. */
export function ticketToFields(ticket: Ticket): Fields {
  return {
    cap: ticket.cap,
    issuedAt: ticket.issuedAt,
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
    batch: typeof batch === 'string' ? batch : null,
    revoked: fields['revoked'] === true,
  };
}

/**
 * What the one-round-trip redemption commit requires of the ticket: bound to
 * this email hash (or unbound when none is given), not pending in a batch, not
 * revoked, and signed exactly when a signed token is presented.
 */
export function ticketExpectation(emailHash: string | null, signed: boolean): Fields {
  return { email: emailHash, batch: null, revoked: null, signed: signed ? true : null };
}

/** Everything a redemption is judged on, as read from the store. */
export interface RedemptionFacts {
  readonly instance: Instance | null;
  readonly ticket: Ticket | null;
  /** The ticket's successful redemptions so far. */
  readonly redemptions: number;
  /** Whether the ticket's batch (if any) is done; `true` for a ticket outside any batch. */
  readonly batchDone: boolean;
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
  if (instance === null || ticket === null || ticket.revoked || !facts.batchDone) return 'INVALID_CODE';
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
