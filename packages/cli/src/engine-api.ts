/*
 * The engine operations the CLI calls (SPEC §3, §4), as the CLI sees them.
 * TEMPORARY: replaced by `Pick<Engine, …>` from @ntpass/core once the NTP and
 * method operations are merged; the shapes follow SPEC.
 */

export interface NtpInstanceInfo {
  readonly ntpId: string;
  readonly tenantId: string;
  readonly objectId: string;
  readonly groupAddresses: readonly string[];
  readonly ntpClass: number;
  readonly state: 'active' | 'suspended';
  readonly startTime?: number;
  readonly endTime?: number;
  readonly ticketLength: number;
  readonly maxRedemptions: number;
  readonly maxTickets: number;
  readonly issuedTickets: number;
  readonly redemptions: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface NtpTicketInfo {
  readonly userId: string;
  readonly emailBound: boolean;
  readonly signed: boolean;
  readonly redemptions: number;
  readonly maxRedemptions: number;
  readonly revoked: boolean;
  readonly issuedAt: number;
}

export interface IssuedNtpCode {
  readonly token: string;
  readonly userId: string;
}

export interface NtpCodeStatus {
  readonly valid: boolean;
  readonly reason?: string;
  readonly retryAfterMs?: number;
  readonly objectId?: string;
  readonly ntpId?: string;
  readonly redemptions: number;
  readonly maxRedemptions: number;
}

export interface NtpInstanceReport {
  readonly issued: number;
  readonly redeemedTickets: number;
  readonly totalRedemptions: number;
  readonly revoked: number;
}

export interface MethodInfo {
  readonly methodType: string;
  readonly state: string;
  readonly activeInstances: number;
  readonly instances: readonly { readonly instanceId: string; readonly state: string; readonly createdAt: number; readonly lastUsedAt?: number }[];
  readonly failedAttempts: number;
  readonly remainingAttempts: number;
  readonly blockedUntil?: number;
}

interface Ref {
  readonly tenantId: string;
  readonly ntpId: string;
}

interface RedeemInput {
  readonly tenantId?: string;
  readonly ntpId?: string;
  readonly code: string;
  readonly email?: string | null;
  readonly includeNtpId?: boolean;
}

interface MethodRef {
  readonly tenantId?: string;
  readonly muid: string;
  readonly methodType: string;
}

export interface CliEngine {
  createNtpInstance(input: {
    readonly tenantId: string;
    readonly objectId: string;
    readonly groupAddresses?: readonly string[];
    readonly ntpClass?: number;
    readonly maxTickets?: number;
    readonly maxRedemptions?: number;
    readonly startTime?: number | null;
    readonly endTime?: number | null;
    readonly ticketLength?: number;
  }): Promise<string>;
  ntpInstance(input: Ref): Promise<NtpInstanceInfo>;
  listNtpInstances(input: { readonly tenantId: string; readonly count?: number; readonly offset?: number }): Promise<{
    readonly ntpInstances: readonly NtpInstanceInfo[];
    readonly start: number;
    readonly end: number;
    readonly total: number;
  }>;
  updateNtpInstance(
    input: Ref & { readonly maxTickets?: number; readonly maxRedemptions?: number; readonly startTime?: number | null; readonly endTime?: number | null },
  ): Promise<NtpInstanceInfo>;
  suspendNtpInstance(input: Ref): Promise<void>;
  deleteNtpInstance(input: Ref): Promise<void>;
  issueNtpCode(input: Ref & { readonly email?: string | null; readonly maxRedemptions?: number }): Promise<IssuedNtpCode>;
  issueNtpCodes(
    input: Ref & {
      readonly count?: number;
      readonly emails?: readonly (string | null)[];
      readonly maxRedemptions?: number;
      readonly onProgress?: (progress: { readonly done: number; readonly total: number }) => void;
    },
  ): Promise<{ readonly tokens: readonly IssuedNtpCode[] }>;
  redeemCode(input: RedeemInput): Promise<string | { readonly objectId: string; readonly ntpId: string }>;
  ntpCodeStatus(input: RedeemInput): Promise<NtpCodeStatus>;
  listNtpTickets(input: Ref & { readonly count?: number; readonly offset?: number }): Promise<{
    readonly tickets: readonly NtpTicketInfo[];
    readonly start: number;
    readonly end: number;
    readonly total: number;
  }>;
  revokeNtpCode(input: (Ref & { readonly code: string }) | (Ref & { readonly userId: string })): Promise<void>;
  ntpInstanceReport(input: Ref): Promise<NtpInstanceReport>;
  methodInfo(input: { readonly tenantId?: string; readonly muid: string; readonly methodTypes: readonly string[] }): Promise<{
    readonly methodInfo: readonly MethodInfo[];
  }>;
  blockMethod(input: MethodRef): Promise<void>;
  unblockMethod(input: MethodRef): Promise<void>;
  deactivateMethod(input: MethodRef): Promise<void>;
  activateMethod(input: MethodRef): Promise<void>;
  blockInstance(input: MethodRef & { readonly instanceId: string }): Promise<void>;
  unblockInstance(input: MethodRef & { readonly instanceId: string }): Promise<void>;
  deactivateInstance(input: MethodRef & { readonly instanceId: string }): Promise<void>;
  activateInstance(input: MethodRef & { readonly instanceId: string }): Promise<void>;
  close(): Promise<void>;
}
