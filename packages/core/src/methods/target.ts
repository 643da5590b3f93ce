import type { EngineContext } from '../context.js';
import { userPartition } from '../layout.js';
import { invalidArgument } from '../errors.js';


/** The user a method operation works on, resolved once per call. */
export interface MethodTarget {
  /** The public operation, for error messages and store failures. */
  readonly operation: string;
  readonly tenantId: string;
  readonly muid: string;
  /** `user / tenantId / muid`. */
  readonly partition: string;
}

/** Applies `defaultTenantId`; neither given is `INVALID_ARGUMENT` naming `tenantId`. */
export function resolveTarget(
  ctx: EngineContext,
  operation: string,
  input: { readonly tenantId?: string | undefined; readonly muid: string },
): MethodTarget {
  const tenantId = input.tenantId ?? ctx.options.defaultTenantId;
  if (tenantId === undefined) throw invalidArgument(operation, 'tenantId', 'is required (no defaultTenantId is configured)');
  return { operation, tenantId, muid: input.muid, partition: userPartition(tenantId, input.muid) };
}
