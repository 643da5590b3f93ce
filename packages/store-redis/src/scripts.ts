import { createHash } from 'node:crypto';
import type { Cluster, Redis } from 'ioredis';
import { COMMIT_LUA } from './lua/commit.js';
import { DROP_LUA } from './lua/drop.js';
import { LIST_LUA } from './lua/list.js';
import { READ_LUA } from './lua/read.js';
import { SCAN_LUA } from './lua/scan.js';
import { waitForReplicas, type WaitForReplicas } from './transport/replicas.js';
import { verdict, type Verdict } from './transport/reply-errors.js';
import { clusterRouter, standaloneRouter, type Router } from './transport/router.js';
import { withTimeout } from './with-timeout.js';

/** A Lua script with its SHA-1, run with `EVALSHA`. */
export interface LuaScript {
  readonly source: string;
  readonly sha: string;
}

export const luaScript = (source: string): LuaScript => ({ source, sha: createHash('sha1').update(source).digest('hex') });
const script = luaScript;

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
  /** Whether a reply shows the call changed something, which `waitForReplicas` then waits for; absent for reads. */
  readonly wrote?: (reply: unknown) => boolean;
}

/** Options of {@link createScriptRunner}. */
export interface ScriptRunnerOptions {
  /** ioredis's `keyPrefix` of the host's client, put before every key by the store's own connections too. */
  readonly keyPrefix: string;
  /** Budget of one call, from the first attempt to the reply (waiting for a connection, redirections included). */
  readonly timeoutMs: number;
  /** Off when undefined. */
  readonly waitForReplicas?: WaitForReplicas | undefined;
}

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
  if (e instanceof Error && e.name !== 'ReplyError' && !e.message.startsWith(operation)) {
    // ioredis's "Connection is closed." and the like: the command had been written.
    return new Error(`${operation}: the connection to Redis failed with the command in flight (${e.message}); it is never sent again; outcome unknown`, {
      cause: e,
    });
  }
  return e;
}

const POLL_MS = 20;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const noop = () => undefined;

/** Where the next attempt of a call goes. */
interface Attempt {
  useEval: boolean;
  ask: string | undefined;
  redirections: number;
  /** The last reply that proved the call did not run, for the message if time runs out. */
  refused: string | undefined;
}

/**
 * Runs scripts so that each is **executed at most once**: on connections of
 * the store's own whose options forbid every re-send ioredis does (see
 * `transport/at-most-once.ts`); on a Cluster, straight to the master of the
 * call's slot. A call is sent again only after a reply that proves it did
 * not run — `NOSCRIPT` (then as `EVAL`, which also caches the script, e.g.
 * on a newly promoted master), `MOVED`/`ASK` (following the redirection and
 * refreshing the slot map), `TRYAGAIN`, `CLUSTERDOWN`, `LOADING` — or when
 * it could not be written at all (no open connection), until the call's
 * deadline. A call that was written and then lost its connection, or got no
 * reply in time, fails with "outcome unknown" and is never sent again.
 */
/** Connections whose socket is corked until the current turn's ticks and microtasks have run. */
const corked = new Set<Redis>();

/**
 * Commands written to one connection in one turn leave in one socket write
 * (`writev`) instead of a write each: with 64 redemptions in flight, one
 * syscall per EVALSHA was a fifth of Node's CPU. The bytes and their order
 * are exactly what would have been written; only the syscalls are fewer.
 */
function writeTogetherThisTurn(conn: Redis): void {
  const { stream } = conn;
  if (corked.has(conn) || stream === undefined || stream === null) return;
  stream.cork();
  corked.add(conn);
  // A tick queued from a microtask runs once the microtask queue is empty: every send of this wave is in.
  process.nextTick(() => {
    corked.delete(conn);
    stream.uncork();
  });
}

export function createScriptRunner(client: Redis | Cluster, options: ScriptRunnerOptions) {
  const { timeoutMs } = options;
  const router: Router = client.isCluster ? clusterRouter(client as Cluster, options.keyPrefix) : standaloneRouter(client as Redis);

  /** A connection that is open now to the node for `key` (or the ASK target); nothing is sent while waiting. */
  async function connection(operation: string, key: string, attempt: Attempt, deadline: number): Promise<Redis> {
    for (;;) {
      const slot = attempt.ask !== undefined ? router.node(attempt.ask) : router.route(key);
      const conn = slot?.get();
      const left = deadline - Date.now();
      if (conn?.status === 'ready' && left > 0) return conn;
      if (conn === undefined || conn.status === 'end') router.stale();
      if (left <= 0) {
        if (attempt.refused !== undefined) throw new Error(`${operation}: Redis still answered "${attempt.refused}" after ${timeoutMs} ms; nothing was applied`);
        const state = conn ? `connection status "${conn.status}"` : `no master known for the slot, client status "${router.status()}"`;
        throw new Error(`${operation}: no connection to Redis within ${timeoutMs} ms (${state}); nothing was sent`);
      }
      await sleep(Math.min(POLL_MS, left));
    }
  }

  function send(conn: Redis, call: ScriptCall, attempt: Attempt): Promise<unknown> {
    writeTogetherThisTurn(conn);
    const argv = [...call.keys, ...call.args];
    // ASKING and the script are written back to back on the same connection.
    if (attempt.ask !== undefined) conn.asking().catch(noop);
    return attempt.useEval ? conn.eval(call.script.source, call.keys.length, ...argv) : conn.evalsha(call.script.sha, call.keys.length, ...argv);
  }

  /** Updates `attempt` after an error; false when the call must fail. */
  async function retryAfter(v: Verdict, attempt: Attempt, deadline: number): Promise<boolean> {
    if (v.kind === 'fail') return false;
    attempt.ask = undefined;
    if (v.kind === 'noscript') attempt.useEval = true;
    else if (v.kind === 'moved') router.moved(v.slot, v.node);
    else if (v.kind === 'ask') attempt.ask = v.node;
    else router.stale();
    // A redirection loop (a slot in migration, a map catching up) backs off.
    if (v.kind === 'later' || ++attempt.redirections > 3) await sleep(Math.max(0, Math.min(POLL_MS * 5, deadline - Date.now())));
    return true;
  }

  const fresh = (): Attempt => ({ useEval: false, ask: undefined, redirections: 0, refused: undefined });

  async function attemptUntilDone(operation: string, call: ScriptCall, deadline: number, attempt: Attempt): Promise<{ reply: unknown; conn: Redis }> {
    for (;;) {
      const conn = await connection(operation, call.keys[0]!, attempt, deadline);
      try {
        return { reply: await withTimeout(send(conn, call, attempt), deadline - Date.now(), operation, () => conn.status), conn };
      } catch (e) {
        const v = verdict(e, router.cluster);
        attempt.refused = (e as Error).message.slice(0, 80);
        if (!(await retryAfter(v, attempt, deadline))) {
          if (e instanceof Error && e.name !== 'ReplyError') router.stale();
          throw explain(e, operation);
        }
      }
    }
  }

  const waitFor = async (operation: string, conn: Redis) => {
    if (options.waitForReplicas) await waitForReplicas(conn, options.waitForReplicas, operation, timeoutMs);
  };

  const runOne = async (operation: string, call: ScriptCall): Promise<unknown> => {
    const { reply, conn } = await attemptUntilDone(operation, call, Date.now() + timeoutMs, fresh());
    if (call.wrote?.(reply)) await waitFor(operation, conn);
    return reply;
  };

  /**
   * Runs independent calls in one round trip per node: one pipeline on the
   * connection to each node. Calls whose reply proves they did not run go
   * again one by one.
   */
  const runMany = async (operation: string, calls: readonly ScriptCall[]): Promise<unknown[]> => {
    if (calls.length === 1) return [await runOne(operation, calls[0]!)];
    const deadline = Date.now() + timeoutMs;
    const byConn = new Map<Redis, number[]>();
    for (let i = 0; i < calls.length; i++) {
      const conn = await connection(operation, calls[i]!.keys[0]!, fresh(), deadline);
      byConn.set(conn, [...(byConn.get(conn) ?? []), i]);
    }
    const replies: unknown[] = new Array(calls.length);
    const wrote = new Set<Redis>();
    await Promise.all(
      [...byConn].map(async ([conn, indexes]) => {
        const pipeline = conn.pipeline();
        for (const i of indexes) pipeline.evalsha(calls[i]!.script.sha, calls[i]!.keys.length, ...calls[i]!.keys, ...calls[i]!.args);
        let results: [Error | null, unknown][];
        try {
          results = (await withTimeout(pipeline.exec(), deadline - Date.now(), operation, () => conn.status)) ?? [];
        } catch (e) {
          router.stale();
          throw explain(e, operation);
        }
        if (results.length !== indexes.length) throw new Error(`${operation}: the pipeline returned ${results.length} replies for ${indexes.length} calls`);
        const again: Promise<void>[] = [];
        results.forEach(([error, result], j) => {
          const i = indexes[j]!;
          const call = calls[i]!;
          if (!error) {
            replies[i] = result;
            if (call.wrote?.(result)) wrote.add(conn);
            return;
          }
          const v = verdict(error, router.cluster);
          if (v.kind === 'fail') throw explain(error, operation);
          again.push(
            (async () => {
              const attempt = fresh();
              await retryAfter(v, attempt, deadline);
              const done = await attemptUntilDone(operation, call, deadline, attempt);
              replies[i] = done.reply;
              if (call.wrote?.(done.reply)) wrote.add(done.conn);
            })(),
          );
        });
        await Promise.all(again);
      }),
    );
    await Promise.all([...wrote].map((conn) => waitFor(operation, conn)));
    return replies;
  };

  return { runOne, runMany, close: () => router.close() };
}
