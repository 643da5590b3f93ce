export { createEngine, type Engine } from './engine.js';
export {
  BUILTIN_METHOD_TYPES,
  DEFAULTS,
  type EngineOptions,
  type KeyInput,
  type LockoutOptions,
  type LockoutPolicy,
  type MethodCardinality,
  type RedeemThrottleOptions,
} from './options.js';
export {
  ERROR_CODES,
  NtpassError,
  isNtpassError,
  type NtpassErrorCode,
  type NtpassErrorDetails,
} from './errors.js';
export type {
  ChangedBy,
  EventHandler,
  InstanceEvent,
  MethodFailureEvent,
  MethodStateEvent,
  NtpClientThrottledEvent,
  NtpGuessingEvent,
  NtpCodeEvent,
  NtpCodeIssuedEvent,
  NtpInstanceEvent,
  NtpassEvent,
  NtpassEventType,
} from './events.js';
export { systemClock, type Clock } from './clock.js';
export { parseTime, type TimeInput } from './time.js';
export { BASE58_ALPHABET } from './ids.js';
export {
  StoreRequestError,
  partitionName,
  type Bound,
  type Check,
  type Commit,
  type CommitApplied,
  type CommitRefused,
  type CommitResult,
  type DropRequest,
  type FieldRef,
  type Fields,
  type IndexEntry,
  type Json,
  type ListRequest,
  type ListResult,
  type Op,
  type ReadRequest,
  type ReadResult,
  type ScanRequest,
  type ScanResult,
  type Store,
  type StoreLimits,
  type StoredRecord,
} from './store.js';
export { fieldsMatch, jsonEqual } from './fields-match.js';
export {
  checkCommitRequest,
  checkCommitValues,
  checkDropRequest,
  checkListRequest,
  checkReadRequest,
  checkScanRequest,
} from './store-request-checks.js';
export { keyedResult } from './keyed-result.js';
export { defineStore, type DefineStoreOptions } from './store-kit/define-store.js';
export { applyCommit } from './store-kit/apply-commit.js';
export type { CounterRow, FetchedRows, RecordRow, RowDriver } from './store-kit/row-driver.js';
// Authentication methods and instances (SPEC §4).
export type { MethodOperations } from './methods/operations.js';
export type {
  AuthenticateFailureReason,
  AuthenticateInput,
  AuthenticateResult,
  InitiateInstanceInput,
  InitiateInstanceResult,
  InstanceInfo,
  InstanceInput,
  InstanceState,
  MethodInfo,
  MethodInfoInput,
  MethodInfoResult,
  MethodInput,
  MethodState,
  VerifyCredential,
  VerifyInput,
} from './methods/types.js';
export {
  INSTANCE_ACTION_TARGET,
  INSTANCE_TABLE,
  METHOD_ACTION_TARGET,
  METHOD_TABLE,
  instanceTransition,
  methodTransition,
  type InstanceAction,
  type MethodAction,
  type MethodStep,
  type TransitionRefusal,
  type TransitionResult,
} from './methods/transition-rules.js';
export { createMethodSchemas, instanceDataSchema, instanceIdSchema, type MethodSchemas } from './methods/schemas.js';
export { MAX_DATA_BYTES, MAX_DATA_DEPTH, MAX_KEPT_DEACTIVATED, MAX_LIVE_INSTANCES } from './methods/limits.js';

// N-time passwords (SPEC §3)
export type { NtpOperations } from './ntp/operations.js';
export type {
  BulkIssueProgress,
  CreateNtpInstanceOptions,
  IssueNtpCodeOptions,
  IssueNtpCodesOptions,
  IssueNtpCodesResult,
  IssuedNtpCode,
  ListNtpInstancesOptions,
  ListNtpInstancesResult,
  ListNtpTicketsOptions,
  ListNtpTicketsResult,
  NtpCodeStatus,
  NtpInstanceInfo,
  NtpInstanceRef,
  NtpInstanceReport,
  NtpInstanceState,
  NtpRedeemRefusal,
  NtpTicketInfo,
  PackedNtpCodes,
  RedeemCodeOptions,
  RedeemedCode,
  RevokeNtpCodeOptions,
  UpdateNtpInstanceOptions,
} from './ntp/types.js';
/** Input schemas of the NTP operations (zod), for building API documents such as OpenAPI. */
export * as ntpSchemas from './ntp/schemas.js';
export { verifySignedCode, type SignedCodePayload } from './signing.js';
/** Why a secret is too weak for `createEngine` (or `undefined`): for a CLI or a server to check its configuration early. */
export { MIN_DISTINCT_SECRET_BYTES, secretWeakness } from './secret-strength.js';
