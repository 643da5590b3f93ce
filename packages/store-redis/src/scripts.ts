import { createHash } from 'node:crypto';
import type { Cluster, Command, Redis } from 'ioredis';
import { COMMIT_LUA } from './lua/commit.js';
import { DROP_LUA } from './lua/drop.js';
import { LIST_LUA } from './lua/list.js';
import { READ_LUA } from './lua/read.js';
import { SCAN_LUA } from './lua/scan.js';
import { waitForReplicas, type WaitForReplicas } from './transport/replicas.js';
import { verdict, type Verdict } from './transport/reply-errors.js';
import { createDeadlines } from './transport/deadlines.js';
import { WireCommand } from './transport/wire-command.js';
import { writeInWaves } from './transport/write-waves.js';
import { clusterRouter, standaloneRouter, type Router } from './transport/router.js';

/** The options `new Command(...)` takes (ioredis does not export their type by name). */
type CommandOptions = NonNullable<ConstructorParameters<typeof Command>[2]>;

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
  /** Commits the call carries, when more than one (a joined call): its weight in a write wave. */
  readonly commits?: number;
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

const UTF8_REPLIES: CommandOptions = { replyEncoding: 'utf8' };

/** What ioredis's own command methods (`conn.evalsha(...)`) give a Command: replies as UTF-8 strings (the keyPrefix is applied by `send`). */
function commandOptions(conn: Redis): CommandOptions {
  return conn.options.showFriendlyErrorStack ? { replyEncoding: 'utf8', errorStack: new Error() } : UTF8_REPLIES;
}

/**
 * The scripts each connection has been sent in full (`EVAL`) since it last
 * answered `NOSCRIPT`. A script's first call on a connection goes as `EVAL`,
 * which also caches it, so the calls written behind it on that connection find
 * it: without this, a fresh server (or a restarted or newly promoted one)
 * answered `NOSCRIPT` to every call of a pipelined bulk issue, and each was
 * sent again in full (a first bulk issue of 20 000 codes on a fresh server
 * took 1.46–1.66 s, now 1.20–1.31 s). A `NOSCRIPT` forgets the script there.
 */
const sentInFull = new WeakMap<Redis, Set<string>>();

function scriptsSentTo(conn: Redis): Set<string> {
  let sent = sentInFull.get(conn);
  if (sent === undefined) sentInFull.set(conn, (sent = new Set()));
  return sent;
}

const POLL_MS = 20;
const BACK_OFF_MS = POLL_MS * 5;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const noop = () => undefined;

/** Where the next attempt of a call goes. */
interface Attempt {
  useEval: boolean;
  ask: string | undefined;
  redirections: number;
  /** The last reply that proved the call did not run, for the message if time runs out. */
  refused: string | undefined;
  /** The connection of the attempt that got the reply (WAIT goes there). */
  conn: Redis | undefined;
}

/**
 * Runs scripts so that each is **executed at most once**: on connections of
 * the store's own whose options forbid every re-send ioredis does (see
 * `transport/at-most-once.ts`); on a Cluster, straight to the master of the
 * call's slot. A call is sent again only after a reply that proves it did
 * not run — `NOSCRIPT` (then as `EVAL`, which also caches the script, e.g.
 * on a newly promoted master; a script's first call on a connection goes as
 * `EVAL` anyway), `MOVED`/`ASK` (following the redirection and
 * refreshing the slot map), `TRYAGAIN`, `CLUSTERDOWN`, `LOADING` — or when
 * it could not be written at all (no open connection), until the call's
 * deadline. A call that was written and then lost its connection, or got no
 * reply in time, fails with "outcome unknown" and is never sent again.
 */
export function createScriptRunner(client: Redis | Cluster, options: ScriptRunnerOptions) {
  const { timeoutMs } = options;
  const router: Router = client.isCluster ? clusterRouter(client as Cluster, options.keyPrefix) : standaloneRouter(client as Redis);

  const deadlines = createDeadlines();

  /** The connection for `key` (or the ASK target) if it is open now, without waiting: the common case. */
  function readyConnection(key: string, attempt: Attempt, deadline: number): Redis | undefined {
    const slot = attempt.ask !== undefined ? router.node(attempt.ask) : router.route(key);
    const conn = slot?.get();
    return conn?.status === 'ready' && deadline > Date.now() ? conn : undefined;
  }

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

  /**
   * Writes the script once; its reply is the command's promise, which the
   * call's deadline rejects if no reply came by then (the command may still
   * run: outcome unknown). Its bytes are built here in one Buffer
   * (transport/wire-command.ts); the arguments are those
   * `conn.evalsha(sha, keys.length, ...keys, ...args)` would send, keys under
   * the connection's keyPrefix.
   */
  function send(operation: string, conn: Redis, call: ScriptCall, attempt: Attempt, deadline: number): WireCommand {
    writeInWaves(conn, call.commits);
    const { keys, args } = call;
    const sent = scriptsSentTo(conn);
    let useEval = attempt.useEval;
    if (!sent.has(call.script.sha)) {
      sent.add(call.script.sha);
      useEval = true;
    }
    const keyPrefix = conn.options.keyPrefix ?? '';
    const argv = new Array<Arg>(2 + keys.length + args.length);
    argv[0] = useEval ? call.script.source : call.script.sha;
    argv[1] = keys.length;
    for (let i = 0; i < keys.length; i++) argv[2 + i] = keyPrefix + keys[i]!;
    for (let i = 0; i < args.length; i++) argv[2 + keys.length + i] = args[i]!;
    const command = new WireCommand(useEval ? 'eval' : 'evalsha', argv, commandOptions(conn));
    command.operation = operation;
    command.budgetMs = Math.max(0, Math.round(deadline - Date.now()));
    command.connection = conn;
    // ASKING and the script are written back to back on the same connection.
    if (attempt.ask !== undefined) conn.asking().catch(noop);
    conn.sendCommand(command);
    return command;
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
    if (v.kind === 'later' || ++attempt.redirections > 3) {
      const left = deadline - Date.now();
      // A back-off that would end in the budget's last moments runs it out instead (a timer may wake a
      // millisecond early by the wall clock): the call then fails with what Redis answered, rather than
      // sending once more with no time left for a reply and ending "outcome unknown".
      await sleep(left <= BACK_OFF_MS ? Math.max(0, left) + 1 : BACK_OFF_MS);
    }
    return true;
  }

  const fresh = (): Attempt => ({ useEval: false, ask: undefined, redirections: 0, refused: undefined, conn: undefined });

  /** The call's reply; `attempt.conn` is then the connection that gave it. */
  async function attemptUntilDone(operation: string, call: ScriptCall, deadline: number, attempt: Attempt): Promise<unknown> {
    for (;;) {
      const key = call.keys[0]!;
      const conn = readyConnection(key, attempt, deadline) ?? (await connection(operation, key, attempt, deadline));
      const command = send(operation, conn, call, attempt, deadline);
      const due = deadlines.add(deadline, command);
      try {
        const reply: unknown = await command.promise;
        deadlines.settle(due);
        attempt.conn = conn;
        return reply;
      } catch (e) {
        deadlines.settle(due);
        const v = verdict(e, router.cluster);
        if (v.kind === 'noscript') scriptsSentTo(conn).delete(call.script.sha);
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
    const attempt = fresh();
    const reply = await attemptUntilDone(operation, call, Date.now() + timeoutMs, attempt);
    if (options.waitForReplicas && call.wrote?.(reply)) await waitFor(operation, attempt.conn!);
    return reply;
  };

  /**
   * Runs independent calls in one round trip per node: each is sent as
   * {@link runOne} sends it, in the same turn, so a node's commands leave in
   * a few socket writes (see transport/write-waves.ts) and their bytes are built
   * once each, with no ioredis pipeline around them. A call whose reply
   * proves it did not run goes again on its own; the first that fails fails
   * the batch.
   */
  const runMany = async (operation: string, calls: readonly ScriptCall[]): Promise<unknown[]> => {
    if (calls.length === 1) return [await runOne(operation, calls[0]!)];
    const deadline = Date.now() + timeoutMs;
    const wrote = new Set<Redis>();
    const replies = await Promise.all(
      calls.map(async (call) => {
        const attempt = fresh();
        const reply = await attemptUntilDone(operation, call, deadline, attempt);
        if (call.wrote?.(reply)) wrote.add(attempt.conn!);
        return reply;
      }),
    );
    await Promise.all([...wrote].map((conn) => waitFor(operation, conn)));
    return replies;
  };

  return {
    runOne,
    runMany,
    close: () => router.close(),
    /** Calls waiting for a reply, by their deadlines (for tests). */
    get pending() {
      return deadlines.pending;
    },
  };
}
