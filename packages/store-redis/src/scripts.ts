import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { COMMIT_LUA } from './lua/commit.js';
import { DROP_LUA } from './lua/drop.js';
import { LIST_LUA } from './lua/list.js';
import { READ_LUA } from './lua/read.js';
import { SCAN_LUA } from './lua/scan.js';

/** A Lua script with its SHA-1, run with `EVALSHA`. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

const script = (source: string): LuaScript => ({ source, sha: createHash('sha1').update(source).digest('hex') });

export const SCRIPTS = {
  commit: script(COMMIT_LUA),
  read: script(READ_LUA),
  list: script(LIST_LUA),
  scan: script(SCAN_LUA),
  drop: script(DROP_LUA),
} as const;

export type Arg = string | number;

/** One script call: the script, its keys (all of one partition) and its other arguments. */
export interface ScriptCall {
  readonly script: LuaScript;
  readonly keys: readonly string[];
  readonly args: readonly Arg[];
}

const isNoScript = (e: unknown): boolean => e instanceof Error && e.message.startsWith('NOSCRIPT');

/**
 * A server that cannot run scripts answers `ERR unknown command 'evalsha'`
 * (a proxy or a managed service that disabled scripting); say so plainly.
 */
function explain(e: unknown, operation: string): unknown {
  if (e instanceof Error && /unknown command .?(evalsha|eval)\b/i.test(e.message)) {
    return new Error(`${operation}: the Redis server does not run Lua scripts (EVALSHA); @ntpass/store-redis needs Redis 6.2+ with scripting enabled`, {
      cause: e,
    });
  }
  return e;
}

/**
 * Runs scripts with `EVALSHA`, falling back to `EVAL` (which also caches the
 * script) when the server answers `NOSCRIPT` after a restart or a failover.
 * A `NOSCRIPT` reply means the script did not run, so the retry cannot apply
 * anything twice. On a Cluster, ioredis routes each call by its keys' slot.
 */
export function createScriptRunner(client: Redis | Cluster) {
  const runOne = async (operation: string, call: ScriptCall): Promise<unknown> => {
    const argv = [...call.keys, ...call.args];
    try {
      try {
        return await client.evalsha(call.script.sha, call.keys.length, ...argv);
      } catch (e) {
        if (!isNoScript(e)) throw e;
        return await client.eval(call.script.source, call.keys.length, ...argv);
      }
    } catch (e) {
      throw explain(e, operation);
    }
  };

  /**
   * Runs independent calls in one round trip: one pipeline on a single
   * Redis; on a Cluster, concurrent calls that ioredis writes to each node's
   * connection back to back (a Cluster pipeline must not span nodes).
   */
  const runMany = async (operation: string, calls: readonly ScriptCall[]): Promise<unknown[]> => {
    if (client.isCluster || calls.length === 1) return Promise.all(calls.map((call) => runOne(operation, call)));
    const pipeline = client.pipeline();
    for (const call of calls) pipeline.evalsha(call.script.sha, call.keys.length, ...call.keys, ...call.args);
    const replies = (await pipeline.exec()) ?? [];
    if (replies.length !== calls.length) throw new Error(`${operation}: the pipeline returned ${replies.length} replies for ${calls.length} calls`);
    const failed = replies.find(([error]) => error && !isNoScript(error));
    if (failed) throw explain(failed[0], operation);
    // Only calls that did not run (NOSCRIPT) are sent again.
    return Promise.all(replies.map(([error, result], i) => (error ? runOne(operation, calls[i]!) : result)));
  };

  return { runOne, runMany };
}
