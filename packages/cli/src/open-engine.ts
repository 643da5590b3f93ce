import { createEngine, type Engine } from '@ntpass/core';
import type { GlobalFlagValues } from './global-flags.js';
import type { CliIo } from './io.js';
import { readSecret } from './secret.js';
import { openStore } from './store-from-flags.js';
import { storeTarget } from './store-target.js';

/** An engine over the store the flags name, and how to release both. */
export interface OpenedEngine {
  readonly engine: Engine;
  close(): Promise<void>;
}

/** Reads the secret (a usage error comes before any store is touched), opens the store, creates the engine. */
export async function openEngine(flags: GlobalFlagValues, io: CliIo, writes: boolean): Promise<OpenedEngine> {
  const secret = await readSecret(flags.secretFile, io);
  const opened = await (io.openStore ?? openStore)(storeTarget(flags, io, writes));
  try {
    const engine = createEngine({ store: opened.store, secret });
    return {
      engine,
      close: async () => {
        try {
          await engine.close();
        } finally {
          await opened.close();
        }
      },
    };
  } catch (error) {
    await opened.close();
    throw error;
  }
}
