import type { NtpInstanceInfo } from '@ntpass/core';

/**
 * An NTP instance exactly as the ticket SDK returns it (`NTPInstance`,
 * `ListNTPInstances`): class as `"Class 4"`, window bounds, ticket length
 * and redemption limit as strings of digits, counts as numbers.
 */
export interface ElvNtpInstance {
  readonly ntpId: string;
  readonly tenantId: string;
  /** The SDK's key-management id. ntpass has none: present only when `elvNtpFacade(engine, { kmsId })` gives one. */
  readonly kmsId?: string;
  readonly objectId: string;
  /** `"Class <n>"`. */
  readonly ntpClass: string;
  /** Epoch ms (a number, as in the SDK). */
  readonly updatedAt: number;
  /** Epoch ms as a string of digits; absent when unbounded. */
  readonly startTime?: string;
  /** Epoch ms as a string of digits; absent when unbounded. While suspended, the suspension time (see the README). */
  readonly endTime?: string;
  /** A string of digits. */
  readonly ticketLength: string;
  /** A string of digits. */
  readonly maxRedemptions: string;
  /** 0 means unlimited. */
  readonly maxTickets: number;
  readonly issuedTickets: number;
}

/** What `UpdateNTPInstance` returns in the SDK: an instance without `issuedTickets`. */
export type ElvUpdatedNtpInstance = Omit<ElvNtpInstance, 'issuedTickets'>;

/** A ticket as `IssueNTPCode` returns it. */
export interface ElvIssuedCode {
  readonly token: string;
  /** The ticket's user id (`userId` in the engine). */
  readonly user_id: string;
}

/** A page as `ListNTPInstances` returns it. */
export interface ElvNtpInstanceList {
  readonly ntpInstances: readonly ElvNtpInstance[];
  readonly start: number;
  readonly end: number;
  readonly total: number;
}

/**
 * The seed's instance from the engine's, keys in the seed's order. A
 * suspended instance shows the SDK's own model of suspension, an end time
 * already past: the earlier of its end and its last update.
 */
export function toElvNtpInstance(info: NtpInstanceInfo, kmsId: string | undefined): ElvNtpInstance {
  const endTime = info.state === 'suspended' ? Math.min(info.endTime ?? info.updatedAt, info.updatedAt) : info.endTime;
  return {
    ntpId: info.ntpId,
    tenantId: info.tenantId,
    ...(kmsId === undefined ? {} : { kmsId }),
    objectId: info.objectId,
    ntpClass: `Class ${info.ntpClass}`,
    updatedAt: info.updatedAt,
    ...(info.startTime === undefined ? {} : { startTime: String(info.startTime) }),
    ...(endTime === undefined ? {} : { endTime: String(endTime) }),
    ticketLength: String(info.ticketLength),
    maxRedemptions: String(info.maxRedemptions),
    maxTickets: info.maxTickets,
    issuedTickets: info.issuedTickets,
  };
}
