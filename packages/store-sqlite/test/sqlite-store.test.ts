import { afterAll, describe, it } from 'vitest';
import { runStoreConformance } from '@ntpass/testkit';
import { sqliteStore } from '@ntpass/store-sqlite';
import { tempFiles } from './fixtures/temp-files.js';

// A fresh database file per test: real files, WAL and all.
const files = tempFiles('conformance');
afterAll(files.remove);

runStoreConformance({ name: 'sqlite', createStore: () => sqliteStore({ filename: files.next() }) }, { describe, it });
