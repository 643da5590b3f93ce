import assert from 'node:assert/strict';
import type { AuthenticateResult } from '@ntpass/core';
import fc from 'fast-check';
import { withStore, type ConformanceTarget, type TestRunner } from '../runner.js';
import {
  checkedStep,
  COMMANDS_CONSTRAINTS,
  methodCommand,
  policyArbitrary,
  SEED_ACTIONS,
  stepArbitrary,
} from './methods-commands.js';
import { methodsHarness, type MethodsHarness } from './methods-harness.js';
import { createModel } from './methods-model.js';

/** An ACTIVE PASSWORD instance for the harness's user. */
async function password(h: MethodsHarness): Promise<string> {
  const { instanceId } = await h.engine.initiateInstance({ muid: h.muid, methodType: 'PASSWORD' });
  await h.engine.activateInstance({ muid: h.muid, methodType: 'PASSWORD', instanceId });
  return instanceId;
}

/** A host `verify` that answers after a random short wait, so concurrent calls interleave. */
const eventually = (answer: boolean) => () => new Promise<boolean>((resolve) => setTimeout(() => resolve(answer), Math.random() * 2));

const attempt = (h: MethodsHarness, answer: boolean) =>
  h.engine.authenticate({ muid: h.muid, methodType: 'PASSWORD', verify: eventually(answer) });

const failuresCounted = (h: MethodsHarness) =>
  h.events.flatMap((e) => (e.type === 'method.failure' ? [e.failedAttempts] : [])).sort((a, b) => a - b);

/**
 * SPEC §6 invariants 4, 5 and 6 for authentication methods, on top of the
 * store under test: a model-based run against a reference model of §4, and
 * concurrent authentications on one user.
 */
export function registerMethodEngineSuite(target: ConformanceTarget, runner: TestRunner): void {
  const { describe, it } = runner;
  describe('engine: authentication methods (SPEC §6: 4, 5, 6)', () => {
    it('agrees with a reference model of SPEC §4 over random operator actions, authentications and time', () =>
      withStore(target, async (store) => {
        await fc.assert(
          fc.asyncProperty(policyArbitrary, fc.commands([stepArbitrary.map(methodCommand)], COMMANDS_CONSTRAINTS), async (policy, commands) => {
            const h = methodsHarness(store, policy);
            const model = createModel(policy, h.clock.now());
            try {
              for (const action of SEED_ACTIONS) await checkedStep(model, h, action);
              await fc.asyncModelRun(() => ({ model, real: h }), commands);
            } finally {
              await h.engine.close();
            }
          }),
          { numRuns: 60 },
        );
      }), 120_000);

    it('30 concurrent failures leave exactly failedAttempts = limit, blocked by exactly one of them', () =>
      withStore(target, async (store) => {
        const h = methodsHarness(store, { maxFailedAttempts: 3 });
        await password(h);
        const results = await Promise.all(Array.from({ length: 30 }, () => attempt(h, false)));
        assert.equal(results.filter((r) => r.reason === 'INVALID_CREDENTIALS').length, 3);
        assert.equal(results.filter((r) => r.reason === 'METHOD_BLOCKED').length, 27);
        const [info] = (await h.engine.methodInfo({ muid: h.muid, methodTypes: ['PASSWORD'] })).methodInfo;
        assert.deepEqual([info?.state, info?.failedAttempts, info?.remainingAttempts], ['BLOCKED', 3, 0]);
        assert.deepEqual(failuresCounted(h), [1, 2, 3]);
        assert.equal(h.events.filter((e) => e.type === 'method.blocked').length, 1);
      }), 60_000);

    it('concurrent failures from any count never lose an increment nor pass the limit', () =>
      withStore(target, async (store) => {
        await fc.assert(
          fc.asyncProperty(
            fc.integer({ min: 1, max: 6 }).chain((limit) =>
              fc.record({ limit: fc.constant(limit), prior: fc.integer({ min: 0, max: limit - 1 }), parallel: fc.integer({ min: 1, max: 12 }) }),
            ),
            async ({ limit, prior, parallel }) => {
              const h = methodsHarness(store, { maxFailedAttempts: limit });
              await password(h);
              for (let i = 0; i < prior; i++) await attempt(h, false);
              const results = await Promise.all(Array.from({ length: parallel }, () => attempt(h, false)));
              const reached = Math.min(limit, prior + parallel);
              const counted = results.filter((r) => r.reason === 'INVALID_CREDENTIALS');
              assert.equal(counted.length, reached - prior, 'every failure below the limit was counted');
              assert.deepEqual(
                counted.map((r) => r.failedAttempts).sort((a, b) => a - b),
                Array.from({ length: reached - prior }, (_, i) => prior + i + 1),
                'each counted failure saw its own count',
              );
              assert.deepEqual(failuresCounted(h), Array.from({ length: reached }, (_, i) => i + 1));
              const blocks = h.events.filter((e) => e.type === 'method.blocked').length;
              assert.equal(blocks, reached === limit ? 1 : 0, 'exactly the failure reaching the limit blocks');
              const [info] = (await h.engine.methodInfo({ muid: h.muid, methodTypes: ['PASSWORD'] })).methodInfo;
              assert.equal(info?.failedAttempts, reached);
              assert.equal(info?.state, reached === limit ? 'BLOCKED' : 'ACTIVE');
              await h.engine.close();
            },
          ),
          { numRuns: 25 },
        );
      }), 120_000);

    it('concurrent successes are never blocked and never conflict, even among failures below the limit', () =>
      withStore(target, async (store) => {
        const h = methodsHarness(store, { maxFailedAttempts: 3 });
        await password(h);
        const settled = await Promise.allSettled(Array.from({ length: 30 }, (_, i) => attempt(h, i % 14 !== 0)));
        const results = settled.map((s) => {
          assert.equal(s.status, 'fulfilled', 'no authentication failed with an error');
          return (s as PromiseFulfilledResult<AuthenticateResult>).value;
        });
        assert.equal(results.filter((r) => r.ok).length, 27);
        assert.ok(results.every((r) => r.state === 'ACTIVE'), 'the method was never blocked');
        assert.equal(h.events.filter((e) => e.type === 'method.blocked').length, 0);
      }), 60_000);

    it('a block committed by an operator stops every later success', () =>
      withStore(target, async (store) => {
        const h = methodsHarness(store, { maxFailedAttempts: 3 });
        await password(h);
        const racing = Array.from({ length: 10 }, () => attempt(h, true));
        await h.engine.blockMethod({ muid: h.muid, methodType: 'PASSWORD' });
        const after = await attempt(h, true);
        const results = await Promise.all(racing);
        assert.ok(results.every((r) => r.ok || r.reason === 'METHOD_BLOCKED'));
        assert.deepEqual([after.ok, after.reason], [false, 'METHOD_BLOCKED']);
      }), 60_000);
  });
}
