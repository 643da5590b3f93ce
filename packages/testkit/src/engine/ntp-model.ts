import type { NtpassErrorCode } from '@ntpass/core';

/*
 * A tiny model of SPEC §3, written from the contract alone, that predicts the
 * outcome of each call. The suite runs the engine and the model side by side:
 * any disagreement breaks an invariant of SPEC §6.
 */

export interface ModelInstance {
  readonly tenantId: string;
  readonly ntpId: string;
  maxTickets: number;
  maxRedemptions: number;
  startTime: number | null;
  endTime: number | null;
  suspended: boolean;
  deleted: boolean;
  issued: number;
}

export interface ModelTicket {
  readonly instance: ModelInstance;
  /** What the holder presents: the code, or the whole signed token. */
  readonly token: string;
  readonly signed: boolean;
  /** Normalised, or null when unbound. */
  readonly email: string | null;
  readonly cap: number;
  revoked: boolean;
  redemptions: number;
}

/**
 * How a redemption names its ticket: by tenant and instance, by tenant, by
 * issuer path (a signed token: alone), as another tenant's or instance's, or
 * (a signed ticket) by its bare code without the signature.
 */
export type Via = 'instance' | 'tenant' | 'issuer' | 'otherTenant' | 'otherInstance' | 'codeOnly';

export type Outcome = 'ok' | NtpassErrorCode;

export const normalize = (email: string | undefined): string | null => {
  const e = email?.trim().toLowerCase();
  return e ? e : null;
};

/** SPEC §3.2: what issuing `count` tickets from `instance` does now. */
export function expectIssue(instance: ModelInstance, count: number, now: number): Outcome {
  if (instance.deleted) return 'NOT_FOUND';
  if (instance.suspended || (instance.endTime !== null && now >= instance.endTime)) return 'EXPIRED';
  if (instance.maxTickets > 0 && instance.issued + count > instance.maxTickets) return 'TICKET_LIMIT';
  return 'ok';
}

/** SPEC §3.3, in its order: what redeeming `ticket` this way does now. */
export function expectRedeem(ticket: ModelTicket, via: Via, email: string | undefined, now: number): Outcome {
  const i = ticket.instance;
  if (via === 'otherTenant' || via === 'otherInstance' || i.deleted || ticket.revoked) return 'INVALID_CODE';
  // The plain code of a signed ticket does not redeem.
  if (via === 'codeOnly' && ticket.signed) return 'INVALID_CODE';
  if (ticket.email !== null && normalize(email) !== ticket.email) return 'INVALID_CODE';
  if (i.suspended || (i.endTime !== null && now >= i.endTime)) return 'EXPIRED';
  if (i.startTime !== null && now < i.startTime) return 'NOT_STARTED';
  if (ticket.redemptions >= Math.min(ticket.cap, i.maxRedemptions)) return 'REDEMPTION_LIMIT';
  return 'ok';
}

/** How many redemptions the ticket has left now (0 if it would not redeem at all). */
export function remaining(ticket: ModelTicket, now: number): number {
  if (expectRedeem(ticket, 'instance', ticket.email ?? undefined, now) !== 'ok') return 0;
  return Math.min(ticket.cap, ticket.instance.maxRedemptions) - ticket.redemptions;
}
