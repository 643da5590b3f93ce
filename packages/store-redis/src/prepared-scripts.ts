import type { Commit, CommitResult } from '@ntpass/core';
import { encodePrepared, hashTokens, sameTokens, type PreparedCommit, type ShapeToken } from './commit-shape.js';
import { compileShape } from './lua/compile-shape.js';
import { preparedCommitReply } from './replies.js';
import { luaScript, type LuaScript } from './scripts.js';

/** How many shapes one store prepares; commits of further shapes use the generic script. */
export const MAX_SHAPES = 256;

/** A shape's script, and where its positional reply puts each counter and record (lua/compile-shape.ts). */
export interface Shape {
  readonly script: LuaScript;
  /** The same commit run for several commits of the shape on one partition in one call (lua/joined.ts). */
  readonly joined: LuaScript;
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
 * The prepared commit scripts of one store, by shape: a shape is compiled
 * (and hashed) on its first commit and reused for every later one. Shapes
 * are found by a hash of their tokens (commit-shape.ts), then compared token
 * by token. The engine sends a few dozen shapes; the bound keeps a host that
 * invents shapes from filling Redis's script cache.
 */
export function createShapeCache(limit = MAX_SHAPES) {
  const byHash = new Map<number, { readonly tokens: readonly ShapeToken[]; readonly shape: Shape }[]>();
  let size = 0;
  // Reused by every commit: prepare() runs to its end without yielding.
  const tokens: ShapeToken[] = [];
  return {
    /**
     * The shape and encoding of `commit` (already validated), or undefined
     * for the generic path. Its reply reads with {@link preparedReply}: a
     * plain object and a shared function, no decoder closure per commit
     * (under tsx, with keepNames, each closure also cost a defineProperty).
     */
    prepare(commit: Commit, graceMs: number): PreparedCall | undefined {
      const encoded = encodePrepared(commit, graceMs, tokens);
      if (encoded === undefined) return undefined;
      const hash = hashTokens(tokens);
      const bucket = byHash.get(hash);
      if (bucket !== undefined) {
        for (const entry of bucket) if (sameTokens(entry.tokens, tokens)) return { shape: entry.shape, encoded };
      }
      if (size >= limit) return undefined;
      const compiled = compileShape(commit);
      const shape: Shape = { script: luaScript(compiled.source), joined: luaScript(compiled.joined), counters: compiled.counters, records: compiled.records };
      const entry = { tokens: tokens.slice(), shape };
      if (bucket === undefined) byHash.set(hash, [entry]);
      else bucket.push(entry);
      size++;
      return { shape, encoded };
    },
    /** Shapes compiled so far. */
    get size(): number {
      return size;
    },
  };
}
