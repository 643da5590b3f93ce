import { failuresKey, instanceKey, lockoutKey, methodKey } from '../layout.js';
import { invalidArgument } from '../errors.js';
import type { NtpassEvent } from '../events.js';
import type { ResolvedLockoutPolicy } from '../options.js';
import type { Check, Op } from '../store.js';
import { RETRY, retrying } from '../retry.js';
import { parseInput } from '../validate.js';
import { methodConflict, type MethodRuntime } from './runtime.js';
import { requireInstance } from './guards.js';
import { instancesOf, methodOf, type LoadedInstance, type MethodSnapshot, type UserSnapshot } from './load.js';
import { methodView, planFailure, type FailurePlan, type MethodView } from './lockout-rules.js';
import { isLive } from './transition-rules.js';
import { methodEvent } from './method-events.js';
import { encode, versionCheck } from './storage.js';
import type { MethodTarget } from './target.js';
import type { AuthenticateFailureReason, AuthenticateInput, AuthenticateResult, InstanceState, VerifyCredential } from './types.js';

const INSTANCE_REASON: { readonly [S in InstanceState]?: AuthenticateFailureReason } = {
  INITIATED: 'INSTANCE_NOT_ACTIVE',
  BLOCKED: 'INSTANCE_BLOCKED',
  DEACTIVATED: 'INSTANCE_DEACTIVATED',
};

/** Why the method and instance cannot authenticate now, or `undefined` when both are ACTIVE. */
function refusalReason(view: MethodView, instance: LoadedInstance | undefined): AuthenticateFailureReason | undefined {
  if (view.state === 'BLOCKED') return 'METHOD_BLOCKED';
  if (view.state === 'DEACTIVATED') return 'METHOD_DEACTIVATED';
  if (!instance) return 'NO_INSTANCE';
  return INSTANCE_REASON[instance.record.state];
}

/**
 * Without an id: the method's single ACTIVE instance; with none ACTIVE, its
 * single live one (so the answer names why it cannot be used); several
 * ACTIVE is `INVALID_ARGUMENT`.
 */
function pickInstance(target: MethodTarget, snapshot: UserSnapshot, methodType: string): LoadedInstance | undefined {
  const mine = instancesOf(snapshot, methodType);
  const active = mine.filter((i) => i.record.state === 'ACTIVE');
  if (active.length > 1) {
    throw invalidArgument(target.operation, 'instanceId', `is required: method ${methodType} has ${active.length} ACTIVE instances`);
  }
  if (active.length === 1) return active[0];
  const live = mine.filter((i) => isLive(i.record.state));
  return live.length === 1 ? live[0] : undefined;
}

function outcome(
  view: Pick<MethodView, 'state' | 'failedAttempts' | 'remainingAttempts'>,
  instanceId: string | undefined,
  reason: AuthenticateFailureReason | undefined,
): AuthenticateResult {
  return {
    ok: reason === undefined,
    ...(instanceId === undefined ? {} : { instanceId }),
    state: view.state,
    failedAttempts: view.failedAttempts,
    remainingAttempts: view.remainingAttempts,
    ...(reason === undefined ? {} : { reason }),
  };
}

/** The method is still ACTIVE (an absent record is a never-seen, ACTIVE method) and no lockout runs. */
function methodStillActive(method: MethodSnapshot): Check[] {
  const key = methodKey(method.methodType);
  return [
    method.method.record ? { type: 'fields', key, equals: { state: 'ACTIVE' } } : versionCheck(key, 0),
    versionCheck(lockoutKey(method.methodType), 0),
  ];
}

function failureOps(methodType: string, plan: FailurePlan): Op[] {
  const key = failuresKey(methodType);
  if (plan.kind === 'count') {
    const slide = plan.expiresAt === undefined ? {} : { expiresAt: plan.expiresAt, refreshExpiry: true };
    return [{ type: 'add', key, by: 1, max: plan.max, ...slide }];
  }
  const until = plan.lockout.blockedUntil === undefined ? {} : { expiresAt: plan.lockout.blockedUntil };
  return [
    // Only if this failure is the one that reaches the limit...
    { type: 'add', key, by: 0, min: plan.atLeast },
    // ...pin the count at the limit, without the sliding failure window, for as long as the lockout lasts...
    { type: 'resetCounter', key },
    { type: 'add', key, by: plan.limit, ...until },
    // ...and block the method: same commit, so no failure is ever counted past the limit.
    { type: 'put', key: lockoutKey(methodType), value: encode(plan.lockout), ...until },
  ];
}

/** SPEC §4.2 authenticate, over the method runtime. */
export function createAuthentication(rt: MethodRuntime) {
  const { ctx } = rt;

  /**
   * SPEC §4.2 authenticate. One read finds the method and the instance; `verify`
   * runs only if both are ACTIVE; then one guarded commit records the verdict.
   * The guards are field checks (method and instance still ACTIVE, no lockout),
   * never versions that a concurrent success would change, so concurrent
   * successes do not conflict. A lost race re-reads and, if the method or
   * instance is no longer ACTIVE, returns that reason without counting —
   * failures while blocked do not count.
   */
  async function authenticate(target: MethodTarget, methodType: string, chosenId: string | undefined, verify: VerifyCredential): Promise<AuthenticateResult> {
    const policy: ResolvedLockoutPolicy = ctx.options.lockoutFor(methodType);
    const judge = (snapshot: UserSnapshot, instance: LoadedInstance | undefined) => {
      const loaded = methodOf(snapshot, methodType);
      const view = methodView(loaded.method.record, loaded.lockout.record, loaded.failures, policy);
      return { loaded, view, reason: refusalReason(view, instance) };
    };

    const first = await rt.load(target, [methodType], chosenId === undefined ? { allInstances: true } : { instanceId: chosenId });
    const instance =
      chosenId === undefined ? pickInstance(target, first, methodType) : requireInstance(target, first, methodType, chosenId);
    const initial = judge(first, instance);
    if (initial.reason !== undefined || !instance) return outcome(initial.view, instance?.instanceId, initial.reason);
    const { instanceId } = instance;

    const accepted = (await verify({ instanceId, data: instance.record.data ?? null })) === true;

    let current = initial;
    let reread = false;
    const [result, events] = await retrying(() => methodConflict(target, `method ${methodType}`),
      async (): Promise<[AuthenticateResult, NtpassEvent[]] | typeof RETRY> => {
        if (reread) {
          const snapshot = await rt.load(target, [methodType], { instanceId });
          current = judge(snapshot, requireInstance(target, snapshot, methodType, instanceId));
          if (current.reason !== undefined) return [outcome(current.view, instanceId, current.reason), []];
        }
        reread = true;
        const now = ctx.now();
        const checks: Check[] = [
          ...methodStillActive(current.loaded),
          { type: 'fields', key: instanceKey(instanceId), equals: { state: 'ACTIVE' } },
        ];
        if (accepted) {
          const ops: Op[] = [
            { type: 'resetCounter', key: failuresKey(methodType) },
            { type: 'patch', key: instanceKey(instanceId), set: { lastUsedAt: now } },
          ];
          const applied = await rt.commit(target, now, checks, ops);
          if (!applied.ok) return RETRY;
          return [outcome({ state: 'ACTIVE', failedAttempts: 0, remainingAttempts: policy.maxFailedAttempts }, instanceId, undefined), []];
        }
        const plan = planFailure(policy, current.loaded.failures, now);
        const applied = await rt.commit(target, now, checks, failureOps(methodType, plan));
        if (!applied.ok) return RETRY;
        const failedAttempts = applied.counters[failuresKey(methodType)] ?? 0;
        const after = methodView(current.loaded.method.record, plan.kind === 'block' ? plan.lockout : null, failedAttempts, policy);
        const failure: NtpassEvent = {
          type: 'method.failure',
          tenantId: target.tenantId,
          at: now,
          muid: target.muid,
          methodType,
          failedAttempts: after.failedAttempts,
        };
        const blocked = plan.kind === 'block' ? [methodEvent(target, now, 'method.blocked', methodType, 'lockout')] : [];
        return [outcome(after, instanceId, 'INVALID_CREDENTIALS'), [failure, ...blocked]];
      },
    );
    for (const event of events) ctx.emit(event);
    return result;
  }

  return {
    async authenticate(input: AuthenticateInput): Promise<AuthenticateResult> {
      const args = parseInput(rt.schemas.authenticate, input, 'authenticate');
      return authenticate(rt.target('authenticate', args), args.methodType, args.instanceId, args.verify);
    },
  };
}
