import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints one plain closing line, `tests: N passed, N failed, N skipped`, that
 * any CI can read whatever runner it knows.
 */
export function summaryReporter(): Reporter {
  return {
    onTestRunEnd(testModules: ReadonlyArray<TestModule>) {
      const count = { passed: 0, failed: 0, skipped: 0 };
      for (const module of testModules) {
        for (const test of module.children.allTests()) {
          const state = test.result().state;
          if (state === 'passed') count.passed += 1;
          else if (state === 'failed') count.failed += 1;
          else count.skipped += 1;
        }
        // A file that failed to load has no tests but is still a failure.
        if (module.state() === 'failed' && [...module.children.allTests()].length === 0) count.failed += 1;
      }
      console.log(`\ntests: ${count.passed} passed, ${count.failed} failed, ${count.skipped} skipped`);
    },
  };
}
