import { NtpassError } from '../errors.js';
import type { InstanceState, MethodState } from './types.js';

/*
 * SPEC §4.3's two tables, held as data so the code cannot drift from them:
 * an absent cell is a refused transition. The functions below only look
 * cells up; they touch no store, no clock and no ids.
 */

/** What can happen to a method: the four operator actions and the lockout. */
export type MethodAction = 'block' | 'unblock' | 'deactivate' | 'activate' | 'lockout';

/** What can happen to an instance. */
export type InstanceAction = 'activate' | 'block' | 'unblock' | 'deactivate';

/** One allowed cell of the method table: the next state and what comes with it. */
export interface MethodStep {
  readonly to: MethodState;
  /** The failure count restarts at 0 (unblock, activate). */
  readonly resetFailures: boolean;
  /** Every live instance of the method becomes DEACTIVATED in the same step (deactivate). */
  readonly deactivateLiveInstances: boolean;
}

const step = (to: MethodState, extra: Partial<Omit<MethodStep, 'to'>> = {}): MethodStep => ({
  to,
  resetFailures: extra.resetFailures ?? false,
  deactivateLiveInstances: extra.deactivateLiveInstances ?? false,
});

/** SPEC §4.3, method transitions. Columns: block, unblock, deactivate, activate, failure reaches limit. */
export const METHOD_TABLE: { readonly [S in MethodState]: { readonly [A in MethodAction]?: MethodStep } } = {
  ACTIVE: {
    block: step('BLOCKED'),
    deactivate: step('DEACTIVATED', { deactivateLiveInstances: true }),
    lockout: step('BLOCKED'),
  },
  BLOCKED: {
    unblock: step('ACTIVE', { resetFailures: true }),
    deactivate: step('DEACTIVATED', { deactivateLiveInstances: true }),
  },
  DEACTIVATED: {
    activate: step('ACTIVE', { resetFailures: true }),
  },
};

/** SPEC §4.3, instance transitions. Columns: activate, block, unblock, deactivate. */
export const INSTANCE_TABLE: { readonly [S in InstanceState]: { readonly [A in InstanceAction]?: InstanceState } } = {
  INITIATED: { activate: 'ACTIVE', deactivate: 'DEACTIVATED' },
  ACTIVE: { block: 'BLOCKED', deactivate: 'DEACTIVATED' },
  BLOCKED: { unblock: 'ACTIVE', deactivate: 'DEACTIVATED' },
  DEACTIVATED: {},
};

/** The state each method action asks for: the `to` of a refused transition. */
export const METHOD_ACTION_TARGET: { readonly [A in MethodAction]: MethodState } = {
  block: 'BLOCKED',
  unblock: 'ACTIVE',
  deactivate: 'DEACTIVATED',
  activate: 'ACTIVE',
  lockout: 'BLOCKED',
};

/** The state each instance action asks for: the `to` of a refused transition. */
export const INSTANCE_ACTION_TARGET: { readonly [A in InstanceAction]: InstanceState } = {
  activate: 'ACTIVE',
  block: 'BLOCKED',
  unblock: 'ACTIVE',
  deactivate: 'DEACTIVATED',
};

/** A refused transition: where the subject was and where the action wanted it. */
export interface TransitionRefusal<S extends string> {
  readonly from: S;
  readonly to: S;
}

/** The outcome of a pure transition. */
export type TransitionResult<S extends string, N> = { readonly next: N } | { readonly error: TransitionRefusal<S> };

/** Looks up a method transition in {@link METHOD_TABLE}. */
export function methodTransition(from: MethodState, action: MethodAction): TransitionResult<MethodState, MethodStep> {
  const next = METHOD_TABLE[from][action];
  return next ? { next } : { error: { from, to: METHOD_ACTION_TARGET[action] } };
}

/** Looks up an instance transition in {@link INSTANCE_TABLE}. */
export function instanceTransition(
  from: InstanceState,
  action: InstanceAction,
): TransitionResult<InstanceState, InstanceState> {
  const next = INSTANCE_TABLE[from][action];
  return next ? { next } : { error: { from, to: INSTANCE_ACTION_TARGET[action] } };
}

/** Live instances are those not DEACTIVATED (SPEC §4.1). */
export function isLive(state: InstanceState): boolean {
  return state !== 'DEACTIVATED';
}

/** The public error for a refused transition: `blockMethod: method PASSWORD cannot go from BLOCKED to BLOCKED`. */
export function invalidTransition(operation: string, subject: string, refusal: TransitionRefusal<string>): NtpassError {
  return new NtpassError(
    'INVALID_TRANSITION',
    `${operation}: ${subject} cannot go from ${refusal.from} to ${refusal.to}`,
    { from: refusal.from, to: refusal.to },
  );
}
