import { describe, expect, it } from 'vitest';
import { methodView, planFailure, remainingAttempts } from '../../src/methods/lockout-rules.js';
import type { ResolvedLockoutPolicy } from '../../src/options.js';

const permanent: ResolvedLockoutPolicy = { maxFailedAttempts: 3, lockoutMs: undefined, failureResetMs: undefined };
const temporary: ResolvedLockoutPolicy = { maxFailedAttempts: 3, lockoutMs: 60_000, failureResetMs: 10_000 };
const NOW = 1_000_000;

describe('methodView', () => {
  it('shows a never-seen method as ACTIVE with every attempt left', () => {
    expect(methodView(null, null, 0, permanent)).toEqual({ state: 'ACTIVE', failedAttempts: 0, remainingAttempts: 3 });
  });

  it('shows a running lockout as BLOCKED by the lockout, with blockedUntil only when temporary', () => {
    const method = { state: 'ACTIVE' as const, instances: [] };
    expect(methodView(method, { blockedAt: NOW }, 3, permanent)).toEqual({
      state: 'BLOCKED',
      blockedBy: 'lockout',
      failedAttempts: 3,
      remainingAttempts: 0,
    });
    expect(methodView(method, { blockedAt: NOW, blockedUntil: NOW + 5 }, 3, permanent)).toMatchObject({
      state: 'BLOCKED',
      blockedUntil: NOW + 5,
    });
  });

  it("lets an operator's BLOCKED or DEACTIVATED win over a lockout record", () => {
    const lock = { blockedAt: NOW, blockedUntil: NOW + 5 };
    expect(methodView({ state: 'BLOCKED', instances: [] }, lock, 1, permanent)).toEqual({
      state: 'BLOCKED',
      blockedBy: 'operator',
      failedAttempts: 1,
      remainingAttempts: 2,
    });
    expect(methodView({ state: 'DEACTIVATED', instances: [] }, lock, 1, permanent)).toEqual({
      state: 'DEACTIVATED',
      failedAttempts: 1,
      remainingAttempts: 2,
    });
  });

  it('never shows more failures than the limit (a limit lowered since they were counted)', () => {
    expect(methodView(null, null, 7, permanent)).toMatchObject({ failedAttempts: 3, remainingAttempts: 0 });
  });
});

describe('remainingAttempts', () => {
  it('is max(0, limit - failures)', () => {
    expect([0, 1, 2, 3, 4].map((n) => remainingAttempts(permanent, n))).toEqual([3, 2, 1, 0, 0]);
  });
});

describe('planFailure', () => {
  it('counts a failure below the limit with max = limit - 1, so no add can reach it unnoticed', () => {
    expect(planFailure(permanent, 0, NOW)).toEqual({ kind: 'count', max: 2 });
    expect(planFailure(permanent, 1, NOW)).toEqual({ kind: 'count', max: 2 });
  });

  it('slides the count expiry by failureResetMs', () => {
    expect(planFailure(temporary, 0, NOW)).toEqual({ kind: 'count', max: 2, expiresAt: NOW + 10_000 });
  });

  it('makes the failure that reaches the limit the block, permanent by default', () => {
    expect(planFailure(permanent, 2, NOW)).toEqual({ kind: 'block', atLeast: 2, limit: 3, lockout: { blockedAt: NOW } });
  });

  it('ends a temporary lockout lockoutMs after it began', () => {
    expect(planFailure(temporary, 2, NOW)).toEqual({
      kind: 'block',
      atLeast: 2,
      limit: 3,
      lockout: { blockedAt: NOW, blockedUntil: NOW + 60_000 },
    });
  });

  it('blocks at the first failure when the limit is 1', () => {
    expect(planFailure({ ...permanent, maxFailedAttempts: 1 }, 0, NOW)).toMatchObject({ kind: 'block', atLeast: 0, limit: 1 });
  });
});
