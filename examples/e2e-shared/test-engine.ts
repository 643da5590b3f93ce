import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createEngine, type Engine } from '@ntpass/core';
import { sqliteStore } from '@ntpass/store-sqlite';
import { SECRET } from './mounted-flow.js';

/** An engine on the embedded default store, a SQLite file of its own; `close()` removes it. */
export function testEngine(): { engine: Engine; close: () => Promise<void> } {
  const dir = mkdtempSync(join(tmpdir(), 'ntpass-example-'));
  const store = sqliteStore({ filename: join(dir, 'ntpass.db') });
  const engine = createEngine({ store, secret: SECRET });
  return {
    engine,
    close: async () => {
      await engine.close();
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
