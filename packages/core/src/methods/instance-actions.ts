import { instanceKey, lockoutKey, methodKey } from '../layout.js';
import { invalidArgument } from '../errors.js';
import type { InstanceEvent, NtpassEvent } from '../events.js';
import { newInstanceId } from '../ids.js';
import type { Json, Op } from '../store.js';
import { RETRY, retrying } from '../retry.js';
import { parseInput } from '../validate.js';
import { methodConflict, type MethodRuntime } from './runtime.js';
import { requireActiveMethod, requireInstance } from './guards.js';
import { MAX_KEPT_DEACTIVATED, MAX_LIVE_INSTANCES } from './limits.js';
import { instanceEvent } from './method-events.js';
import { instancesOf, methodOf } from './load.js';
import { methodView } from './lockout-rules.js';
import { instanceTransition, invalidTransition, isLive, type InstanceAction } from './transition-rules.js';
import {
  encode,
  instanceCheck,
  instanceStateOp,
  versionCheck,
  type InstanceRecord,
  type MethodRecord,
} from './storage.js';
import type { MethodTarget } from './target.js';
import type { InitiateInstanceInput, InitiateInstanceResult, InstanceInput } from './types.js';

/** The instance actions an operator takes on one instance alone. */
export type OperatorInstanceAction = Exclude<InstanceAction, 'activate'>;

const EVENT_OF: { readonly [A in OperatorInstanceAction]: InstanceEvent['type'] } = {
  block: 'instance.blocked',
  unblock: 'instance.unblocked',
  deactivate: 'instance.deactivated',
};

/** SPEC §4.3: creating, activating, blocking, unblocking and deactivating one instance. */
export function createInstanceActions(rt: MethodRuntime) {
  const { ctx, registry } = rt;

  /**
   * Creates an INITIATED instance: one commit that appends it to the method
   * record (guarded by that record's version and the lockout's, so a
   * concurrent block or deactivation is never missed) and writes the instance
   * (guarded by version 0: ids are unique per user). It also deletes the oldest
   * DEACTIVATED instances beyond {@link MAX_KEPT_DEACTIVATED}.
   */
  async function initiateInstance(target: MethodTarget, methodType: string, chosenId: string | undefined, data: Json | undefined): Promise<string> {
    const instanceId = chosenId ?? newInstanceId(methodType, target.muid);
    const policy = ctx.options.lockoutFor(methodType);
    const event = await retrying(() => methodConflict(target, `method ${methodType}`), async (): Promise<InstanceEvent | typeof RETRY> => {
      const snapshot = await rt.load(target, [methodType], { instanceId, allInstances: true });
      const { now } = snapshot;
      const method = methodOf(snapshot, methodType);
      requireActiveMethod(target, methodView(method.method.record, method.lockout.record, method.failures, policy), methodType);
      if (snapshot.instances.has(instanceId)) throw invalidArgument(target.operation, 'instanceId', `${instanceId} already exists`);
      const mine = instancesOf(snapshot, methodType);
      if (mine.filter((i) => isLive(i.record.state)).length >= MAX_LIVE_INSTANCES) {
        throw invalidArgument(
          target.operation,
          'methodType',
          `${methodType} already has ${MAX_LIVE_INSTANCES} live instances; deactivate one first`,
        );
      }
      const deactivated = mine.filter((i) => !isLive(i.record.state));
      const pruned = new Set(deactivated.slice(0, Math.max(0, deactivated.length - MAX_KEPT_DEACTIVATED)).map((i) => i.instanceId));
      const record: MethodRecord = {
        ...(method.method.record ?? { state: 'ACTIVE' }),
        instances: [...mine.map((i) => i.instanceId).filter((id) => !pruned.has(id)), instanceId],
      };
      const instance: InstanceRecord = {
        methodType,
        state: 'INITIATED',
        createdAt: now,
        changedAt: now,
        ...(data === undefined ? {} : { data }),
      };
      const ops: Op[] = [
        { type: 'put', key: methodKey(methodType), value: encode(record) },
        { type: 'put', key: instanceKey(instanceId), value: encode(instance) },
        ...[...pruned].map((id): Op => ({ type: 'delete', key: instanceKey(id) })),
      ];
      const checks = [
        versionCheck(methodKey(methodType), method.method.version),
        versionCheck(lockoutKey(methodType), method.lockout.version),
        versionCheck(instanceKey(instanceId), 0),
      ];
      const result = await rt.commit(target, now, checks, ops);
      return result.ok ? instanceEvent(target, now, 'instance.initiated', methodType, instanceId) : RETRY;
    });
    ctx.emit(event);
    return instanceId;
  }

  /**
   * INITIATED → ACTIVE on an ACTIVE method. For a single-instance type every
   * other live instance becomes DEACTIVATED in the same commit, which is
   * guarded by the method record's version (so an instance initiated meanwhile
   * is not missed) and every touched instance's state.
   */
  async function activateInstance(target: MethodTarget, methodType: string, instanceId: string): Promise<void> {
    const policy = ctx.options.lockoutFor(methodType);
    const single = registry.cardinality(methodType) === 'single';
    const events = await retrying(() => methodConflict(target, `instance ${instanceId}`), async (): Promise<NtpassEvent[] | typeof RETRY> => {
      const snapshot = await rt.load(target, [methodType], { instanceId, allInstances: single });
      const { now } = snapshot;
      const instance = requireInstance(target, snapshot, methodType, instanceId);
      const method = methodOf(snapshot, methodType);
      requireActiveMethod(target, methodView(method.method.record, method.lockout.record, method.failures, policy), methodType);
      const transition = instanceTransition(instance.record.state, 'activate');
      if ('error' in transition) throw invalidTransition(target.operation, `instance ${instanceId}`, transition.error);
      const others = single
        ? instancesOf(snapshot, methodType).filter((i) => i.instanceId !== instanceId && isLive(i.record.state))
        : [];
      const checks = [
        versionCheck(methodKey(methodType), method.method.version),
        versionCheck(lockoutKey(methodType), method.lockout.version),
        instanceCheck(instanceId, instance.record),
        ...others.map((i) => instanceCheck(i.instanceId, i.record)),
      ];
      const ops = [
        instanceStateOp(instanceId, transition.next, now),
        ...others.map((i) => instanceStateOp(i.instanceId, 'DEACTIVATED', now)),
      ];
      const result = await rt.commit(target, now, checks, ops);
      if (!result.ok) return RETRY;
      return [
        instanceEvent(target, now, 'instance.activated', methodType, instanceId),
        ...others.map((i) => instanceEvent(target, now, 'instance.deactivated', methodType, i.instanceId)),
      ];
    });
    for (const event of events) ctx.emit(event);
  }

  /**
   * Block / unblock / deactivate one instance: one commit guarded by the
   * instance's state. The method's state is left as it is (SPEC §4.3).
   */
  async function changeInstance(target: MethodTarget, methodType: string, instanceId: string, action: OperatorInstanceAction): Promise<void> {
    const subject = `instance ${instanceId}`;
    const event = await retrying(() => methodConflict(target, subject), async (): Promise<InstanceEvent | typeof RETRY> => {
      const snapshot = await rt.load(target, [], { instanceId });
      const { now } = snapshot;
      const instance = requireInstance(target, snapshot, methodType, instanceId);
      const transition = instanceTransition(instance.record.state, action);
      if ('error' in transition) throw invalidTransition(target.operation, subject, transition.error);
      const result = await rt.commit(
        target,
        now,
        [instanceCheck(instanceId, instance.record)],
        [instanceStateOp(instanceId, transition.next, now)],
      );
      return result.ok ? instanceEvent(target, now, EVENT_OF[action], methodType, instanceId) : RETRY;
    });
    ctx.emit(event);
  }

  const action = (operation: string, what: OperatorInstanceAction) => async (input: InstanceInput): Promise<void> => {
    const args = parseInput(rt.schemas.instance, input, operation);
    await changeInstance(rt.target(operation, args), args.methodType, args.instanceId, what);
  };
  return {
    async initiateInstance(input: InitiateInstanceInput): Promise<InitiateInstanceResult> {
      const args = parseInput(rt.schemas.initiateInstance, input, 'initiateInstance');
      return { instanceId: await initiateInstance(rt.target('initiateInstance', args), args.methodType, args.instanceId, args.data) };
    },
    async activateInstance(input: InstanceInput): Promise<void> {
      const args = parseInput(rt.schemas.instance, input, 'activateInstance');
      await activateInstance(rt.target('activateInstance', args), args.methodType, args.instanceId);
    },
    blockInstance: action('blockInstance', 'block'),
    unblockInstance: action('unblockInstance', 'unblock'),
    deactivateInstance: action('deactivateInstance', 'deactivate'),
  };
}
