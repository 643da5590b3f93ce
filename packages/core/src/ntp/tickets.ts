import { randomBase58 } from '../ids.js';
import { normalizeEmail, type Hasher } from '../secrets.js';
import type { Check, Op } from '../store.js';
import { K } from './partitions.js';
import { ticketToFields, type Ticket } from './ticket.js';

/*
 * Making tickets: fresh codes and the store writes of one ticket, shared by
 * single, signed and bulk issue.
 */

/** A fresh code with what is derived from it. The code itself never reaches a store. */
export interface FreshCode {
  readonly code: string;
  /** HMAC of the code within its tenant: the ticket's key. */
  readonly hash: string;
  readonly userId: string;
}

/** A new code of `length` base58 characters from the CSPRNG. */
export function freshCode(hasher: Hasher, tenantId: string, length: number): FreshCode {
  const code = randomBase58(length);
  return { code, hash: hasher.code(tenantId, code), userId: hasher.ticketUserId(tenantId, code) };
}

/** The stored form of an email as given: `null` for none or blank. */
export function emailHashOf(hasher: Hasher, email: string | null | undefined): string | null {
  const normalized = normalizeEmail(email);
  return normalized === undefined ? null : hasher.email(normalized);
}

/** Guards that a ticket's key is free in its instance (a leftover of a crashed issue may hold it). */
export function ticketFreeCheck(hash: string): Check {
  return { type: 'version', key: K.ticket(hash), version: 0 };
}

/** The writes of one ticket: its record, its user-id record, its index entry (in issue order). */
export function ticketWrites(code: FreshCode, ticket: Ticket, sortKey: string): Op[] {
  return [
    { type: 'put', key: K.ticket(code.hash), value: ticketToFields(ticket) },
    { type: 'put', key: K.user(code.userId), value: { code: code.hash } },
    { type: 'indexPut', index: K.tickets, member: code.userId, sortKey, value: code.hash },
  ];
}

/** The deletes that undo {@link ticketWrites}. */
export function ticketDeletes(hash: string, userId: string): Op[] {
  return [
    { type: 'delete', key: K.ticket(hash) },
    { type: 'delete', key: K.user(userId) },
    { type: 'indexDelete', index: K.tickets, member: userId },
  ];
}
