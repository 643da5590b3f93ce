import type { ConformanceTarget, TestRunner } from '../runner.js';

export function registerMethodEngineSuite(_target: ConformanceTarget, _runner: TestRunner): void {
  // Filled in by its own issue.
}
