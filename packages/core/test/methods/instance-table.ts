import type { InstanceAction } from '../../src/methods/transition-rules.js';
import type { InstanceState } from '../../src/methods/types.js';

/*
 * SPEC §4.3's instance table transcribed cell by cell, independently of the
 * data in src/methods/transition-rules.ts, for the pure and the engine-level tests: null is a "–"
 * cell, refused naming from and to.
 */
export const INSTANCE_SPEC: Record<InstanceState, Record<InstanceAction, InstanceState | null>> = {
  INITIATED: { activate: 'ACTIVE', block: null, unblock: null, deactivate: 'DEACTIVATED' },
  ACTIVE: { activate: null, block: 'BLOCKED', unblock: null, deactivate: 'DEACTIVATED' },
  BLOCKED: { activate: null, block: null, unblock: 'ACTIVE', deactivate: 'DEACTIVATED' },
  DEACTIVATED: { activate: null, block: null, unblock: null, deactivate: null },
};

export const INSTANCE_TARGET: Record<InstanceAction, InstanceState> = {
  activate: 'ACTIVE',
  block: 'BLOCKED',
  unblock: 'ACTIVE',
  deactivate: 'DEACTIVATED',
};

/** Every cell of the table. */
export const instanceCells = Object.entries(INSTANCE_SPEC).flatMap(([from, row]) =>
  Object.entries(row).map(([action, to]) => ({ from: from as InstanceState, action: action as InstanceAction, to })),
);
