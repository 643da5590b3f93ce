import type { EngineContext } from '../context.js';
import { createAuthentication } from './authenticate.js';
import { createInstanceActions } from './instance-actions.js';
import { createMethodActions } from './method-actions.js';
import { createMethodInfo } from './method-info.js';
import { createMethodRuntime } from './runtime.js';
import type {
  AuthenticateInput,
  AuthenticateResult,
  InitiateInstanceInput,
  InitiateInstanceResult,
  InstanceInput,
  MethodInfoInput,
  MethodInfoResult,
  MethodInput,
} from './types.js';

/**
 * The authentication method and instance operations of SPEC §4. Each takes
 * one options object; `tenantId` defaults to the engine's `defaultTenantId`.
 * Failures are `NtpassError`s: `INVALID_ARGUMENT` (naming the field),
 * `NOT_FOUND` (unknown instance), `INVALID_TRANSITION` (with `from` and
 * `to`), `METHOD_BLOCKED`, `METHOD_DEACTIVATED`, `CONFLICT`,
 * `STORE_UNAVAILABLE`. A call that throws a rule error changed nothing.
 */
export interface MethodOperations {
  /** State, instances and failure counts of some methods of a user, in the order asked. */
  methodInfo(input: MethodInfoInput): Promise<MethodInfoResult>;
  /** Creates an INITIATED instance carrying the host's `data`; refused on a BLOCKED or DEACTIVATED method. */
  initiateInstance(input: InitiateInstanceInput): Promise<InitiateInstanceResult>;
  /** INITIATED → ACTIVE; for a single-instance type the other live instances become DEACTIVATED in the same step. */
  activateInstance(input: InstanceInput): Promise<void>;
  /** ACTIVE → BLOCKED. The method is left as it is. */
  blockInstance(input: InstanceInput): Promise<void>;
  /** BLOCKED → ACTIVE. The method is left as it is. */
  unblockInstance(input: InstanceInput): Promise<void>;
  /** Any live state → DEACTIVATED, for good. The method is left as it is. */
  deactivateInstance(input: InstanceInput): Promise<void>;
  /** ACTIVE → BLOCKED by an operator (never ends by itself). Instances are left as they are. */
  blockMethod(input: MethodInput): Promise<void>;
  /** BLOCKED (by an operator or the lockout) → ACTIVE, failures reset. Instances are left as they are. */
  unblockMethod(input: MethodInput): Promise<void>;
  /** ACTIVE or BLOCKED → DEACTIVATED, and every live instance with it. */
  deactivateMethod(input: MethodInput): Promise<void>;
  /** DEACTIVATED → ACTIVE, failures reset. Its instances stay DEACTIVATED. */
  activateMethod(input: MethodInput): Promise<void>;
  /**
   * Checks a credential with the host's `verify` (called only when the method
   * and the instance are both ACTIVE) and records the outcome: a failure
   * counts toward the lockout, a success resets the count. Rule outcomes are
   * values (`ok`, `reason`); a `verify` that throws propagates and counts
   * nothing.
   */
  authenticate(input: AuthenticateInput): Promise<AuthenticateResult>;
}

export function createMethodOperations(ctx: EngineContext): MethodOperations {
  const rt = createMethodRuntime(ctx);
  return {
    ...createMethodInfo(rt),
    ...createInstanceActions(rt),
    ...createMethodActions(rt),
    ...createAuthentication(rt),
  };
}
