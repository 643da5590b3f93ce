import type { ConformanceTarget, TestFn, TestRunner } from '@ntpass/testkit';
import { runStoreConformance } from '@ntpass/testkit';

export interface Outcome {
  readonly name: string;
  readonly passed: boolean;
}

/**
 * Registers the conformance suite with a runner of our own and runs every
 * test, collecting outcomes instead of failing: how we prove the kit notices
 * a broken store.
 */
export async function runCollected(target: ConformanceTarget): Promise<Outcome[]> {
  const tests: { name: string; fn: TestFn }[] = [];
  const path: string[] = [];
  const runner: TestRunner = {
    describe(name, fn) {
      path.push(name);
      fn();
      path.pop();
    },
    it(name, fn) {
      tests.push({ name: [...path, name].join(' › '), fn });
    },
  };
  runStoreConformance(target, runner);
  const outcomes: Outcome[] = [];
  for (const t of tests) {
    try {
      await t.fn();
      outcomes.push({ name: t.name, passed: true });
    } catch {
      outcomes.push({ name: t.name, passed: false });
    }
  }
  return outcomes;
}
