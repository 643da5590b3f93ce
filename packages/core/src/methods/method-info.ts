import type { EngineContext } from '../context.js';
import { instancesOf, loadUser, methodOf, type UserSnapshot } from './load.js';
import { methodView } from './lockout-rules.js';
import type { MethodTarget } from './target.js';
import type { InstanceInfo, MethodInfo, MethodInfoResult } from './types.js';

/**
 * SPEC §4.2 methodInfo: two reads whatever the number of types asked — the
 * method records, lockouts and counters, then every instance they list.
 */
export async function methodInfo(
  ctx: EngineContext,
  target: MethodTarget,
  methodTypes: readonly string[],
): Promise<MethodInfoResult> {
  const snapshot = await loadUser(ctx, target, methodTypes, { allInstances: true });
  return { methodInfo: methodTypes.map((methodType) => describe(ctx, snapshot, methodType)) };
}

function describe(ctx: EngineContext, snapshot: UserSnapshot, methodType: string): MethodInfo {
  const method = methodOf(snapshot, methodType);
  const view = methodView(method.method.record, method.lockout.record, method.failures, ctx.options.lockoutFor(methodType));
  const instances = instancesOf(snapshot, methodType).map(({ instanceId, record }): InstanceInfo => ({
    instanceId,
    state: record.state,
    createdAt: record.createdAt,
    ...(record.lastUsedAt === undefined ? {} : { lastUsedAt: record.lastUsedAt }),
  }));
  // Exactly the keys of SPEC §4.2, in its order; optional ones absent, never undefined.
  return {
    methodType,
    state: view.state,
    activeInstances: instances.filter((i) => i.state === 'ACTIVE').length,
    instances,
    failedAttempts: view.failedAttempts,
    remainingAttempts: view.remainingAttempts,
    ...(view.blockedUntil === undefined ? {} : { blockedUntil: view.blockedUntil }),
  };
}
