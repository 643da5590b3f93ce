import type { Json } from '../store.js';

/** A method's state (SPEC §4.1). A method never seen is `ACTIVE`. */
export type MethodState = 'ACTIVE' | 'BLOCKED' | 'DEACTIVATED';

/** An instance's state (SPEC §4.1). Every state but `DEACTIVATED` is live. */
export type InstanceState = 'INITIATED' | 'ACTIVE' | 'BLOCKED' | 'DEACTIVATED';

/** Names one method of one user. */
export interface MethodInput {
  /** The tenant. @default the engine's `defaultTenantId` */
  readonly tenantId?: string;
  /** The user (1–256 characters). */
  readonly muid: string;
  /** A known method type: built-in or configured through `createEngine({ methodTypes })`. */
  readonly methodType: string;
}

/** Names one instance of one method of one user. */
export interface InstanceInput extends MethodInput {
  /** The instance, as `initiateInstance` returned it or as the host chose it. */
  readonly instanceId: string;
}

/** Input of `methodInfo`. */
export interface MethodInfoInput {
  /** The tenant. @default the engine's `defaultTenantId` */
  readonly tenantId?: string;
  /** The user (1–256 characters). */
  readonly muid: string;
  /** The method types to describe, at least one; the answer keeps this order. */
  readonly methodTypes: readonly string[];
}

/** One instance as `methodInfo` shows it. */
export interface InstanceInfo {
  readonly instanceId: string;
  readonly state: InstanceState;
  /** When it was initiated (epoch ms). */
  readonly createdAt: number;
  /** When it last authenticated successfully (epoch ms); absent if never. */
  readonly lastUsedAt?: number;
}

/** One method as `methodInfo` shows it: exactly these keys, optional ones absent rather than `undefined`. */
export interface MethodInfo {
  readonly methodType: string;
  readonly state: MethodState;
  /** How many of its instances are `ACTIVE`. */
  readonly activeInstances: number;
  /** Its instances, oldest first (live ones and the most recent deactivated ones). */
  readonly instances: readonly InstanceInfo[];
  /** Failed attempts counted toward the lockout. */
  readonly failedAttempts: number;
  /** `max(0, maxFailedAttempts - failedAttempts)`. */
  readonly remainingAttempts: number;
  /** When a temporary lockout (`lockout.lockoutMs`) ends (epoch ms); present only while one runs. */
  readonly blockedUntil?: number;
}

/** Result of `methodInfo`. */
export interface MethodInfoResult {
  /** One entry per requested method type, in the order asked. */
  readonly methodInfo: readonly MethodInfo[];
}

/** Input of `initiateInstance`. */
export interface InitiateInstanceInput extends MethodInput {
  /** The new instance's id (1–256 characters, unique within the user). @default `"<METHODTYPE>:<uuid>:<muid>"` */
  readonly instanceId?: string;
  /** The host's own data for the instance (a credential reference, a phone number): JSON of at most 4 KiB. */
  readonly data?: Json;
}

/** Result of `initiateInstance`. */
export interface InitiateInstanceResult {
  /** The new instance, in state `INITIATED`. */
  readonly instanceId: string;
}

/** What the host's `verify` receives. */
export interface VerifyInput {
  /** The instance being used. */
  readonly instanceId: string;
  /** The data given to `initiateInstance`, or `null` if none was. */
  readonly data: Json | null;
}

/**
 * The host's own credential check. Return `true` for a valid credential,
 * anything else counts as a failure. If it throws (or rejects) the error
 * propagates from `authenticate` and no failure is counted.
 */
export type VerifyCredential = (input: VerifyInput) => boolean | Promise<boolean>;

/** Input of `authenticate`. */
export interface AuthenticateInput extends MethodInput {
  /** The instance to use. @default the method's single `ACTIVE` instance */
  readonly instanceId?: string;
  /** The host's credential check; called only when the method and the instance are both `ACTIVE`. */
  readonly verify: VerifyCredential;
}

/** Why an authentication did not succeed. */
export type AuthenticateFailureReason =
  | 'INVALID_CREDENTIALS'
  | 'METHOD_BLOCKED'
  | 'METHOD_DEACTIVATED'
  | 'INSTANCE_BLOCKED'
  | 'INSTANCE_DEACTIVATED'
  | 'INSTANCE_NOT_ACTIVE'
  | 'NO_INSTANCE';

/** Result of `authenticate`. */
export interface AuthenticateResult {
  /** True only when `verify` accepted the credential and the success was recorded. */
  readonly ok: boolean;
  /** The instance that was used, when one was found. */
  readonly instanceId?: string;
  /** The method's state after the call. */
  readonly state: MethodState;
  /** Failed attempts after the call (0 after a success). */
  readonly failedAttempts: number;
  /** `max(0, maxFailedAttempts - failedAttempts)` after the call. */
  readonly remainingAttempts: number;
  /** Present exactly when `ok` is false. */
  readonly reason?: AuthenticateFailureReason;
}
