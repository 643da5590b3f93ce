import type { ConformanceTarget, TestRunner } from '../runner.js';

export function registerContractSuite(_target: ConformanceTarget, _runner: TestRunner): void {
  // Filled in by its own issue.
}
