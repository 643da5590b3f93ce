import type { ChangedBy, InstanceEvent, MethodStateEvent } from '../events.js';
import type { MethodTarget } from './target.js';

/** A `method.*` state event. */
export function methodEvent(
  target: MethodTarget,
  at: number,
  type: MethodStateEvent['type'],
  methodType: string,
  by: ChangedBy,
): MethodStateEvent {
  return { type, tenantId: target.tenantId, at, muid: target.muid, methodType, by };
}

/** An `instance.*` event. */
export function instanceEvent(
  target: MethodTarget,
  at: number,
  type: InstanceEvent['type'],
  methodType: string,
  instanceId: string,
): InstanceEvent {
  return { type, tenantId: target.tenantId, at, muid: target.muid, methodType, instanceId };
}
