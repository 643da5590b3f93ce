import type { Commit } from '@ntpass/core';

/** Above this many record keys a commit locks its whole partition instead (the server's lock table is shared and bounded). */
export const MAX_KEY_LOCKS = 256;

/**
 * The record-key locks a commit takes before its checks, as the commit
 * function expects them: 32-bit hashes of (partition, key), sorted — the one
 * global order that keeps commits from deadlocking — each exclusive (`true`)
 * if the commit writes the record, shared if it only reads it (a check, a
 * `{ key, field }` bound). `null` for a commit of more than
 * {@link MAX_KEY_LOCKS} keys: it takes the partition exclusively. Computed
 * here rather than in SQL: a redemption's commit then spends its server time
 * on its own work. Two keys sharing a hash only make their commits wait for
 * each other.
 */
export function lockPlan(c: Commit): { keys: number[] | null; exclusive: boolean[] | null } {
  const modes = new Map<string, boolean>();
  const read = (key: string) => {
    if (!modes.has(key)) modes.set(key, false);
  };
  for (const check of c.checks ?? []) read(check.key);
  for (const op of c.ops) {
    if (op.type === 'put' || op.type === 'patch' || op.type === 'delete') modes.set(op.key, true);
    else if (op.type === 'add') {
      for (const part of [op.min, op.max].flat()) if (typeof part === 'object' && part !== null) read(part.key);
    }
  }
  if (modes.size > MAX_KEY_LOCKS) return { keys: null, exclusive: null };
  const byHash = new Map<number, boolean>();
  for (const [key, x] of modes) {
    const h = fnv1a(`${c.partition}\u0001${key}`);
    byHash.set(h, (byHash.get(h) ?? false) || x);
  }
  const keys = [...byHash.keys()].sort((a, b) => a - b);
  return { keys, exclusive: keys.map((h) => byHash.get(h) as boolean) };
}

/** FNV-1a over the UTF-8 bytes, as a signed 32-bit integer (PostgreSQL's int4). */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte;
    h = Math.imul(h, 0x01000193);
  }
  return h | 0;
}
