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
  COMMIT_ID_RETENTION_MS,
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
export {
  checkCommitRequest,
  checkDropRequest,
  checkListRequest,
  checkReadRequest,
  checkScanRequest,
} from './store-request-checks.js';
