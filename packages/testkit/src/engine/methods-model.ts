import {
  MAX_KEPT_DEACTIVATED,
  MAX_LIVE_INSTANCES,
  type AuthenticateResult,
  type InstanceInfo,
  type InstanceState,
  type MethodInfo,
  type MethodState,
} from '@ntpass/core';

/*
 * A tiny reference model of SPEC §4 for one user, written independently of
 * the engine: its own transcription of §4.3's tables, plain arrays and
 * numbers, and time as a number. The engine on a real store must agree with
 * it after every step.
 */

/** The two method types the model exercises: one single-instance, one multi-instance. */
export const MODEL_TYPES = ['PASSWORD', 'CM'] as const;
export type ModelType = (typeof MODEL_TYPES)[number];
const SINGLE: ReadonlySet<string> = new Set(['PASSWORD']);

/** The lockout policy a model run uses (the engine gets the same). */
export interface ModelPolicy {
  readonly maxFailedAttempts: number;
  readonly lockoutMs?: number;
  readonly failureResetMs?: number;
}

/** One step of a run. */
export type ModelAction =
  | { readonly kind: 'initiate'; readonly methodType: ModelType; readonly instanceId: string }
  | {
      readonly kind: 'activateInstance' | 'blockInstance' | 'unblockInstance' | 'deactivateInstance';
      readonly methodType: ModelType;
      readonly instanceId: string;
    }
  | { readonly kind: 'blockMethod' | 'unblockMethod' | 'deactivateMethod' | 'activateMethod'; readonly methodType: ModelType }
  | {
      readonly kind: 'authenticate';
      readonly methodType: ModelType;
      readonly instanceId: string | undefined;
      readonly verdict: 'accept' | 'reject' | 'throw';
    }
  | { readonly kind: 'advance'; readonly ms: number };

/** What a step must produce. */
export type Outcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'authenticated'; readonly result: AuthenticateResult }
  | { readonly kind: 'error'; readonly code: string; readonly from?: string; readonly to?: string }
  | { readonly kind: 'verify-threw' };

/** An event reduced to what the model predicts. */
export interface ModelEvent {
  readonly type: string;
  readonly methodType?: string;
  readonly instanceId?: string;
  readonly by?: string;
  readonly failedAttempts?: number;
}

interface ModelInstance {
  readonly instanceId: string;
  readonly methodType: ModelType;
  state: InstanceState;
  readonly createdAt: number;
  lastUsedAt?: number;
}

interface ModelMethod {
  /** What operators set; a lockout is separate. */
  state: MethodState;
  /** Absent: no lockout; null: a permanent one; a number: when it ends. */
  lockedUntil?: number | null;
  failures: number;
  lastFailureAt?: number;
}

/** The whole model state of one user. */
export interface MethodsModel {
  readonly policy: ModelPolicy;
  now: number;
  readonly methods: Record<ModelType, ModelMethod>;
  /** In creation order. */
  instances: ModelInstance[];
}

export function createModel(policy: ModelPolicy, now: number): MethodsModel {
  return {
    policy,
    now,
    methods: { PASSWORD: { state: 'ACTIVE', failures: 0 }, CM: { state: 'ACTIVE', failures: 0 } },
    instances: [],
  };
}

// SPEC §4.3, transcribed again: operator method actions, then instance actions. Absent = refused.
const METHOD_NEXT: Record<MethodState, Partial<Record<string, MethodState>>> = {
  ACTIVE: { blockMethod: 'BLOCKED', deactivateMethod: 'DEACTIVATED' },
  BLOCKED: { unblockMethod: 'ACTIVE', deactivateMethod: 'DEACTIVATED' },
  DEACTIVATED: { activateMethod: 'ACTIVE' },
};
const METHOD_WANTS: Record<string, MethodState> = {
  blockMethod: 'BLOCKED',
  unblockMethod: 'ACTIVE',
  deactivateMethod: 'DEACTIVATED',
  activateMethod: 'ACTIVE',
};
const INSTANCE_NEXT: Record<InstanceState, Partial<Record<string, InstanceState>>> = {
  INITIATED: { activateInstance: 'ACTIVE', deactivateInstance: 'DEACTIVATED' },
  ACTIVE: { blockInstance: 'BLOCKED', deactivateInstance: 'DEACTIVATED' },
  BLOCKED: { unblockInstance: 'ACTIVE', deactivateInstance: 'DEACTIVATED' },
  DEACTIVATED: {},
};
const INSTANCE_WANTS: Record<string, InstanceState> = {
  activateInstance: 'ACTIVE',
  blockInstance: 'BLOCKED',
  unblockInstance: 'ACTIVE',
  deactivateInstance: 'DEACTIVATED',
};
const METHOD_EVENT: Record<string, string> = {
  blockMethod: 'method.blocked',
  unblockMethod: 'method.unblocked',
  deactivateMethod: 'method.deactivated',
  activateMethod: 'method.activated',
};
const INSTANCE_EVENT: Record<string, string> = {
  activateInstance: 'instance.activated',
  blockInstance: 'instance.blocked',
  unblockInstance: 'instance.unblocked',
  deactivateInstance: 'instance.deactivated',
};

/** Lets time act: a lockout that has run out ends with its count; an old failure count restarts. */
function settle(model: MethodsModel): void {
  const { failureResetMs } = model.policy;
  for (const method of Object.values(model.methods)) {
    if (method.lockedUntil !== undefined) {
      if (method.lockedUntil !== null && model.now >= method.lockedUntil) {
        delete method.lockedUntil;
        method.failures = 0;
      }
    } else if (failureResetMs !== undefined && method.lastFailureAt !== undefined && model.now >= method.lastFailureAt + failureResetMs) {
      method.failures = 0;
    }
  }
}

function effective(method: ModelMethod): MethodState {
  return method.state === 'ACTIVE' && method.lockedUntil !== undefined ? 'BLOCKED' : method.state;
}

const live = (i: ModelInstance) => i.state !== 'DEACTIVATED';
const error = (code: string, from?: string, to?: string): Outcome =>
  from === undefined ? { kind: 'error', code } : { kind: 'error', code, from, to: to! };
const done: Outcome = { kind: 'done' };

/** Applies one action to the model (in place) and returns what the engine must answer and emit. */
export function applyToModel(model: MethodsModel, action: ModelAction): { outcome: Outcome; events: ModelEvent[] } {
  if (action.kind === 'advance') {
    model.now += action.ms;
    settle(model);
    return { outcome: done, events: [] };
  }
  settle(model);
  const method = model.methods[action.methodType];
  const { methodType } = action;
  const find = (id: string) => model.instances.find((i) => i.instanceId === id && i.methodType === methodType);
  const none = { events: [] };

  switch (action.kind) {
    case 'initiate': {
      const state = effective(method);
      if (state === 'BLOCKED') return { outcome: error('METHOD_BLOCKED'), ...none };
      if (state === 'DEACTIVATED') return { outcome: error('METHOD_DEACTIVATED'), ...none };
      if (model.instances.some((i) => i.instanceId === action.instanceId)) return { outcome: error('INVALID_ARGUMENT'), ...none };
      const mine = model.instances.filter((i) => i.methodType === methodType);
      if (mine.filter(live).length >= MAX_LIVE_INSTANCES) return { outcome: error('INVALID_ARGUMENT'), ...none };
      const dead = mine.filter((i) => !live(i));
      const forget = new Set(dead.slice(0, Math.max(0, dead.length - MAX_KEPT_DEACTIVATED)));
      model.instances = model.instances.filter((i) => !forget.has(i));
      model.instances.push({ instanceId: action.instanceId, methodType, state: 'INITIATED', createdAt: model.now });
      return { outcome: done, events: [{ type: 'instance.initiated', methodType, instanceId: action.instanceId }] };
    }
    case 'activateInstance':
    case 'blockInstance':
    case 'unblockInstance':
    case 'deactivateInstance': {
      const instance = find(action.instanceId);
      if (!instance) return { outcome: error('NOT_FOUND'), ...none };
      if (action.kind === 'activateInstance') {
        const state = effective(method);
        if (state === 'BLOCKED') return { outcome: error('METHOD_BLOCKED'), ...none };
        if (state === 'DEACTIVATED') return { outcome: error('METHOD_DEACTIVATED'), ...none };
      }
      const next = INSTANCE_NEXT[instance.state][action.kind];
      if (!next) return { outcome: error('INVALID_TRANSITION', instance.state, INSTANCE_WANTS[action.kind]), ...none };
      instance.state = next;
      const events: ModelEvent[] = [{ type: INSTANCE_EVENT[action.kind]!, methodType, instanceId: instance.instanceId }];
      if (action.kind === 'activateInstance' && SINGLE.has(methodType)) {
        for (const other of model.instances) {
          if (other !== instance && other.methodType === methodType && live(other)) {
            other.state = 'DEACTIVATED';
            events.push({ type: 'instance.deactivated', methodType, instanceId: other.instanceId });
          }
        }
      }
      return { outcome: done, events };
    }
    case 'blockMethod':
    case 'unblockMethod':
    case 'deactivateMethod':
    case 'activateMethod': {
      const from = effective(method);
      const next = METHOD_NEXT[from][action.kind];
      if (!next) return { outcome: error('INVALID_TRANSITION', from, METHOD_WANTS[action.kind]), ...none };
      method.state = next;
      const events: ModelEvent[] = [{ type: METHOD_EVENT[action.kind]!, methodType, by: 'operator' }];
      if (action.kind === 'unblockMethod' || action.kind === 'activateMethod') {
        delete method.lockedUntil;
        method.failures = 0;
      }
      if (action.kind === 'deactivateMethod') {
        for (const i of model.instances) {
          if (i.methodType === methodType && live(i)) {
            i.state = 'DEACTIVATED';
            events.push({ type: 'instance.deactivated', methodType, instanceId: i.instanceId });
          }
        }
      }
      return { outcome: done, events };
    }
    case 'authenticate':
      return authenticateModel(model, method, action);
  }
}

function authenticateModel(
  model: MethodsModel,
  method: ModelMethod,
  action: Extract<ModelAction, { kind: 'authenticate' }>,
): { outcome: Outcome; events: ModelEvent[] } {
  const { methodType } = action;
  const limit = model.policy.maxFailedAttempts;
  const mine = model.instances.filter((i) => i.methodType === methodType);
  let instance: ModelInstance | undefined;
  if (action.instanceId !== undefined) {
    instance = mine.find((i) => i.instanceId === action.instanceId);
    if (!instance) return { outcome: error('NOT_FOUND'), events: [] };
  } else {
    const active = mine.filter((i) => i.state === 'ACTIVE');
    if (active.length > 1) return { outcome: error('INVALID_ARGUMENT'), events: [] };
    const liveOnes = mine.filter(live);
    instance = active[0] ?? (liveOnes.length === 1 ? liveOnes[0] : undefined);
  }
  const state = effective(method);
  const reason =
    state === 'BLOCKED'
      ? 'METHOD_BLOCKED'
      : state === 'DEACTIVATED'
        ? 'METHOD_DEACTIVATED'
        : !instance
          ? 'NO_INSTANCE'
          : ({ INITIATED: 'INSTANCE_NOT_ACTIVE', ACTIVE: undefined, BLOCKED: 'INSTANCE_BLOCKED', DEACTIVATED: 'INSTANCE_DEACTIVATED' } as const)[
              instance.state
            ];
  const result = (ok: boolean, r: AuthenticateResult['reason']): AuthenticateResult => {
    const failedAttempts = Math.min(method.failures, limit);
    return {
      ok,
      ...(instance ? { instanceId: instance.instanceId } : {}),
      state: effective(method),
      failedAttempts,
      remainingAttempts: Math.max(0, limit - failedAttempts),
      ...(r === undefined ? {} : { reason: r }),
    };
  };
  if (reason !== undefined || !instance) return { outcome: { kind: 'authenticated', result: result(false, reason) }, events: [] };
  if (action.verdict === 'throw') return { outcome: { kind: 'verify-threw' }, events: [] };
  if (action.verdict === 'accept') {
    method.failures = 0;
    instance.lastUsedAt = model.now;
    return { outcome: { kind: 'authenticated', result: result(true, undefined) }, events: [] };
  }
  method.failures += 1;
  method.lastFailureAt = model.now;
  const events: ModelEvent[] = [{ type: 'method.failure', methodType, failedAttempts: method.failures }];
  if (method.failures >= limit) {
    method.failures = limit;
    method.lockedUntil = model.policy.lockoutMs === undefined ? null : model.now + model.policy.lockoutMs;
    events.push({ type: 'method.blocked', methodType, by: 'lockout' });
  }
  return { outcome: { kind: 'authenticated', result: result(false, 'INVALID_CREDENTIALS') }, events };
}

/** What `methodInfo` must answer for `methodTypes`, now. */
export function expectedInfo(model: MethodsModel, methodTypes: readonly ModelType[]): MethodInfo[] {
  settle(model);
  const limit = model.policy.maxFailedAttempts;
  return methodTypes.map((methodType) => {
    const method = model.methods[methodType];
    const instances = model.instances
      .filter((i) => i.methodType === methodType)
      .map(
        (i): InstanceInfo => ({
          instanceId: i.instanceId,
          state: i.state,
          createdAt: i.createdAt,
          ...(i.lastUsedAt === undefined ? {} : { lastUsedAt: i.lastUsedAt }),
        }),
      );
    const failedAttempts = Math.min(method.failures, limit);
    const state = effective(method);
    const until = state === 'BLOCKED' && typeof method.lockedUntil === 'number' ? { blockedUntil: method.lockedUntil } : {};
    return {
      methodType,
      state,
      activeInstances: instances.filter((i) => i.state === 'ACTIVE').length,
      instances,
      failedAttempts,
      remainingAttempts: Math.max(0, limit - failedAttempts),
      ...until,
    };
  });
}

/** The instances of a type the model holds, oldest first. */
export function instancesOfType(model: MethodsModel, methodType: ModelType): { instanceId: string; state: InstanceState }[] {
  return model.instances.filter((i) => i.methodType === methodType).map(({ instanceId, state }) => ({ instanceId, state }));
}

/** A method's state as the engine must show it now. */
export function methodStateOf(model: MethodsModel, methodType: ModelType): MethodState {
  settle(model);
  return effective(model.methods[methodType]);
}

/** The operator actions SPEC §4.3 allows on a method in `state`, and on an instance in `state`. */
export const ALLOWED = {
  method: (state: MethodState): string[] => Object.keys(METHOD_NEXT[state]),
  instance: (state: InstanceState): string[] => Object.keys(INSTANCE_NEXT[state]),
};
