import type { EngineContext } from '../context.js';
import { NtpassError } from '../errors.js';
import type { Check, CommitResult, Op } from '../store.js';
import type { MethodTarget } from './target.js';

/** `CONFLICT` of a method operation whose commit kept losing races. */
export function methodConflict(target: MethodTarget, subject: string): NtpassError {
  return new NtpassError('CONFLICT', `${target.operation}: ${subject} kept changing concurrently; try again`);
}

/** One atomic, guarded change of the user's partition. */
export function commitGuarded(
  ctx: EngineContext,
  target: MethodTarget,
  now: number,
  checks: readonly Check[],
  ops: readonly Op[],
): Promise<CommitResult> {
  return ctx.store.commit(target.operation, {
    partition: target.partition,
    now,
    checks,
    ops,
  });
}
