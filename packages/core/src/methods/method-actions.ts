import { failuresKey, lockoutKey, methodKey } from '../layout.js';
import type { NtpassEvent, MethodStateEvent } from '../events.js';
import type { Op } from '../store.js';
import { RETRY, retrying } from '../retry.js';
import { parseInput } from '../validate.js';
import { methodConflict, type MethodRuntime } from './runtime.js';
import { instanceEvent, methodEvent } from './method-events.js';
import { instancesOf, methodOf } from './load.js';
import { methodView } from './lockout-rules.js';
import { invalidTransition, isLive, methodTransition, type MethodAction } from './transition-rules.js';
import {
  encode,
  instanceCheck,
  instanceStateOp,
  versionCheck,
  type MethodRecord,
} from './storage.js';
import type { MethodTarget } from './target.js';
import type { MethodInput } from './types.js';

/** The method actions an operator can take. */
export type OperatorMethodAction = Exclude<MethodAction, 'lockout'>;

const EVENT_OF: { readonly [A in OperatorMethodAction]: MethodStateEvent['type'] } = {
  block: 'method.blocked',
  unblock: 'method.unblocked',
  deactivate: 'method.deactivated',
  activate: 'method.activated',
};

/** SPEC §4.3: an operator's block / unblock / deactivate / activate of a method. */
export function createMethodActions(rt: MethodRuntime) {
  const { ctx } = rt;

  /**
   * One commit guarded by the versions of the method record, its lockout
   * record and (when deactivating) the state of every live instance, so a
   * concurrent change makes it read again rather than overwrite.
   */
  async function changeMethod(target: MethodTarget, methodType: string, action: OperatorMethodAction): Promise<void> {
    const policy = ctx.options.lockoutFor(methodType);
    const subject = `method ${methodType}`;
    const events = await retrying(() => methodConflict(target, subject), async (): Promise<NtpassEvent[] | typeof RETRY> => {
      const snapshot = await rt.load(target, [methodType], { allInstances: action === 'deactivate' });
      const { now } = snapshot;
      const method = methodOf(snapshot, methodType);
      const view = methodView(method.method.record, method.lockout.record, method.failures, policy);
      const transition = methodTransition(view.state, action);
      if ('error' in transition) throw invalidTransition(target.operation, subject, transition.error);
      const step = transition.next;
      const live = step.deactivateLiveInstances
        ? instancesOf(snapshot, methodType).filter((i) => isLive(i.record.state))
        : [];
      const record: MethodRecord = { state: step.to, changedAt: now, instances: method.method.record?.instances ?? [] };
      const ops: Op[] = [{ type: 'put', key: methodKey(methodType), value: encode(record) }];
      // Unblock and activate end a running lockout together with the count it pinned. A deactivation
      // leaves both to expire on their own: DEACTIVATED wins while they last, and activate clears them.
      if (step.resetFailures) {
        ops.push({ type: 'resetCounter', key: failuresKey(methodType) });
        if (method.lockout.record) ops.push({ type: 'delete', key: lockoutKey(methodType) });
      }
      for (const i of live) ops.push(instanceStateOp(i.instanceId, 'DEACTIVATED', now));
      const checks = [
        versionCheck(methodKey(methodType), method.method.version),
        versionCheck(lockoutKey(methodType), method.lockout.version),
        ...live.map((i) => instanceCheck(i.instanceId, i.record)),
      ];
      const result = await rt.commit(target, now, checks, ops);
      if (!result.ok) return RETRY;
      return [
        methodEvent(target, now, EVENT_OF[action], methodType, 'operator'),
        ...live.map((i) => instanceEvent(target, now, 'instance.deactivated', methodType, i.instanceId)),
      ];
    });
    for (const event of events) ctx.emit(event);
  }

  const action = (operation: string, what: OperatorMethodAction) => async (input: MethodInput): Promise<void> => {
    const args = parseInput(rt.schemas.method, input, operation);
    await changeMethod(rt.target(operation, args), args.methodType, what);
  };
  return {
    blockMethod: action('blockMethod', 'block'),
    unblockMethod: action('unblockMethod', 'unblock'),
    deactivateMethod: action('deactivateMethod', 'deactivate'),
    activateMethod: action('activateMethod', 'activate'),
  };
}
