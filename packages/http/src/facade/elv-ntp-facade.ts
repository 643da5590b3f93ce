import {
  NtpassError,
  type CreateNtpInstanceOptions,
  type Engine,
  type IssueNtpCodeOptions,
  type ListNtpInstancesOptions,
  type NtpInstanceRef,
  type RedeemCodeOptions,
  type RedeemedCode,
  type UpdateNtpInstanceOptions,
} from '@ntpass/core';
import {
  toElvNtpInstance,
  toElvNtpUpdated,
  type ElvIssuedCode,
  type ElvNtpInstance,
  type ElvNtpInstanceList,
  type ElvUpdatedNtpInstance,
} from './sdk-shapes.js';

/** The engine operations the facade calls. */
export type ElvNtpFacadeEngine = Pick<
  Engine,
  | 'createNtpInstance'
  | 'deleteNtpInstance'
  | 'issueNtpCode'
  | 'issueSignedNtpCode'
  | 'listNtpInstances'
  | 'ntpInstance'
  | 'redeemCode'
  | 'suspendNtpInstance'
  | 'updateNtpInstance'
>;

/** The `kmsId` every instance reports when `elvNtpFacade` is given none: ntpass has no KMS. */
export const DEFAULT_ELV_KMS_ID = 'ikmsntpass';

/** Options of {@link elvNtpFacade}. */
export interface ElvNtpFacadeOptions {
  /** Reported as every instance's `kmsId` (the SDK always has one). @default DEFAULT_ELV_KMS_ID (`"ikmsntpass"`) */
  readonly kmsId?: string;
}

/** `RedeemCode`'s options: the SDK's, with `includeNTPId` spelled as it spells it. */
export interface ElvRedeemCodeOptions extends Omit<RedeemCodeOptions, 'includeNtpId'> {
  /** Resolve to `{ objectId, ntpId }` instead of the bare `objectId`. @default false */
  readonly includeNTPId?: boolean;
}

/**
 * The ticket SDK's NTP methods (ElvClient/NTP of `@eluvio/elv-client-js`
 * 4.2.15) over an ntpass engine: same names, parameters, defaults and result
 * shapes, so code written against that SDK runs by changing one import.
 * Failures are `NtpassError`s.
 */
export interface ElvNtpFacade {
  CreateNTPInstance(options: CreateNtpInstanceOptions): Promise<string>;
  DeleteNTPInstance(options: NtpInstanceRef): Promise<void>;
  IssueNTPCode(options: IssueNtpCodeOptions): Promise<ElvIssuedCode>;
  IssueSignedNTPCode(options: IssueNtpCodeOptions): Promise<ElvIssuedCode>;
  ListNTPInstances(options: ListNtpInstancesOptions): Promise<ElvNtpInstanceList>;
  NTPInstance(options: NtpInstanceRef): Promise<ElvNtpInstance>;
  RedeemCode(options: ElvRedeemCodeOptions & { readonly includeNTPId: true }): Promise<RedeemedCode>;
  RedeemCode(options: ElvRedeemCodeOptions): Promise<string | RedeemedCode>;
  SuspendNTPInstance(options: NtpInstanceRef): Promise<void>;
  UpdateNTPInstance(options: UpdateNtpInstanceOptions): Promise<ElvUpdatedNtpInstance>;
}

/** Wraps an engine in the ticket SDK's NTP methods. */
export function elvNtpFacade(engine: ElvNtpFacadeEngine, options: ElvNtpFacadeOptions = {}): ElvNtpFacade {
  const kmsId = options.kmsId ?? DEFAULT_ELV_KMS_ID;
  if (typeof kmsId !== 'string' || kmsId === '') {
    throw new NtpassError('INVALID_ARGUMENT', 'elvNtpFacade: kmsId must be a non-empty string', { field: 'kmsId' });
  }
  const toUser = ({ token, userId }: { token: string; userId: string }): ElvIssuedCode => ({ token, user_id: userId });
  return {
    CreateNTPInstance: (input) => engine.createNtpInstance(input),
    DeleteNTPInstance: (input) => engine.deleteNtpInstance(input),
    IssueNTPCode: async (input) => toUser(await engine.issueNtpCode(sdkIssueOptions(input))),
    IssueSignedNTPCode: async (input) => toUser(await engine.issueSignedNtpCode(sdkIssueOptions(input))),
    ListNTPInstances: async (input) => {
      const page = await engine.listNtpInstances(input);
      return {
        ntpInstances: page.ntpInstances.map((info) => toElvNtpInstance(info, kmsId)),
        start: page.start,
        end: page.end,
        total: page.total,
      };
    },
    NTPInstance: async (input) => toElvNtpInstance(await engine.ntpInstance(input), kmsId),
    RedeemCode: ((input: ElvRedeemCodeOptions) => {
      const { includeNTPId, ...rest } = input ?? ({} as ElvRedeemCodeOptions);
      return engine.redeemCode(includeNTPId === undefined ? rest : { ...rest, includeNtpId: includeNTPId });
    }) as ElvNtpFacade['RedeemCode'],
    SuspendNTPInstance: (input) => engine.suspendNtpInstance(input),
    UpdateNTPInstance: async (input) => toElvNtpUpdated(await engine.updateNtpInstance(sdkUpdateOptions(input)), kmsId),
  };
}

/**
 * What the SDK's `IssueNTPCode` sends: `email` and `maxRedemptions` only when
 * truthy, so `email: ''` and `maxRedemptions: 0` mean "none".
 */
function sdkIssueOptions(input: IssueNtpCodeOptions): IssueNtpCodeOptions {
  if (input === null || typeof input !== 'object') return input;
  const { email, maxRedemptions, ...rest } = input;
  return { ...rest, ...(email ? { email } : {}), ...(maxRedemptions ? { maxRedemptions } : {}) };
}

/**
 * What the SDK's `UpdateNTPInstance` sends: `maxRedemptions` defaults to 100
 * (so an update that leaves it out resets it), and `maxRedemptions`,
 * `maxTickets`, `startTime` and `endTime` are sent only when truthy (so 0,
 * `null` and `''` change nothing).
 */
function sdkUpdateOptions(input: UpdateNtpInstanceOptions): UpdateNtpInstanceOptions {
  if (input === null || typeof input !== 'object') return input;
  const { maxTickets, maxRedemptions = SDK_UPDATE_MAX_REDEMPTIONS, startTime, endTime, ...rest } = input;
  return {
    ...rest,
    ...(maxRedemptions ? { maxRedemptions } : {}),
    ...(startTime ? { startTime } : {}),
    ...(endTime ? { endTime } : {}),
    ...(maxTickets ? { maxTickets } : {}),
  };
}

/** `UpdateNTPInstance`'s own default in the SDK's source. */
const SDK_UPDATE_MAX_REDEMPTIONS = 100;
