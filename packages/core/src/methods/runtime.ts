import type { EngineContext } from '../context.js';
import { NtpassError } from '../errors.js';
import type { Check, CommitResult, Op } from '../store.js';
import { loadUser, type LoadWanted, type UserSnapshot } from './load.js';
import { createMethodRegistry, type MethodRegistry } from './registry.js';
import { createMethodSchemas, type MethodSchemas } from './schemas.js';
import { resolveTarget, type MethodTarget } from './target.js';

/**
 * What every method operation shares, as `NtpRuntime` is for `ntp/`: the
 * engine context, the known method types and their input schemas, and the
 * two ways the domain touches its store (each touches one user's partition).
 */
export interface MethodRuntime {
  readonly ctx: EngineContext;
  readonly registry: MethodRegistry;
  readonly schemas: MethodSchemas;
  /** The user an operation works on (`defaultTenantId` applied). */
  target(operation: string, input: { readonly tenantId?: string | undefined; readonly muid: string }): MethodTarget;
  /** Reads some method types of the user (see load.ts). */
  load(target: MethodTarget, methodTypes: readonly string[], wanted?: LoadWanted): Promise<UserSnapshot>;
  /** One atomic, guarded change of the user's partition. */
  commit(target: MethodTarget, now: number, checks: readonly Check[], ops: readonly Op[]): Promise<CommitResult>;
}

export function createMethodRuntime(ctx: EngineContext): MethodRuntime {
  const registry = createMethodRegistry(ctx.options.methodTypes);
  return {
    ctx,
    registry,
    schemas: createMethodSchemas(registry.types),
    target: (operation, input) => resolveTarget(ctx, operation, input),
    load: (target, methodTypes, wanted) => loadUser(ctx, target, methodTypes, wanted),
    commit: (target, now, checks, ops) => ctx.store.commit(target.operation, { partition: target.partition, now, checks, ops }),
  };
}

/** `CONFLICT` of a method operation whose commit kept losing races. */
export function methodConflict(target: MethodTarget, subject: string): NtpassError {
  return new NtpassError('CONFLICT', `${target.operation}: ${subject} kept changing concurrently; try again`);
}
