import { NtpassError } from '../errors.js';
import type { LoadedInstance, UserSnapshot } from './load.js';
import type { MethodView } from './lockout-rules.js';
import type { MethodTarget } from './target.js';

/** The instance, if it exists and belongs to `methodType`; else `NOT_FOUND`. */
export function requireInstance(
  target: MethodTarget,
  snapshot: UserSnapshot,
  methodType: string,
  instanceId: string,
): LoadedInstance {
  const found = snapshot.instances.get(instanceId);
  if (!found || found.record.methodType !== methodType) {
    throw new NtpassError('NOT_FOUND', `${target.operation}: instance ${instanceId} of method ${methodType} not found`);
  }
  return found;
}

/** New or activated instances need a usable method: `METHOD_BLOCKED` / `METHOD_DEACTIVATED` otherwise. */
export function requireActiveMethod(target: MethodTarget, view: MethodView, methodType: string): void {
  if (view.state === 'BLOCKED') throw new NtpassError('METHOD_BLOCKED', `${target.operation}: method ${methodType} is blocked`);
  if (view.state === 'DEACTIVATED') {
    throw new NtpassError('METHOD_DEACTIVATED', `${target.operation}: method ${methodType} is deactivated`);
  }
}
