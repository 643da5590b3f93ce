import { createBackground, type Background } from './background.js';
import type { NtpassEvent } from './events.js';
import type { ResolvedOptions } from './options.js';
import { createHasher, type Hasher } from './secrets.js';
import { createStoreGateway, type StoreGateway } from './store-gateway.js';

/** What every operation module receives from `createEngine`. */
export interface EngineContext {
  readonly options: ResolvedOptions;
  readonly store: StoreGateway;
  readonly hasher: Hasher;
  /** The engine clock. */
  readonly now: () => number;
  /** Delivers an event after its commit; a throwing handler is isolated. */
  readonly emit: (event: NtpassEvent) => void;
  readonly background: Background;
}

export function createContext(options: ResolvedOptions): EngineContext {
  const handler = options.onEvent;
  return {
    options,
    store: createStoreGateway(options.store),
    hasher: createHasher(options.secret),
    now: options.clock,
    emit: (event) => {
      if (!handler) return;
      try {
        handler(event);
      } catch {
        // A host's handler must not turn a committed change into a failed call.
      }
    },
    background: createBackground(),
  };
}
