import { registerIdsEngineSuite } from './engine/ids-suite.js';
import { registerMethodEngineSuite } from './engine/methods-suite.js';
import { registerNtpEngineSuite } from './engine/ntp-suite.js';
import { registerThrottleEngineSuite } from './engine/throttle-suite.js';
import type { ConformanceTarget, TestRunner } from './runner.js';
import { registerConcurrencySuite } from './store/concurrency-suite.js';
import { registerContractSuite } from './store/contract-suite.js';
import { registerModelSuite } from './store/model-suite.js';

/**
 * Registers the whole conformance suite for a store adapter with the given
 * runner: every contract method and refusal, concurrency on one key,
 * model-based property tests, and the engine's invariants (SPEC §6) running on
 * top of the store.
 *
 * ```ts
 * import { describe, it } from 'vitest';
 * runStoreConformance({ name: 'my-store', createStore: () => myStore() }, { describe, it });
 * ```
 */
export function runStoreConformance(target: ConformanceTarget, runner: TestRunner): void {
  const skip = new Set(target.skip ?? []);
  runner.describe(`store conformance: ${target.name}`, () => {
    if (!skip.has('contract')) registerContractSuite(target, runner);
    if (!skip.has('concurrency')) registerConcurrencySuite(target, runner);
    if (!skip.has('model')) registerModelSuite(target, runner);
    if (!skip.has('engine-ntp')) registerNtpEngineSuite(target, runner);
    if (!skip.has('engine-ntp')) registerThrottleEngineSuite(target, runner);
    if (!skip.has('engine-methods')) registerMethodEngineSuite(target, runner);
    if (!skip.has('engine-ids')) registerIdsEngineSuite(target, runner);
  });
}
