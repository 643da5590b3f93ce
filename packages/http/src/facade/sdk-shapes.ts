import type { NtpInstanceInfo } from '@ntpass/core';

/**
 * An NTP instance exactly as `@eluvio/elv-client-js` 4.2.15 returns it
 * (`NTPInstance`, `ListNTPInstances`): its `FormatNTPInfo`, keys in its order.
 */
export interface ElvNtpInstance {
  readonly ntpId: string;
  /** `"Class <n>"`. */
  readonly ntpClass: string;
  readonly tenantId: string;
  /** The SDK's key-management id: `elvNtpFacade`'s `kmsId` option. */
  readonly kmsId: string;
  readonly objectId: string;
  /** Epoch ms. */
  readonly updatedAt: number;
  /** Epoch ms; `NaN` when unbounded (the SDK's `parseInt` of an absent value). */
  readonly startTime: number;
  /** Epoch ms; `NaN` when unbounded. While suspended, the suspension time (see the README). */
  readonly endTime: number;
  /** A string of digits. */
  readonly ticketLength: string;
  /** A string of digits. */
  readonly maxRedemptions: string;
  /** 0 means unlimited. */
  readonly maxTickets: number;
  /** Tickets issued so far. */
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
  /** The `offset` asked for. */
  readonly start: number;
  /** `Math.min(total, offset + count)`, as the SDK computes it. */
  readonly end: number;
  readonly total: number;
}

/**
 * The SDK's view of an engine instance, built as `FormatNTPInfo` builds it. A
 * suspended instance shows the SDK's own model of suspension, an end time
 * already past: the earlier of its end and its last update.
 */
export function toElvNtpUpdated(info: NtpInstanceInfo, kmsId: string): ElvUpdatedNtpInstance {
  const endTime = info.state === 'suspended' ? Math.min(info.endTime ?? info.updatedAt, info.updatedAt) : info.endTime;
  return {
    ntpId: info.ntpId,
    ntpClass: `Class ${info.ntpClass}`,
    tenantId: info.tenantId,
    kmsId,
    objectId: info.objectId,
    updatedAt: info.updatedAt,
    startTime: info.startTime ?? Number.NaN,
    endTime: endTime ?? Number.NaN,
    ticketLength: String(info.ticketLength),
    maxRedemptions: String(info.maxRedemptions),
    maxTickets: info.maxTickets,
  };
}

/** {@link toElvNtpUpdated} with the issued count, as `NTPInstance` and `ListNTPInstances` return it. */
export function toElvNtpInstance(info: NtpInstanceInfo, kmsId: string): ElvNtpInstance {
  return { ...toElvNtpUpdated(info, kmsId), issuedTickets: info.issuedTickets };
}
