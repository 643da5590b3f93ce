export { runStoreConformance } from './run-store-conformance.js';
export type { ConformanceGroup, ConformanceTarget, TestFn, TestRunner } from './runner.js';
