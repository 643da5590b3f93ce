import { invalidArgument } from '../errors.js';
import type { Fields, Json } from '../store.js';
import type { NtpInstanceInfo, NtpInstanceState } from './types.js';

/*
 * Pure rules of an NTP instance (SPEC §3.1): defaults, the window, merging an
 * update, and the record's stored form. No store, no clock: time is passed in.
 */

/** An instance as core keeps it (times as epoch ms, `null` = unbounded). */
export interface Instance {
  readonly tenantId: string;
  readonly ntpId: string;
  readonly objectId: string;
  readonly groupAddresses: readonly string[];
  readonly ntpClass: number;
  readonly state: NtpInstanceState;
  readonly startTime: number | null;
  readonly endTime: number | null;
  readonly ticketLength: number;
  readonly maxRedemptions: number;
  readonly maxTickets: number;
  /** Opted out of the guessing floor (unsafe; see `CreateNtpInstanceOptions.allowGuessableCodes`). */
  readonly allowGuessableCodes: boolean;
  readonly createdAt: number;
  readonly updatedAt: number;
  /**
   * Bulk batches not done (being written, or aborted with tickets left to
   * remove), by number: a ticket of a listed batch never redeems (see
   * batches.ts). Kept in this record because every redemption already checks
   * its version.
   */
  readonly openBatches: readonly number[];
  /** The number of the last bulk batch opened (0: none); never reused. */
  readonly lastBatch: number;
  /** Tickets of finished bulk batches: where the next batch to finish starts listing (see ticket-chunks.ts). */
  readonly bulkTickets: number;
}

/** SPEC defaults for a new instance. */
export const INSTANCE_DEFAULTS = { ntpClass: 4, maxTickets: 0, maxRedemptions: 100, ticketLength: 6 } as const;

/** The fields an update may change. */
export interface InstanceChanges {
  readonly maxTickets?: number | undefined;
  readonly maxRedemptions?: number | undefined;
  readonly startTime?: number | null | undefined;
  readonly endTime?: number | null | undefined;
}

/** Refuses a window whose start is not before its end. */
export function checkWindow(operation: string, startTime: number | null, endTime: number | null): void {
  if (startTime !== null && endTime !== null && !(startTime < endTime)) {
    throw invalidArgument(operation, 'endTime', 'must be after startTime');
  }
}

/**
 * Applies an update: only the given fields change; giving `endTime` (a time
 * or `null`) ends a suspension. The merged window is validated as in create.
 */
export function applyChanges(operation: string, current: Instance, changes: InstanceChanges, now: number): Instance {
  const pick = <T>(next: T | undefined, old: T): T => (next === undefined ? old : next);
  const next: Instance = {
    ...current,
    maxTickets: pick(changes.maxTickets, current.maxTickets),
    maxRedemptions: pick(changes.maxRedemptions, current.maxRedemptions),
    startTime: pick(changes.startTime, current.startTime),
    endTime: pick(changes.endTime, current.endTime),
    state: changes.endTime !== undefined ? 'active' : current.state,
    updatedAt: now,
  };
  checkWindow(operation, next.startTime, next.endTime);
  return next;
}

/** Why nothing of an instance may redeem or be issued now, if anything. */
export type WindowRefusal = 'EXPIRED' | 'NOT_STARTED';

/**
 * The window check of a redemption: suspended or at/after `endTime` is
 * `EXPIRED`, before `startTime` is `NOT_STARTED`.
 */
export function redeemWindow(instance: Instance, now: number): WindowRefusal | null {
  if (instance.state === 'suspended' || (instance.endTime !== null && now >= instance.endTime)) return 'EXPIRED';
  if (instance.startTime !== null && now < instance.startTime) return 'NOT_STARTED';
  return null;
}

/** Issuing is refused (`EXPIRED`) for a suspended or ended instance; before `startTime` it is allowed. */
export function canIssue(instance: Instance, now: number): boolean {
  return redeemWindow(instance, now) !== 'EXPIRED';
}

/** A ticket's cap at issue time: min(its own `maxRedemptions`, the instance's). */
export function ticketCap(requested: number | undefined, instance: Instance): number {
  return requested === undefined ? instance.maxRedemptions : Math.min(requested, instance.maxRedemptions);
}

/** A ticket's limit now: min(its cap, the instance's current `maxRedemptions`). */
export function effectiveCap(cap: number, instance: Instance): number {
  return Math.min(cap, instance.maxRedemptions);
}

/** The stored form of an instance. */
export function instanceToFields(instance: Instance): Fields {
  const { openBatches, lastBatch, bulkTickets, allowGuessableCodes, ...rest } = instance;
  return {
    ...rest,
    groupAddresses: [...instance.groupAddresses],
    ...(allowGuessableCodes ? { allowGuessableCodes } : {}),
    ...(openBatches.length > 0 ? { openBatches: [...openBatches] } : {}),
    ...(lastBatch > 0 ? { lastBatch } : {}),
    ...(bulkTickets > 0 ? { bulkTickets } : {}),
  };
}

/** An instance from its stored form. */
export function instanceFromFields(fields: Fields): Instance {
  const num = (v: Json | undefined): number => (typeof v === 'number' ? v : 0);
  const str = (v: Json | undefined): string => (typeof v === 'string' ? v : '');
  const time = (v: Json | undefined): number | null => (typeof v === 'number' ? v : null);
  const groups = fields['groupAddresses'];
  const open = fields['openBatches'];
  return {
    tenantId: str(fields['tenantId']),
    ntpId: str(fields['ntpId']),
    objectId: str(fields['objectId']),
    groupAddresses: Array.isArray(groups) ? groups.filter((g): g is string => typeof g === 'string') : [],
    ntpClass: num(fields['ntpClass']),
    state: fields['state'] === 'suspended' ? 'suspended' : 'active',
    startTime: time(fields['startTime']),
    endTime: time(fields['endTime']),
    ticketLength: num(fields['ticketLength']),
    maxRedemptions: num(fields['maxRedemptions']),
    maxTickets: num(fields['maxTickets']),
    allowGuessableCodes: fields['allowGuessableCodes'] === true,
    createdAt: num(fields['createdAt']),
    updatedAt: num(fields['updatedAt']),
    openBatches: Array.isArray(open) ? open.filter((b): b is number => typeof b === 'number') : [],
    lastBatch: num(fields['lastBatch']),
    bulkTickets: num(fields['bulkTickets']),
  };
}

/** The public view of an instance with its counters. */
export function instanceInfo(instance: Instance, issuedTickets: number, redemptions: number): NtpInstanceInfo {
  return {
    ntpId: instance.ntpId,
    tenantId: instance.tenantId,
    objectId: instance.objectId,
    groupAddresses: [...instance.groupAddresses],
    ntpClass: instance.ntpClass,
    state: instance.state,
    ...(instance.startTime === null ? {} : { startTime: instance.startTime }),
    ...(instance.endTime === null ? {} : { endTime: instance.endTime }),
    ticketLength: instance.ticketLength,
    maxRedemptions: instance.maxRedemptions,
    maxTickets: instance.maxTickets,
    ...(instance.allowGuessableCodes ? { allowGuessableCodes: true } : {}),
    issuedTickets,
    redemptions,
    createdAt: instance.createdAt,
    updatedAt: instance.updatedAt,
  };
}
