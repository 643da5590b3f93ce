import type { TimeInput } from '../time.js';

/*
 * The public shapes of SPEC §3: every option and result of the NTP
 * operations. The zod schemas in `schemas.ts` validate exactly these.
 */

/** An instance's lifecycle state. */
export type NtpInstanceState = 'active' | 'suspended';

/** Names one instance. */
export interface NtpInstanceRef {
  /** The tenant that owns the instance. */
  readonly tenantId: string;
  /** The instance id (`"QOTP"` + 11 base58). */
  readonly ntpId: string;
}

/** Options of `createNtpInstance`. */
export interface CreateNtpInstanceOptions {
  /** The tenant to create the instance in. */
  readonly tenantId: string;
  /** The object the instance's codes grant access to; redeeming returns it. */
  readonly objectId: string;
  /** Group addresses the tickets inherit permissions from. @default [] */
  readonly groupAddresses?: readonly string[];
  /** Class of the instance. @default 4 */
  readonly ntpClass?: number;
  /** Most tickets that may be issued; 0 means unlimited. @default 0 */
  readonly maxTickets?: number;
  /** Most successful redemptions of each ticket (>= 1). @default 100 */
  readonly maxRedemptions?: number;
  /** Codes redeem from this time on; `null` or absent: no start. */
  readonly startTime?: TimeInput | null;
  /** Codes stop redeeming at this time; `null` or absent: no end. */
  readonly endTime?: TimeInput | null;
  /** Characters per code, 4 to 32. @default 6 */
  readonly ticketLength?: number;
  /**
   * **Unsafe.** Opts this instance out of the guessing floor (SPEC §3.2): it
   * issues codes even when the tenant's live codes of its length pass
   * 58^ticketLength / 2^20, so one tenant-wide guess may succeed with
   * probability above 2^-20. Its codes still count toward the tenant's live
   * codes, so other instances keep their floor. Prefer a longer `ticketLength`.
   * @default false
   */
  readonly allowGuessableCodes?: boolean;
}

/** An instance as read. */
export interface NtpInstanceInfo {
  /** The instance id. */
  readonly ntpId: string;
  /** The owning tenant. */
  readonly tenantId: string;
  /** The object its codes grant access to. */
  readonly objectId: string;
  /** Group addresses the tickets inherit permissions from. */
  readonly groupAddresses: readonly string[];
  /** Class of the instance. */
  readonly ntpClass: number;
  /** `"suspended"` after `suspendNtpInstance`, until an update sets `endTime`. */
  readonly state: NtpInstanceState;
  /** Start of the redemption window, epoch ms; absent when unbounded. */
  readonly startTime?: number;
  /** End of the redemption window (exclusive), epoch ms; absent when unbounded. */
  readonly endTime?: number;
  /** Characters per code. */
  readonly ticketLength: number;
  /** Most successful redemptions of each ticket. */
  readonly maxRedemptions: number;
  /** Most tickets that may be issued; 0 means unlimited. */
  readonly maxTickets: number;
  /** Present (`true`) only for an instance opted out of the guessing floor (unsafe). */
  readonly allowGuessableCodes?: true;
  /** Tickets issued so far (revoked ones included; a running bulk issue's reservation included). */
  readonly issuedTickets: number;
  /** Successful redemptions of all its tickets. */
  readonly redemptions: number;
  /** When it was created, epoch ms. */
  readonly createdAt: number;
  /** When it was last changed, epoch ms. */
  readonly updatedAt: number;
}

/** Options of `listNtpInstances`. */
export interface ListNtpInstancesOptions {
  /** The tenant whose instances to list. */
  readonly tenantId: string;
  /** Page size, 1 to 1000. @default 10 */
  readonly count?: number;
  /** How many instances to skip. @default 0 */
  readonly offset?: number;
}

/** One page of a tenant's instances, ordered by (`createdAt`, `ntpId`). */
export interface ListNtpInstancesResult {
  /** The instances of the page. */
  readonly ntpInstances: readonly NtpInstanceInfo[];
  /** The page's offset. */
  readonly start: number;
  /** `min(total, offset + count)`. */
  readonly end: number;
  /** How many instances the tenant has. */
  readonly total: number;
}

/** Options of `updateNtpInstance`: only the fields given change. */
export interface UpdateNtpInstanceOptions extends NtpInstanceRef {
  /** New ticket limit; 0 restores unlimited; below `issuedTickets` stops further issuing. */
  readonly maxTickets?: number;
  /** New per-ticket redemption limit (>= 1); applies to existing tickets too. */
  readonly maxRedemptions?: number;
  /** New start of the window; `null` clears it. */
  readonly startTime?: TimeInput | null;
  /** New end of the window; `null` clears it. Giving it (a time or `null`) ends a suspension. */
  readonly endTime?: TimeInput | null;
}

/** Options of `issueNtpCode` and `issueSignedNtpCode`. */
export interface IssueNtpCodeOptions extends NtpInstanceRef {
  /** Binds the ticket to this email (compared trimmed and lower-cased); blank or `null` means none. */
  readonly email?: string | null;
  /** This ticket's own redemption limit; the instance's limit still applies when lower. */
  readonly maxRedemptions?: number;
}

/** A freshly issued ticket. */
export interface IssuedNtpCode {
  /** The code to hand out (for a signed code, the whole signed token). Shown once; stored only as an HMAC. */
  readonly token: string;
  /** The ticket's user id (`"iusr"` + 28 base58). */
  readonly userId: string;
}

/** Progress of a bulk issue. */
export interface BulkIssueProgress {
  /** Tickets written so far. */
  readonly done: number;
  /** Tickets the call issues. */
  readonly total: number;
}

/** Options of `issueNtpCodes` (bulk issue). Give `count`, or `emails` (one ticket each), or both when they agree. */
export interface IssueNtpCodesOptions extends NtpInstanceRef {
  /** How many codes to issue, 1 to 1 000 000. */
  readonly count?: number;
  /** One ticket per entry, bound to that email (a blank entry: unbound). At most 1 000 000. */
  readonly emails?: readonly (string | null)[];
  /** Every ticket's own redemption limit; the instance's limit still applies when lower. */
  readonly maxRedemptions?: number;
  /**
   * Called as tickets are written and once at the end. A callback that throws
   * aborts the call (nothing of it redeems) and its error propagates.
   */
  readonly onProgress?: (progress: BulkIssueProgress) => void;
}

/** The result of a bulk issue: the tickets, in the order of `emails` when given. */
export interface IssueNtpCodesResult {
  readonly tokens: readonly IssuedNtpCode[];
}

/**
 * The codes of a bulk issue kept packed (about 40 B per code rather than an
 * object per code): for a host that streams a million codes out (the HTTP
 * layer) without holding a million objects. Resolved only once the whole
 * batch has committed, like `issueNtpCodes`.
 */
export interface PackedNtpCodes extends Iterable<IssuedNtpCode> {
  /** How many codes the call issued. */
  readonly count: number;
  /** The code at `index` (0 to `count` - 1), in the order of `emails` when given; a new object each call. */
  at(index: number): IssuedNtpCode;
}

/** Options of `redeemCode` and `ntpCodeStatus`. */
export interface RedeemCodeOptions {
  /** `"/otp/ntp/<tenantId>"` or `"/otp/ntp/<tenantId>/<ntpId>"` (segments URL-encoded); instead of `tenantId`/`ntpId`. */
  readonly issuer?: string;
  /** The tenant; optional for a signed token. */
  readonly tenantId?: string;
  /** The instance; without it the code is looked up among all the tenant's instances. */
  readonly ntpId?: string;
  /** The code, or a whole signed token. */
  readonly code: string;
  /** The email a bound ticket requires; ignored for an unbound ticket. */
  readonly email?: string | null;
  /** Return `{ objectId, ntpId }` instead of the bare `objectId`. @default false */
  readonly includeNtpId?: boolean;
  /** The caller's identity for the brute-force throttle (an IP, a session id). Without it nothing is throttled. */
  readonly clientKey?: string;
}

/** What a redemption grants, with `includeNtpId`. */
export interface RedeemedCode {
  /** The instance's object. */
  readonly objectId: string;
  /** The instance that held the code. */
  readonly ntpId: string;
}

/** Why a code would not redeem. */
export type NtpRedeemRefusal = 'INVALID_CODE' | 'THROTTLED' | 'EXPIRED' | 'NOT_STARTED' | 'REDEMPTION_LIMIT';

/** The result of `ntpCodeStatus`: the checks of a redemption, without redeeming. */
export interface NtpCodeStatus {
  /** Whether `redeemCode` would succeed now. */
  readonly valid: boolean;
  /** The error code `redeemCode` would throw; absent when valid. */
  readonly reason?: NtpRedeemRefusal;
  /** `THROTTLED` only: how long until the client may try again. */
  readonly retryAfterMs?: number;
  /** The instance's object; absent when the code is unknown (`INVALID_CODE`) or the client throttled. */
  readonly objectId?: string;
  /** The instance holding the code; absent when `objectId` is. */
  readonly ntpId?: string;
  /** Successful redemptions of the ticket so far (0 when unknown). */
  readonly redemptions: number;
  /** The ticket's effective limit now: min(its cap, the instance's `maxRedemptions`) (0 when unknown). */
  readonly maxRedemptions: number;
}

/** Options of `listNtpTickets`. */
export interface ListNtpTicketsOptions extends NtpInstanceRef {
  /** Page size, 1 to 1000. @default 10 */
  readonly count?: number;
  /** How many tickets to skip. @default 0 */
  readonly offset?: number;
}

/** One ticket as an operator sees it: never its code or email. */
export interface NtpTicketInfo {
  /** The ticket's user id. */
  readonly userId: string;
  /** Whether it is bound to an email. */
  readonly emailBound: boolean;
  /** Whether it was issued as a signed code. */
  readonly signed: boolean;
  /** Successful redemptions so far. */
  readonly redemptions: number;
  /** Its effective limit now: min(its cap, the instance's `maxRedemptions`). */
  readonly maxRedemptions: number;
  /** Whether it was revoked. */
  readonly revoked: boolean;
  /** When it was issued, epoch ms. */
  readonly issuedAt: number;
}

/** One page of an instance's tickets, in issue order. */
export interface ListNtpTicketsResult {
  readonly tickets: readonly NtpTicketInfo[];
  /** The page's offset. */
  readonly start: number;
  /** `min(total, offset + count)`. */
  readonly end: number;
  /** How many tickets the instance holds. */
  readonly total: number;
}

/** Options of `revokeNtpCode`: the ticket by its code or by its user id. */
export type RevokeNtpCodeOptions =
  | (NtpInstanceRef & {
      /** The ticket's code (or its whole signed token). */
      readonly code: string;
      readonly userId?: undefined;
    })
  | (NtpInstanceRef & {
      /** The ticket's user id. */
      readonly userId: string;
      readonly code?: undefined;
    });

/** Totals of one instance. */
export interface NtpInstanceReport {
  /** Tickets issued (revoked included). */
  readonly issued: number;
  /** Tickets redeemed at least once. */
  readonly redeemedTickets: number;
  /** Successful redemptions of all tickets. */
  readonly totalRedemptions: number;
  /** Tickets revoked. */
  readonly revoked: number;
}
