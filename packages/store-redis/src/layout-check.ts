import { createHash } from 'node:crypto';
import { NtpassError } from '@ntpass/core';
import type { Cluster, Redis } from 'ioredis';
import type { LuaScript } from './scripts.js';

/*
 * Which key layout a prefix holds. The store writes a marker key
 * `<prefix>layout` = LAYOUT on first use; a store that finds another value,
 * or finds no marker but keys of the 0.1.0 layout (`<prefix>{P}:r` records,
 * `<prefix>{P}:c` counters), refuses every call rather than misread them.
 */

/** The marker's value for this layout. */
export const LAYOUT = 'ntpass-redis-layout:3';

/** The marker key (before ioredis's own `keyPrefix`, which ioredis adds). */
export const layoutKey = (prefix: string): string => `${prefix}layout`;

const MARKER_LUA = `local v = redis.call('GET', KEYS[1])
if v then return v end
if ARGV[1] then
  redis.call('SET', KEYS[1], ARGV[1])
  return ARGV[1]
end
return false`;

/**
 * Reads the marker, or writes `LAYOUT` when it is absent and ARGV[1] is
 * given. Sent through the store's own transport like every other script, so
 * the first call of a store fails like any call when Redis is away.
 */
export const MARKER_SCRIPT: LuaScript = { source: MARKER_LUA, sha: createHash('sha1').update(MARKER_LUA).digest('hex') };

/** Runs {@link MARKER_SCRIPT} on the marker key: the marker's value, or `null`. */
export type MarkerCall = (operation: string, write: boolean) => Promise<unknown>;

const escapeGlob = (s: string): string => s.replace(/[*?[\]\\]/g, '\\$&');
const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function refuse(operation: string, prefix: string, found: string): NtpassError {
  return new NtpassError(
    'STORE_UNAVAILABLE',
    `${operation}: the keys under prefix ${JSON.stringify(prefix)} are ${found}, which this version of @ntpass/store-redis cannot read; ` +
      'use another prefix (or delete those keys)',
  );
}

/** Whether any key of the 0.1.0 layout exists under `fullPrefix` (SCAN of every master; run once per store). */
async function hasOldLayoutKeys(client: Redis | Cluster, fullPrefix: string): Promise<boolean> {
  const old = new RegExp(`^${escapeRegExp(fullPrefix)}\\{[^{}]*\\}:[rc]$`);
  const nodes: Redis[] = client.isCluster ? (client as Cluster).nodes('master') : [client as Redis];
  for (const node of nodes) {
    let cursor = '0';
    do {
      // SCAN patterns get no keyPrefix from ioredis: the full prefix is spelled out.
      const [next, keys] = await node.scan(cursor, 'MATCH', `${escapeGlob(fullPrefix)}{*}:[rc]`, 'COUNT', 1000);
      if (keys.some((k) => old.test(k))) return true;
      cursor = next;
    } while (cursor !== '0');
  }
  return false;
}

/**
 * Checks once per store that `prefix` holds this layout (or nothing yet) and
 * marks it; later calls reuse the answer. A check that failed for lack of
 * Redis is tried again on the next call.
 */
export function createLayoutCheck(client: Redis | Cluster, prefix: string, clientPrefix: string, marker: MarkerCall) {
  // What the prefix was found to hold, when it is refused; null once known good.
  let verdict: Promise<string | null> | null = null;
  let ok = false;

  async function check(operation: string): Promise<string | null> {
    let found = await marker(operation, false);
    if (found === null) {
      if (await hasOldLayoutKeys(client, clientPrefix + prefix)) return 'in the 0.1.0 key layout';
      found = await marker(operation, true);
    }
    if (found !== LAYOUT) return `marked ${JSON.stringify(found)} (this version writes ${JSON.stringify(LAYOUT)})`;
    ok = true;
    return null;
  }

  /** `undefined` once the layout is known good; else resolves when it is, or rejects with a clear error. */
  return (operation: string): Promise<void> | undefined => {
    if (ok) return undefined;
    if (verdict === null) {
      // A refusal stands; an infrastructure failure is tried again by the next call.
      verdict = check(operation).catch((e: unknown) => {
        verdict = null;
        throw e;
      });
    }
    return verdict.then((found) => {
      if (found !== null) throw refuse(operation, prefix, found);
    });
  };
}
