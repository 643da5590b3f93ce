import { storeUnavailable } from './cli-error.js';
import type { OpenedStore, StoreTarget } from './io.js';

/** Opens the real store a {@link StoreTarget} names. */
export async function openStore(target: StoreTarget): Promise<OpenedStore> {
  throw storeUnavailable(`the ${target.kind} store is not available in this build yet`);
}
