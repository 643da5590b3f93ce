import type { Commit, CommitResult } from '@ntpass/core';
import { encodePrepared, type PreparedCommit } from './commit-shape.js';
import { compileShape } from './lua/compile-shape.js';
import { preparedCommitReply } from './replies.js';
import { luaScript, type LuaScript } from './scripts.js';

/** How many shapes one store prepares; commits of further shapes use the generic script. */
export const MAX_SHAPES = 256;

/** A shape's script, and where its positional reply puts each counter and record (lua/compile-shape.ts). */
export interface Shape {
  readonly script: LuaScript;
  readonly counters: readonly number[];
  readonly records: readonly number[];
}

/** A commit ready to run through its shape's script. */
export interface PreparedCall {
  readonly shape: Shape;
  readonly encoded: PreparedCommit;
}

/** The result of a commit sent as `prepared`. */
export const preparedReply = (reply: unknown, prepared: PreparedCall): CommitResult => preparedCommitReply(reply, prepared.shape, prepared.encoded);

/**
 * The prepared commit scripts of one store, by shape signature: a shape is
 * compiled (and hashed) on its first commit and reused for every later one.
 * The engine sends a few dozen shapes; the bound keeps a host that invents
 * shapes from filling Redis's script cache.
 */
export function createShapeCache(limit = MAX_SHAPES) {
  const shapes = new Map<string, Shape>();
  return {
    /**
     * The shape and encoding of `commit` (already validated), or undefined
     * for the generic path. Its reply reads with {@link preparedReply}.
     */
    prepare(commit: Commit, graceMs: number): PreparedCall | undefined {
      const encoded = encodePrepared(commit, graceMs);
      if (encoded === undefined) return undefined;
      let shape = shapes.get(encoded.signature);
      if (shape === undefined) {
        if (shapes.size >= limit) return undefined;
        const compiled = compileShape(commit);
        shape = { script: luaScript(compiled.source), counters: compiled.counters, records: compiled.records };
        shapes.set(encoded.signature, shape);
      }
      // No closure per commit: under tsx (keepNames) each one costs a defineProperty.
      return { shape, encoded };
    },
    /** Shapes compiled so far. */
    get size(): number {
      return shapes.size;
    },
  };
}
