import type { Store } from '@ntpass/core';

/** A test function; may be async. */
export type TestFn = () => void | Promise<void>;

/**
 * The test runner the suite registers its tests with: vitest's, jest's,
 * mocha's or `node:test`'s `describe`/`it` all fit.
 */
export interface TestRunner {
  describe(name: string, fn: () => void): void;
  it(name: string, fn: TestFn, timeoutMs?: number): void;
}

/** The parts of the suite that may be skipped, for an adapter that documents why. */
export type ConformanceGroup = 'contract' | 'concurrency' | 'model' | 'engine-ntp' | 'engine-methods' | 'engine-ids';

/** What the suite needs to know about the adapter under test. */
export interface ConformanceTarget {
  /** Shown in the suite's name. */
  readonly name: string;
  /**
   * Returns a fresh, empty store (or one whose partitions no other test
   * uses). Called once per test; the suite calls `close()` after each.
   */
  readonly createStore: () => Store | Promise<Store>;
  /** Groups to leave out. */
  readonly skip?: readonly ConformanceGroup[];
}

/** Runs `body` with a fresh store and always closes it. */
export async function withStore(target: ConformanceTarget, body: (store: Store) => Promise<void>): Promise<void> {
  const store = await target.createStore();
  try {
    await body(store);
  } finally {
    await store.close();
  }
}
