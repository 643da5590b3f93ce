import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { createEngine } from '@ntpass/core';
import { createFakeClock } from '@ntpass/core/testing';
import { withStore, type ConformanceTarget, type TestRunner } from '../runner.js';
import { outcome } from './ntp-harness.js';

/*
 * The redeem throttle (SPEC §3.5) on top of the store under test: exact
 * under any concurrency, per client across tenants. Every store maps the
 * throttle's bounded slot reservation onto its own atomic commit, so every
 * store must show the same numbers.
 */

const SECRET = 'ntpass-testkit-secret-0123456789abcdef';
const TIMEOUT_MS = 120_000;

export function registerThrottleEngineSuite(target: ConformanceTarget, runner: TestRunner): void {
  const { describe, it } = runner;
  describe('engine: redeem throttle (SPEC §3.5)', () => {
    it('300 concurrent wrong guesses of one client over two engines and two tenants are judged exactly maxFailures times', () =>
      withStore(target, async (store) => {
        const clock = createFakeClock();
        const options = { store, secret: SECRET, clock: clock.now, redeemThrottle: { maxFailures: 10 } };
        const engines = [createEngine(options), createEngine(options)] as const;
        const run = randomUUID();
        const tenants = [`tk-throttle-${run}`, `tk-throttle-{${run}}`] as const;
        const clientKey = `client-${run}`;
        try {
          await engines[0].createNtpInstance({ tenantId: tenants[0], objectId: 'o' });
          const results = await Promise.all(
            Array.from({ length: 300 }, (_, i) => outcome(engines[i % 2]!.redeemCode({ tenantId: tenants[(i >> 1) % 2]!, code: 'zzzzzz', clientKey }))),
          );
          assert.equal(results.filter((r) => r === 'INVALID_CODE').length, 10);
          assert.equal(results.filter((r) => r === 'THROTTLED').length, 290);
          // Another client is not locked out.
          assert.equal(await outcome(engines[1].redeemCode({ tenantId: tenants[0], code: 'zzzzzz', clientKey: `other-${run}` })), 'INVALID_CODE');
        } finally {
          await Promise.all(engines.map((e) => e.close()));
        }
      }), TIMEOUT_MS);
  });
}
