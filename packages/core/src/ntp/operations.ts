import type { EngineContext } from '../context.js';

/** The n-time-password operations of SPEC §3. */
// eslint-disable-next-line @typescript-eslint/no-empty-object-type
export interface NtpOperations {}

export function createNtpOperations(_ctx: EngineContext): NtpOperations {
  return {};
}
