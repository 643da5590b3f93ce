import { NtpassError } from '../errors.js';

/*
 * Every NTP refusal the engine throws, worded once. Argument errors
 * (INVALID_ARGUMENT naming a field) stay beside the check that finds them,
 * through `invalidArgument`; these are the rule outcomes of SPEC §3 and §5.
 */

export function instanceNotFound(operation: string, ntpId: string): NtpassError {
  return new NtpassError('NOT_FOUND', `${operation}: no NTP instance ${ntpId} in this tenant`);
}

export function ticketNotFound(operation: string, ntpId: string): NtpassError {
  return new NtpassError('NOT_FOUND', `${operation}: no such ticket in NTP instance ${ntpId}`);
}

/** Optimistic retries exhausted. */
export function contention(operation: string, ntpId: string): NtpassError {
  return new NtpassError('CONFLICT', `${operation}: too many concurrent changes to NTP instance ${ntpId}; try again`);
}

export function ntpIdExhausted(operation: string): NtpassError {
  return new NtpassError('CONFLICT', `${operation}: could not allocate a unique ntpId; try again`);
}

export function noUnusedCode(operation: string, tries: number): NtpassError {
  return new NtpassError('CONFLICT', `${operation}: no unused code found after ${tries} tries; use a longer ticketLength`);
}

export function batchLeaseLost(operation: string): NtpassError {
  return new NtpassError('CONFLICT', `${operation}: the bulk issue lost its batch lease; nothing was issued`);
}

export function expired(operation: string, ntpId: string): NtpassError {
  return new NtpassError('EXPIRED', `${operation}: NTP instance ${ntpId} is suspended or has ended`);
}

export function notStarted(operation: string, ntpId: string): NtpassError {
  return new NtpassError('NOT_STARTED', `${operation}: NTP instance ${ntpId} is not open yet`);
}

export function redemptionLimit(operation: string): NtpassError {
  return new NtpassError('REDEMPTION_LIMIT', `${operation}: the code has reached its redemption limit`);
}

export function invalidCode(operation: string): NtpassError {
  return new NtpassError('INVALID_CODE', `${operation}: invalid code`);
}

export function ticketLimit(operation: string, ntpId: string): NtpassError {
  return new NtpassError('TICKET_LIMIT', `${operation}: NTP instance ${ntpId} has issued its maxTickets`);
}

/** Past the guessing floor: `limit` live codes of `length` characters, and the length that would fit. */
export function guessingFloorReached(operation: string, limit: number, length: number, fits: number): NtpassError {
  return new NtpassError(
    'TICKET_LIMIT',
    `${operation}: the tenant would hold more than ${limit} live ${length}-character codes, so one guess could succeed ` +
      `with probability above 2^-20 (the guessing floor of ticketLength ${length}); use ticketLength ${fits} or more`,
  );
}

export function throttled(operation: string, retryAfterMs: number): NtpassError {
  return new NtpassError('THROTTLED', `${operation}: too many invalid codes from this client; retry later`, { retryAfterMs });
}
