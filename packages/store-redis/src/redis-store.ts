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
import { indexSetKey, indexValuesKey, partitionKeys } from './keys.js';
import { createLayoutCheck } from './layout-check.js';
import { commitReply, listReply, readReply, scanReply } from './replies.js';
import { createScriptRunner, SCRIPTS, type ScriptCall } from './scripts.js';
import { withTimeout } from './with-timeout.js';

/** Options of {@link redisStore}. */
export interface RedisStoreOptions {
  /**
   * An ioredis `Redis` or `Cluster` client. The host owns it: the store never
   * connects, reconnects or closes it.
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
   * reports `STORE_UNAVAILABLE`: the outcome is unknown).
   * @default 5000
   */
  readonly commandTimeoutMs?: number;
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
    commandTimeoutMs: integerOption(options.commandTimeoutMs, 'commandTimeoutMs', 5000, 1),
    maxOpsPerCommit: integerOption(options.maxOpsPerCommit, 'maxOpsPerCommit', 1000, 64),
    reclaimGraceMs: integerOption(options.reclaimGraceMs, 'reclaimGraceMs', 60_000, 0),
  };
}

/**
 * A {@link Store} on Redis or Redis Cluster (ioredis 5). Every call is one
 * Lua script over the keys of one partition, which share the hash tag
 * `{<partition>}` and so one Cluster slot; a commit is atomic because Redis
 * runs a script alone. See the package README for the key layout.
 */
export function redisStore(options: RedisStoreOptions): Store {
  const { client, prefix, commandTimeoutMs, maxOpsPerCommit, reclaimGraceMs } = resolveOptions(options);
  const { runOne, runMany } = createScriptRunner(client);
  const layoutChecked = createLayoutCheck(client, prefix, clientKeyPrefix(client));
  const timed = <T>(operation: string, work: Promise<T>) => withTimeout(work, commandTimeoutMs, operation, () => client.status);
  const run = (operation: string, call: ScriptCall) => {
    // Once the prefix's layout is known good (the first call), a call is its one script.
    const pending = layoutChecked(operation);
    return timed(operation, pending ? pending.then(() => runOne(operation, call)) : runOne(operation, call));
  };

  const commitCall = (commit: Commit): ScriptCall => {
    checkCommitRequest(commit, maxOpsPerCommit);
    const k = partitionKeys(prefix, commit.partition, 'commit');
    return { script: SCRIPTS.commit, keys: [k.records, k.counters, k.indexNames], args: encodeCommit(commit, reclaimGraceMs) };
  };

  const read = async (request: ReadRequest): Promise<ReadResult> => {
    checkReadRequest(request);
    const k = partitionKeys(prefix, request.partition, 'read');
    const records = request.records ?? [];
    const counters = request.counters ?? [];
    if (records.length + counters.length === 0) return { records: [], counters: [] };
    const call = { script: SCRIPTS.read, keys: [k.records, k.counters], args: [request.now, records.length, ...records, ...counters] };
    return readReply(await run('redisStore.read', call));
  };

  const commit = async (c: Commit): Promise<CommitResult> => {
    const call = commitCall(c);
    return commitReply(await run('redisStore.commit', call));
  };

  const commitBatch = async (commits: readonly Commit[]): Promise<CommitResult[]> => {
    // Validate every commit before sending any, so a malformed one applies nothing.
    const calls = commits.map(commitCall);
    if (calls.length === 0) return [];
    const pending = layoutChecked('redisStore.commitBatch');
    const send = () => runMany('redisStore.commitBatch', calls);
    const replies = await timed('redisStore.commitBatch', pending ? pending.then(send) : send());
    return replies.map(commitReply);
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
    const call = { script: SCRIPTS.drop, keys: [k.records, k.counters, k.indexNames], args: [request.limit] };
    const reply = await run('redisStore.dropPartition', call);
    return { done: reply === 1 };
  };

  return {
    limits: { maxOpsPerCommit },
    read,
    commit,
    commitBatch,
    list,
    scan,
    dropPartition,
    // The host owns the client and closes it; the store opened nothing.
    close: async () => undefined,
  };
}
