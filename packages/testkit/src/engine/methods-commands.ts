import assert from 'node:assert/strict';
import type { MethodInfo } from '@ntpass/core';
import fc from 'fast-check';
import { eventsSince, runOnEngine, type MethodsHarness } from './methods-harness.js';
import {
  applyToModel,
  expectedInfo,
  ALLOWED,
  instancesOfType,
  methodStateOf,
  MODEL_TYPES,
  type MethodsModel,
  type ModelAction,
  type ModelPolicy,
  type ModelType,
} from './methods-model.js';

/** Lockout policies a model run may use: permanent, and temporary with a failure window. */
export const policyArbitrary: fc.Arbitrary<ModelPolicy> = fc.constantFrom<ModelPolicy>(
  { maxFailedAttempts: 3 },
  { maxFailedAttempts: 2, lockoutMs: 1_000, failureResetMs: 600 },
  { maxFailedAttempts: 1, lockoutMs: 500 },
);

const methodType = fc.constantFrom(...MODEL_TYPES);

/**
 * How a step names an instance, resolved against the model when the step
 * runs so that most steps act on instances that exist: `live` picks among
 * the type's live instances (any, if none is live), `any` among all of them,
 * `other` among the other type's (NOT_FOUND), `unknown` names none.
 */
type InstanceRef =
  | { readonly live: number }
  | { readonly any: number }
  | { readonly other: number }
  | 'unknown';

const instanceRef: fc.Arbitrary<InstanceRef> = fc.oneof(
  { weight: 16, arbitrary: fc.nat(5).map((live) => ({ live })) },
  { weight: 2, arbitrary: fc.nat(5).map((any) => ({ any })) },
  { weight: 1, arbitrary: fc.nat(5).map((other) => ({ other })) },
  { weight: 1, arbitrary: fc.constant('unknown' as const) },
);

type InstanceKind = 'activateInstance' | 'blockInstance' | 'unblockInstance' | 'deactivateInstance';
type MethodKind = 'blockMethod' | 'unblockMethod' | 'deactivateMethod' | 'activateMethod';

/** A step before it is resolved against the model. */
export type StepPlan =
  | { readonly kind: 'initiate'; readonly methodType: ModelType; readonly reuse: InstanceRef | undefined }
  /** `allowed`: pick an instance and an action the table allows (most of the time), else `kind` on `ref`. */
  | { readonly kind: InstanceKind; readonly methodType: ModelType; readonly ref: InstanceRef; readonly allowed: boolean; readonly pick: number }
  /** `allowed`: an action the table allows from the method's state, else `kind`. */
  | { readonly kind: MethodKind; readonly methodType: ModelType; readonly allowed: boolean; readonly pick: number }
  | {
      readonly kind: 'authenticate';
      readonly methodType: ModelType;
      readonly ref: InstanceRef | undefined;
      readonly verdict: 'accept' | 'reject' | 'throw';
    }
  | { readonly kind: 'advance'; readonly ms: number };

// Half the operator steps take an action the table allows, half any action (mostly refused).
const allowed = fc.boolean();
const pick = fc.nat(11);

/** One random step: operator actions on methods and instances, authentications, and time passing. */
export const stepArbitrary: fc.Arbitrary<StepPlan> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('initiate' as const),
      methodType,
      // Now and then an id the user already has: refused.
      reuse: fc.oneof({ weight: 9, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: instanceRef }),
    }),
  },
  {
    weight: 5,
    arbitrary: fc.record({
      kind: fc.constantFrom<InstanceKind>('activateInstance', 'blockInstance', 'unblockInstance', 'deactivateInstance'),
      methodType,
      ref: instanceRef,
      allowed,
      pick,
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constantFrom<MethodKind>('blockMethod', 'unblockMethod', 'deactivateMethod', 'activateMethod'),
      methodType,
      allowed,
      pick,
    }),
  },
  {
    weight: 9,
    arbitrary: fc.record({
      kind: fc.constant('authenticate' as const),
      methodType,
      ref: fc.option(instanceRef, { nil: undefined, freq: 2 }),
      verdict: fc.constantFrom<'accept' | 'reject' | 'throw'>('accept', 'reject', 'reject', 'reject', 'throw'),
    }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.constantFrom(1, 250, 499, 500, 600, 1_000, 86_400_000) }) },
);

/** fc.commands constraints for a model run: long enough to reach lockouts and their end. */
export const COMMANDS_CONSTRAINTS = { maxCommands: 60, size: 'large' } as const;

let fresh = 0;
const NONE = 'no-such-instance';

function resolveRef(model: MethodsModel, methodType: ModelType, ref: InstanceRef): string {
  if (ref === 'unknown') return NONE;
  if ('other' in ref) {
    const ids = instancesOfType(model, MODEL_TYPES.find((t) => t !== methodType)!);
    return ids[ref.other % Math.max(1, ids.length)]?.instanceId ?? NONE;
  }
  const all = instancesOfType(model, methodType);
  const live = all.filter((i) => i.state !== 'DEACTIVATED');
  const pool = 'live' in ref && live.length > 0 ? live : all;
  const n = 'live' in ref ? ref.live : ref.any;
  return pool[n % Math.max(1, pool.length)]?.instanceId ?? NONE;
}

/** Turns a plan into the concrete action, given what the model holds now. */
export function resolveStep(model: MethodsModel, plan: StepPlan): ModelAction {
  switch (plan.kind) {
    case 'advance':
      return plan;
    case 'initiate': {
      fresh += 1;
      const instanceId = plan.reuse === undefined ? `${plan.methodType}-${fresh}` : resolveRef(model, plan.methodType, plan.reuse);
      return { kind: 'initiate', methodType: plan.methodType, instanceId };
    }
    case 'authenticate':
      return {
        kind: 'authenticate',
        methodType: plan.methodType,
        instanceId: plan.ref === undefined ? undefined : resolveRef(model, plan.methodType, plan.ref),
        verdict: plan.verdict,
      };
    case 'blockMethod':
    case 'unblockMethod':
    case 'deactivateMethod':
    case 'activateMethod': {
      // Deactivation ends most of what a run can do: allow it only now and then.
      const options = (ALLOWED.method(methodStateOf(model, plan.methodType)) as MethodKind[]).filter(
        (k) => k !== 'deactivateMethod' || plan.pick % 4 === 0,
      );
      const kind = plan.allowed ? (options[plan.pick % options.length] ?? plan.kind) : plan.kind;
      return { kind, methodType: plan.methodType };
    }
    default: {
      if (plan.allowed) {
        const choices = instancesOfType(model, plan.methodType).flatMap((i) =>
          (ALLOWED.instance(i.state) as InstanceKind[])
            .filter((k) => k !== 'deactivateInstance' || plan.pick % 3 === 0)
            .map((kind) => ({ kind, instanceId: i.instanceId })),
        );
        const choice = choices[plan.pick % Math.max(1, choices.length)];
        if (choice) return { ...choice, methodType: plan.methodType };
      }
      return { kind: plan.kind, methodType: plan.methodType, instanceId: resolveRef(model, plan.methodType, plan.ref) };
    }
  }
}

const readInfo = async (h: MethodsHarness): Promise<MethodInfo[]> =>
  [...(await h.engine.methodInfo({ muid: h.muid, methodTypes: [...MODEL_TYPES] })).methodInfo];

/** A planned step as an fc command, resolved against the model when it runs and checked by {@link checkedStep}. */
export function methodCommand(plan: StepPlan): fc.AsyncCommand<MethodsModel, MethodsHarness> {
  let resolved: ModelAction | undefined;
  return {
    check: () => true,
    run: async (model, h) => {
      resolved = resolveStep(model, plan);
      await checkedStep(model, h, resolved);
    },
    toString: () => JSON.stringify(resolved ?? plan),
  };
}

/** Every run starts from a user with an ACTIVE password and two CM instances, one ACTIVE. */
export const SEED_ACTIONS: readonly ModelAction[] = [
  { kind: 'initiate', methodType: 'PASSWORD', instanceId: 'seed-pw' },
  { kind: 'activateInstance', methodType: 'PASSWORD', instanceId: 'seed-pw' },
  { kind: 'initiate', methodType: 'CM', instanceId: 'seed-cm-1' },
  { kind: 'initiate', methodType: 'CM', instanceId: 'seed-cm-2' },
  { kind: 'activateInstance', methodType: 'CM', instanceId: 'seed-cm-1' },
];

/**
 * Runs one action on the model and on the engine: the engine must answer and
 * emit what the model predicts and end in the model's state, and SPEC §6's
 * method invariants are asserted on the way:
 * 4. a DEACTIVATED instance stays so; a success needs ACTIVE method and instance;
 * 5. failures never pass the limit, each counted failure adds exactly one, and
 *    exactly the one that reaches the limit blocks;
 * 6. a call that throws a rule error (or whose verify throws) changes nothing.
 */
export async function checkedStep(model: MethodsModel, h: MethodsHarness, action: ModelAction): Promise<void> {
  const limit = model.policy.maxFailedAttempts;
  const before = expectedInfo(model, MODEL_TYPES);
  const mark = h.events.length;
  const expected = applyToModel(model, action);
  const actual = await runOnEngine(h, action);
  assert.deepEqual(actual, expected.outcome, 'the engine answers as the model');
  assert.deepEqual(eventsSince(h, mark), expected.events, 'the engine emits what the model predicts');
  const after = await readInfo(h);
  assert.deepEqual(after, expectedInfo(model, MODEL_TYPES), 'methodInfo matches the model');

  // Invariant 6.
  if (actual.kind === 'error' || actual.kind === 'verify-threw') {
    assert.deepEqual(after, before, 'a refused call changed nothing');
    assert.equal(h.events.length, mark, 'a refused call emitted nothing');
  }
  // Invariant 4.
  for (const [i, m] of before.entries()) {
    for (const inst of m.instances.filter((x) => x.state === 'DEACTIVATED')) {
      const now = after[i]!.instances.find((x) => x.instanceId === inst.instanceId);
      assert.ok(now === undefined || now.state === 'DEACTIVATED', `instance ${inst.instanceId} left DEACTIVATED`);
    }
  }
  const authenticated = action.kind === 'authenticate' && actual.kind === 'authenticated' ? actual.result : undefined;
  const prior = action.kind === 'authenticate' ? before[MODEL_TYPES.indexOf(action.methodType)] : undefined;
  if (authenticated?.ok && prior) {
    assert.equal(prior.state, 'ACTIVE', 'a success went through a non-ACTIVE method');
    assert.equal(prior.instances.find((x) => x.instanceId === authenticated.instanceId)?.state, 'ACTIVE', 'a success went through a non-ACTIVE instance');
  }
  // Invariant 5.
  for (const m of after) assert.ok(m.failedAttempts <= limit, 'failedAttempts passed the limit');
  if (authenticated?.reason === 'INVALID_CREDENTIALS' && prior) {
    assert.equal(authenticated.failedAttempts, prior.failedAttempts + 1, 'a counted failure adds exactly one');
    assert.equal(authenticated.state === 'BLOCKED', authenticated.failedAttempts === limit, 'exactly the failure reaching the limit blocks');
  }
}
