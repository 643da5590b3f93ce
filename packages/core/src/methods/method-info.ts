import type { EngineContext } from '../context.js';
import { parseInput } from '../validate.js';
import { instancesOf, methodOf, type UserSnapshot } from './load.js';
import { methodView } from './lockout-rules.js';
import type { MethodRuntime } from './runtime.js';
import type { InstanceInfo, MethodInfo, MethodInfoInput, MethodInfoResult } from './types.js';

/**
 * SPEC §4.2 methodInfo: two reads whatever the number of types asked — the
 * method records, lockouts and counters, then every instance they list.
 */
export function createMethodInfo(rt: MethodRuntime) {
  return {
    async methodInfo(input: MethodInfoInput): Promise<MethodInfoResult> {
      const { methodTypes, ...args } = parseInput(rt.schemas.methodInfo, input, 'methodInfo');
      const snapshot = await rt.load(rt.target('methodInfo', args), methodTypes, { allInstances: true });
      return { methodInfo: methodTypes.map((methodType) => describe(rt.ctx, snapshot, methodType)) };
    },
  };
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
