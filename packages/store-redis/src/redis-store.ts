import {
  NtpassError,
  StoreRequestError,
  checkCommitRequest,
  checkDropRequest,
  checkListRequest,
  checkReadRequest,
  checkScanRequest,
  type Commit,
  type CommitResult,
  type DropRequest,
  type ListRequest,
  type ListResult,
  type ReadRequest,
  type ReadResult,
  type ScanRequest,
  type ScanResult,
  type Store,
} from '@ntpass/core';
import type { Cluster, Redis } from 'ioredis';
import { encodeCommit } from './encode-commit.js';
import { counterField, recordField } from './fields.js';
import { indexSetKey, indexValuesKey, partitionKeys } from './keys.js';
import { createLayoutCheck, layoutKey, LAYOUT, MARKER_SCRIPT } from './layout-check.js';
import { commitApplied, commitReply, listReply, readReply, scanReply } from './replies.js';
import { createCommitJoiner } from './join-commits.js';
import { createShapeCache, preparedReply, type PreparedCall } from './prepared-scripts.js';
import { createScriptRunner, SCRIPTS, type ScriptCall } from './scripts.js';
import { closeWithClient } from './transport/follow-client.js';
import type { WaitForReplicas } from './transport/replicas.js';

export type { WaitForReplicas } from './transport/replicas.js';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /**
   * An ioredis `Redis` or `Cluster` client. The host owns it: the store never
   * closes it. The store sends its scripts on connections of its own, copied
   * from the client's options but with every ioredis re-send turned off (on
   * a Cluster, one per master, routed by the client's slot map); they close
   * with `store.close()` or when the client ends.
   */
  readonly client: Redis | Cluster;
  /**
   * Prepended to every key, to share a Redis with other data or other
   * engines. Must not contain `{` or `}` (the partition is the hash tag).
   * @default 'ntpass:'
   */
  readonly prefix?: string;
  /**
   * How long a store call waits for Redis before it throws (the engine then
   * reports `STORE_UNAVAILABLE`), waiting for a connection and following
   * Cluster redirections included. A script is sent at most once: one that
   * was written but got no reply in time may still run, once, and its
   * outcome is unknown.
   * @default 5000
   */
  readonly commandTimeoutMs?: number;
  /**
   * Off by default. When set, every call that changed something (a commit
   * that applied, a drop step) is followed on the same master by
   * `WAIT count timeoutMs`; fewer acknowledgements than `count` make the call
   * throw "outcome unknown" (the engine reports `STORE_UNAVAILABLE`), never
   * succeed. Reads and refused commits do not wait. Guards acknowledged
   * writes against a failover that promotes a replica which had not
   * received them (see the README, *Durability*).
   * @default undefined
   */
  readonly waitForReplicas?: WaitForReplicas;
  /**
   * Most checks + ops in one commit (at least 64). Each commit is one Lua
   * script, which blocks Redis while it runs, so keep it moderate.
   * @default 1000
   */
  readonly maxOpsPerCommit?: number;
  /**
   * Slack added before Redis reclaims a partition whose items have all
   * expired: expiry is judged by the engine's `now`, reclaim by Redis's
   * clock, so this covers clock skew between app servers and Redis.
   * @default 60000
   */
  readonly reclaimGraceMs?: number;
}

const invalid = (field: string, problem: string) =>
  new NtpassError('INVALID_ARGUMENT', `redisStore: ${field} ${problem}`, { field });

function integerOption(value: number | undefined, field: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < min) throw invalid(field, `must be an integer >= ${min}`);
  return value;
}

/** ioredis's own `keyPrefix` (on a Cluster, in `redisOptions` or its options), which it puts before every key. */
function clientKeyPrefix(client: Redis | Cluster): string {
  const options = client.options as { keyPrefix?: unknown; redisOptions?: { keyPrefix?: unknown } };
  const prefix = options.keyPrefix ?? options.redisOptions?.keyPrefix;
  return typeof prefix === 'string' ? prefix : '';
}

function waitForReplicasOption(value: WaitForReplicas | undefined): WaitForReplicas | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'object' || value === null) throw invalid('waitForReplicas', 'must be an object { count, timeoutMs }');
  const positive = (n: unknown, field: string) => {
    if (typeof n !== 'number' || !Number.isSafeInteger(n) || n < 1) throw invalid(`waitForReplicas.${field}`, 'must be a positive integer');
    return n;
  };
  return { count: positive(value.count, 'count'), timeoutMs: positive(value.timeoutMs, 'timeoutMs') };
}

function resolveOptions(options: RedisStoreOptions) {
  if (typeof options !== 'object' || options === null) throw invalid('options', 'must be an object');
  const { client } = options;
  if (typeof client !== 'object' || client === null || typeof client.evalsha !== 'function' || typeof client.pipeline !== 'function') {
    throw invalid('client', 'must be an ioredis Redis or Cluster client');
  }
  if (client.status === 'end') throw invalid('client', 'is closed (status "end"): pass a connected client');
  if (/[{}]/.test(clientKeyPrefix(client))) throw invalid('client', 'keyPrefix must not contain { or } (the partition is the hash tag)');
  const prefix = options.prefix ?? 'ntpass:';
  if (typeof prefix !== 'string') throw invalid('prefix', 'must be a string');
  if (prefix.includes('{') || prefix.includes('}')) throw invalid('prefix', 'must not contain { or } (the partition is the hash tag)');
  return {
    client,
    prefix,
    waitForReplicas: waitForReplicasOption(options.waitForReplicas),
    commandTimeoutMs: integerOption(options.commandTimeoutMs, 'commandTimeoutMs', 5000, 1),
    maxOpsPerCommit: integerOption(options.maxOpsPerCommit, 'maxOpsPerCommit', 1000, 64),
    reclaimGraceMs: integerOption(options.reclaimGraceMs, 'reclaimGraceMs', 60_000, 0),
  };
}

/** A commit's script call, and its shape when it runs a prepared script. */
interface CommitCall extends ScriptCall {
  readonly prepared: PreparedCall | undefined;
}

/**
 * A {@link Store} on Redis or Redis Cluster (ioredis 5). Every call is one
 * Lua script over the keys of one partition, which share the hash tag
 * `{<partition>}` and so one Cluster slot; a commit is atomic because Redis
 * runs a script alone. See the package README for the key layout.
 */
export function redisStore(options: RedisStoreOptions): Store {
  return redisStoreWith(options, { preparedShapes: true, joinCommits: true });
}

/** How a store runs commits; tests compare the prepared path with the generic one. */
export interface StoreInternals {
  /** Commits of a shape run a script generated for it (see prepared-scripts.ts); off: every commit runs the generic script. */
  readonly preparedShapes: boolean;
  /** Prepared commits of one shape and partition started in one turn run as one call (see join-commits.ts); off: a call each. */
  readonly joinCommits: boolean;
}

/** {@link redisStore} with its internals chosen (not exported from the package). */
export function redisStoreWith(options: RedisStoreOptions, internals: StoreInternals): Store & { readonly shapes: number } {
  const { client, prefix, commandTimeoutMs, maxOpsPerCommit, reclaimGraceMs, waitForReplicas } = resolveOptions(options);
  const runner = createScriptRunner(client, { keyPrefix: clientKeyPrefix(client), timeoutMs: commandTimeoutMs, waitForReplicas });
  const unfollow = closeWithClient(client, runner.close);
  // The marker is idempotent and tells nothing a failover could lose, so it never waits for replicas.
  const layoutChecked = createLayoutCheck(client, prefix, clientKeyPrefix(client), (operation, write) =>
    runner.runOne(operation, { script: MARKER_SCRIPT, keys: [layoutKey(prefix)], args: write ? [LAYOUT] : [] }),
  );
  const run = (operation: string, call: ScriptCall) => {
    // Once the prefix's layout is known good (the first call), a call is its one script.
    const pending = layoutChecked(operation);
    return pending ? pending.then(() => runner.runOne(operation, call)) : runner.runOne(operation, call);
  };

  const shapes = createShapeCache();
  /** A commit's script call; `prepared` when it runs its shape's script (whose reply is positional). */
  const commitCall = (commit: Commit): CommitCall => {
    checkCommitRequest(commit, maxOpsPerCommit);
    const k = partitionKeys(prefix, commit.partition, 'commit');
    const keys = [k.records, k.indexNames];
    const prepared = internals.preparedShapes ? shapes.prepare(commit, reclaimGraceMs) : undefined;
    if (prepared !== undefined) return { script: prepared.shape.script, keys, args: prepared.encoded.args, wrote: commitApplied, prepared };
    return { script: SCRIPTS.commit, keys, args: encodeCommit(commit, reclaimGraceMs), wrote: commitApplied, prepared: undefined };
  };
  const commitResult = (call: CommitCall, reply: unknown): CommitResult =>
    call.prepared === undefined ? commitReply(reply) : preparedReply(reply, call.prepared);

  const read = async (request: ReadRequest): Promise<ReadResult> => {
    checkReadRequest(request);
    const k = partitionKeys(prefix, request.partition, 'read');
    const records = request.records ?? [];
    const counters = request.counters ?? [];
    if (records.length + counters.length === 0) return { records: [], counters: [] };
    const call = { script: SCRIPTS.read, keys: [k.records], args: [request.now, records.length, ...records.map(recordField), ...counters.map(counterField)] };
    return readReply(await run('redisStore.read', call));
  };

  const joined = createCommitJoiner('redisStore.commit', run);
  const commit = async (c: Commit): Promise<CommitResult> => {
    const call = commitCall(c);
    if (call.prepared !== undefined && internals.joinCommits) return commitResult(call, await joined(call, call.prepared.shape));
    return commitResult(call, await run('redisStore.commit', call));
  };

  const commitBatch = async (commits: readonly Commit[]): Promise<CommitResult[]> => {
    // Validate every commit before sending any, so a malformed one applies nothing.
    const calls = commits.map(commitCall);
    if (calls.length === 0) return [];
    const pending = layoutChecked('redisStore.commitBatch');
    const send = () => runner.runMany('redisStore.commitBatch', calls);
    const replies = await (pending ? pending.then(send) : send());
    return replies.map((reply, i) => commitResult(calls[i]!, reply));
  };

  const list = async (request: ListRequest): Promise<ListResult> => {
    checkListRequest(request);
    const { base } = partitionKeys(prefix, request.partition, 'list');
    const call = {
      script: SCRIPTS.list,
      keys: [indexSetKey(base, request.index), indexValuesKey(base, request.index)],
      args: [request.offset, request.count],
    };
    return listReply(await run('redisStore.list', call));
  };

  const scan = async (request: ScanRequest): Promise<ScanResult> => {
    checkScanRequest(request);
    const k = partitionKeys(prefix, request.partition, 'scan');
    if (request.cursor !== undefined && !/^[0-9]+$/.test(request.cursor)) throw new StoreRequestError('scan: cursor must be one a scan returned');
    const call = { script: SCRIPTS.scan, keys: [k.records], args: [request.now, request.cursor ?? '0', request.limit, request.prefix ?? ''] };
    return scanReply(await run('redisStore.scan', call));
  };

  const dropPartition = async (request: DropRequest): Promise<{ done: boolean }> => {
    checkDropRequest(request);
    const k = partitionKeys(prefix, request.partition, 'dropPartition');
    const call = { script: SCRIPTS.drop, keys: [k.records, k.indexNames], args: [request.limit], wrote: () => true };
    const reply = await run('redisStore.dropPartition', call);
    return { done: reply === 1 };
  };

  return {
    get shapes() {
      return shapes.size;
    },
    limits: { maxOpsPerCommit },
    read,
    commit,
    commitBatch,
    list,
    scan,
    dropPartition,
    // The host owns the client and closes it; the store closes only its own connections.
    close: async () => {
      unfollow();
      runner.close();
    },
  };
}
