import type { Store } from '@ntpass/core';
import { memoryStore } from '@ntpass/store-memory';

/** The store the environment selected, how to describe it, and how to let go of it. */
export interface StoreChoice {
  readonly store: Store;
  /** For the startup line; never a password. */
  readonly description: string;
  /** Closes the store and any connection opened for it. */
  close(): Promise<void>;
}

/** The store of this build of the example: in-process memory, which keeps nothing across restarts. */
export async function createStoreFromEnv(_env: NodeJS.ProcessEnv): Promise<StoreChoice> {
  const store = memoryStore();
  return { store, description: 'memory (state is lost on restart)', close: () => store.close() };
}
