import { describe, it } from 'vitest';
import { runStoreConformance } from '@ntpass/testkit';
import { memoryStore } from '@ntpass/store-memory';

runStoreConformance({ name: 'memory', createStore: () => memoryStore() }, { describe, it });
