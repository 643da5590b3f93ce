import type { MethodCardinality } from '../options.js';

/** The method types an engine knows, with their cardinality (SPEC §4.1). */
export interface MethodRegistry {
  /** Every known type: the built-in six, then configured ones. */
  readonly types: readonly string[];
  /** True for a known type. */
  has(methodType: string): boolean;
  /** `'single'` when activating one instance deactivates the others; `'multi'` otherwise. */
  cardinality(methodType: string): MethodCardinality;
}

/** Builds the registry from the resolved `methodTypes` option (built-ins plus the host's own). */
export function createMethodRegistry(methodTypes: ReadonlyMap<string, MethodCardinality>): MethodRegistry {
  const types = [...methodTypes.keys()];
  return {
    types,
    has: (methodType) => methodTypes.has(methodType),
    // Callers validate the type first; 'multi' is the harmless answer for anything else.
    cardinality: (methodType) => methodTypes.get(methodType) ?? 'multi',
  };
}
