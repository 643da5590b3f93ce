import type { EngineContext } from '../context.js';
import { createAdminOperations } from './admin.js';
import { createBatches } from './batches.js';
import { createBulkIssue } from './bulk-issue.js';
import { createDeleteOperation } from './delete-instance.js';
import { createDirectory } from './directory.js';
import { createInstanceOperations } from './instance-operations.js';
import { createIssueOperations } from './issue.js';
import { createPurger } from './purge.js';
import { createRedeemOperations } from './redeem.js';
import { createNtpRuntime } from './runtime.js';
import { createThrottle } from './throttle.js';
import { createGuessingAlert } from './guessing-alert.js';
import { createLiveCodes } from './guessing-floor.js';
import type {
  CreateNtpInstanceOptions,
  IssueNtpCodeOptions,
  IssueNtpCodesOptions,
  IssueNtpCodesResult,
  IssuedNtpCode,
  PackedNtpCodes,
  ListNtpInstancesOptions,
  ListNtpInstancesResult,
  ListNtpTicketsOptions,
  ListNtpTicketsResult,
  NtpCodeStatus,
  NtpInstanceInfo,
  NtpInstanceRef,
  NtpInstanceReport,
  RedeemCodeOptions,
  RedeemedCode,
  RevokeNtpCodeOptions,
  UpdateNtpInstanceOptions,
} from './types.js';

/** The n-time-password operations of SPEC §3. Each validates its options and throws `NtpassError`. */
export interface NtpOperations {
  /** Creates an instance; resolves to its `ntpId`. */
  createNtpInstance(options: CreateNtpInstanceOptions): Promise<string>;
  /** An instance with its counters; `NOT_FOUND` if it does not exist (or was deleted). */
  ntpInstance(options: NtpInstanceRef): Promise<NtpInstanceInfo>;
  /** A page of the tenant's instances, ordered by (`createdAt`, `ntpId`). */
  listNtpInstances(options: ListNtpInstancesOptions): Promise<ListNtpInstancesResult>;
  /** Changes only the fields given; giving `endTime` (a time or `null`) ends a suspension. */
  updateNtpInstance(options: UpdateNtpInstanceOptions): Promise<NtpInstanceInfo>;
  /** From the moment it resolves, no code of the instance redeems or is issued (`EXPIRED`) until an update sets `endTime`. */
  suspendNtpInstance(options: NtpInstanceRef): Promise<void>;
  /** Irreversible: from the moment it resolves the instance is `NOT_FOUND`; its tickets are purged in the background. */
  deleteNtpInstance(options: NtpInstanceRef): Promise<void>;
  /** Issues one code (`TICKET_LIMIT` at `maxTickets`, `EXPIRED` when suspended or ended). */
  issueNtpCode(options: IssueNtpCodeOptions): Promise<IssuedNtpCode>;
  /** Issues up to 1 000 000 codes, all or nothing. */
  issueNtpCodes(options: IssueNtpCodesOptions): Promise<IssueNtpCodesResult>;
  /** `issueNtpCodes` with the codes kept packed, read by position or iterated: for streaming a million codes in bounded memory. */
  issueNtpCodesPacked(options: IssueNtpCodesOptions): Promise<PackedNtpCodes>;
  /** Issues one code as an Ed25519-signed token; needs `createEngine({ signingKey })`. */
  issueSignedNtpCode(options: IssueNtpCodeOptions): Promise<IssuedNtpCode>;
  /** Redeems a code: the instance's `objectId`, or `{ objectId, ntpId }` with `includeNtpId`. */
  redeemCode(options: RedeemCodeOptions & { readonly includeNtpId: true }): Promise<RedeemedCode>;
  redeemCode(options: RedeemCodeOptions & { readonly includeNtpId?: false }): Promise<string>;
  redeemCode(options: RedeemCodeOptions): Promise<string | RedeemedCode>;
  /** The checks of `redeemCode` without redeeming. */
  ntpCodeStatus(options: RedeemCodeOptions): Promise<NtpCodeStatus>;
  /** A page of an instance's tickets, in issue order; never their codes or emails. */
  listNtpTickets(options: ListNtpTicketsOptions): Promise<ListNtpTicketsResult>;
  /** Stops a ticket from redeeming; it still counts against `maxTickets`. */
  revokeNtpCode(options: RevokeNtpCodeOptions): Promise<void>;
  /** Totals of an instance. */
  ntpInstanceReport(options: NtpInstanceRef): Promise<NtpInstanceReport>;
}

export function createNtpOperations(ctx: EngineContext): NtpOperations {
  const rt = createNtpRuntime(ctx);
  const directory = createDirectory(rt);
  const live = createLiveCodes(rt);
  const batches = createBatches(rt, directory, live);
  const purger = createPurger(rt, directory, live);
  // Purges a previous engine left unfinished; costs one `list` when there are none.
  purger.resumeAll();
  return {
    ...createInstanceOperations(rt),
    deleteNtpInstance: createDeleteOperation(rt, purger),
    ...createIssueOperations(rt, directory, batches, live),
    ...createBulkIssue(rt, directory, batches, live),
    ...createRedeemOperations(rt, directory, createThrottle(rt), createGuessingAlert(rt.ctx)),
    ...createAdminOperations(rt, live),
  };
}
