import { describe, expect, it } from 'vitest';
import { instanceTransition, methodTransition, type MethodAction } from '../../src/methods/transition-rules.js';
import type { MethodState } from '../../src/methods/types.js';
import { INSTANCE_TARGET, instanceCells } from './instance-table.js';

/*
 * SPEC §4.3's method table transcribed cell by cell, independently of the data
 * in transition-rules.ts (the instance table is in instance-table.ts): null is a "–"
 * cell that must be refused naming from and to.
 */
const METHOD_SPEC: Record<MethodState, Record<MethodAction, { to: MethodState; reset: boolean; cascade: boolean } | null>> = {
  ACTIVE: {
    block: { to: 'BLOCKED', reset: false, cascade: false },
    unblock: null,
    deactivate: { to: 'DEACTIVATED', reset: false, cascade: true },
    activate: null,
    lockout: { to: 'BLOCKED', reset: false, cascade: false },
  },
  BLOCKED: {
    block: null,
    unblock: { to: 'ACTIVE', reset: true, cascade: false },
    deactivate: { to: 'DEACTIVATED', reset: false, cascade: true },
    activate: null,
    lockout: null,
  },
  DEACTIVATED: {
    block: null,
    unblock: null,
    deactivate: null,
    activate: { to: 'ACTIVE', reset: true, cascade: false },
    lockout: null,
  },
};

const METHOD_TARGET: Record<MethodAction, MethodState> = {
  block: 'BLOCKED',
  unblock: 'ACTIVE',
  deactivate: 'DEACTIVATED',
  activate: 'ACTIVE',
  lockout: 'BLOCKED',
};

const methodCells = Object.entries(METHOD_SPEC).flatMap(([from, row]) =>
  Object.entries(row).map(([action, cell]) => ({ from: from as MethodState, action: action as MethodAction, cell })),
);

describe('method transitions (SPEC §4.3, first table)', () => {
  it('covers all 15 cells', () => expect(methodCells).toHaveLength(15));

  it.each(methodCells.filter((c) => c.cell !== null))('$from --$action--> allowed', ({ from, action, cell }) => {
    expect(methodTransition(from, action)).toEqual({
      next: { to: cell!.to, resetFailures: cell!.reset, deactivateLiveInstances: cell!.cascade },
    });
  });

  it.each(methodCells.filter((c) => c.cell === null))('$from --$action--> refused naming from and to', ({ from, action }) => {
    expect(methodTransition(from, action)).toEqual({ error: { from, to: METHOD_TARGET[action] } });
  });
});

describe('instance transitions (SPEC §4.3, second table)', () => {
  it('covers all 16 cells', () => expect(instanceCells).toHaveLength(16));

  it.each(instanceCells.filter((c) => c.to !== null))('$from --$action--> $to', ({ from, action, to }) => {
    expect(instanceTransition(from, action)).toEqual({ next: to });
  });

  it.each(instanceCells.filter((c) => c.to === null))('$from --$action--> refused naming from and to', ({ from, action }) => {
    expect(instanceTransition(from, action)).toEqual({ error: { from, to: INSTANCE_TARGET[action] } });
  });
});
