import type { Commit } from '@ntpass/core';
import { encodePrepared } from './commit-shape.js';
import { compileShape } from './lua/compile-shape.js';
import { luaScript, type LuaScript, type Arg } from './scripts.js';

/** How many shapes one store prepares; commits of further shapes use the generic script. */
export const MAX_SHAPES = 256;

/**
 * The prepared commit scripts of one store, by shape signature: a shape is
 * compiled (and hashed) on its first commit and reused for every later one.
 * The engine sends a few dozen shapes; the bound keeps a host that invents
 * shapes from filling Redis's script cache.
 */
export function createShapeCache(limit = MAX_SHAPES) {
  const scripts = new Map<string, LuaScript>();
  return {
    /** The prepared script and ARGV of `commit` (already validated), or undefined for the generic path. */
    prepare(commit: Commit, graceMs: number): { script: LuaScript; args: Arg[] } | undefined {
      const encoded = encodePrepared(commit, graceMs);
      if (encoded === undefined) return undefined;
      let script = scripts.get(encoded.signature);
      if (script === undefined) {
        if (scripts.size >= limit) return undefined;
        script = luaScript(compileShape(commit));
        scripts.set(encoded.signature, script);
      }
      return { script, args: encoded.args };
    },
    /** Shapes compiled so far. */
    get size(): number {
      return scripts.size;
    },
  };
}
