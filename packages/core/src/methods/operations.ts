import type { EngineContext } from '../context.js';

/** The authentication method and instance operations of SPEC §4. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface MethodOperations {}

export function createMethodOperations(_ctx: EngineContext): MethodOperations {
  return {};
}
