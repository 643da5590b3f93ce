import { randomBase58 } from '../ids.js';
import { normalizeEmail, type Hasher } from '../secrets.js';
import type { Check, Op } from '../store.js';
import { K } from '../layout.js';
import { ticketToFields, type Ticket } from './ticket-rules.js';

/*
 * Making tickets: fresh codes and the store writes of one ticket, shared by
 * single, signed and bulk issue.
 *
 * A ticket is known by its user id, which is a keyed hash of its code
 * (`Hasher.ticketUserId`): it is the ticket's key in its instance, its entry
 * in the tenant's code directory, and what operators see. So the code itself
 * never reaches a store, a redemption finds its ticket from the code alone,
 * and a revocation by user id needs no lookup.
 */

/** A fresh code and its user id. The code itself never reaches a store. */
export interface FreshCode {
  readonly code: string;
  readonly userId: string;
}

/** A new code of `length` base58 characters from the CSPRNG. */
export function freshCode(hasher: Hasher, tenantId: string, length: number): FreshCode {
  const code = randomBase58(length);
  return { code, userId: hasher.ticketUserId(tenantId, code) };
}

/** The stored form of an email as given, within its tenant: `null` for none or blank. */
export function emailHashOf(hasher: Hasher, tenantId: string, email: string | null | undefined): string | null {
  const normalized = normalizeEmail(email);
  return normalized === undefined ? null : hasher.email(tenantId, normalized);
}

/** The `emailHash` a signed token's payload carries (its own subkey): `null` for none or blank. */
export function payloadEmailHashOf(hasher: Hasher, tenantId: string, email: string | null | undefined): string | null {
  const normalized = normalizeEmail(email);
  return normalized === undefined ? null : hasher.payloadEmail(tenantId, normalized);
}

/** Guards that a ticket's key is free in its instance (a leftover of a crashed issue may hold it). */
export function ticketFreeCheck(userId: string): Check {
  return { type: 'version', key: K.ticket(userId), version: 0 };
}

/** The writes of a ticket issued alone: its record and its entry in the `tickets` index (in issue order). */
export function ticketWrites(userId: string, ticket: Ticket, sortKey: string): Op[] {
  return [
    { type: 'put', key: K.ticket(userId), value: ticketToFields(ticket) },
    { type: 'indexPut', index: K.tickets, member: userId, sortKey },
  ];
}

/** Removes a ticket of a bulk batch (it has no index entry: its batch's chunks list it). */
export function bulkTicketDelete(userId: string): Op {
  return { type: 'delete', key: K.ticket(userId) };
}
