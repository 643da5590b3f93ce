import { createContext } from './context.js';
import { createMethodOperations, type MethodOperations } from './methods/operations.js';
import { createNtpOperations, type NtpOperations } from './ntp/operations.js';
import { resolveOptions, type EngineOptions } from './options.js';

/** An ntpass engine: every operation of SPEC §3 and §4 over one store. */
export interface Engine extends NtpOperations, MethodOperations {
  /** Stops background work (purges). Does not close the store or the host's client. */
  close(): Promise<void>;
}

/** Creates an engine; throws `INVALID_ARGUMENT` naming the first bad option. */
export function createEngine(options: EngineOptions): Engine {
  const ctx = createContext(resolveOptions(options));
  return {
    ...createNtpOperations(ctx),
    ...createMethodOperations(ctx),
    close: () => ctx.background.close(),
  };
}
