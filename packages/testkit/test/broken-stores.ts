import type { Commit, Op, Store } from '@ntpass/core';
import { memoryStore } from '@ntpass/store-memory';

/*
 * Deliberately broken adapters, each with one classic bug. The conformance
 * kit must fail on every one of them.
 */

/** Counters done as read, await, write: concurrent adds lose updates and pass bounds. */
export function nonAtomicCounterStore(): Store {
  const inner = memoryStore();
  const counters = new Map<string, number>();
  const name = (partition: string, key: string) => `${partition}\0${key}`;
  const isAdd = (op: Op): op is Extract<Op, { type: 'add' }> => op.type === 'add';
  return {
    ...inner,
    async read(request) {
      const r = await inner.read({ ...request, counters: [] });
      return { records: r.records, counters: (request.counters ?? []).map((k) => counters.get(name(request.partition, k)) ?? 0) };
    },
    async commit(commit: Commit) {
      const adds = commit.ops.filter(isAdd);
      const before = adds.map((op) => counters.get(name(commit.partition, op.key)) ?? 0);
      // The bug: a yield between reading and writing the counter.
      await new Promise((resolve) => setImmediate(resolve));
      for (let i = 0; i < adds.length; i++) {
        const op = adds[i]!;
        const next = before[i]! + op.by;
        if (typeof op.max === 'number' && next > op.max) return { ok: false, at: 'op', index: commit.ops.indexOf(op) };
      }
      const result = await inner.commit({ ...commit, ops: commit.ops.filter((op) => !isAdd(op)) });
      if (!result.ok) return result;
      const out: Record<string, number> = {};
      adds.forEach((op, i) => {
        counters.set(name(commit.partition, op.key), before[i]! + op.by);
        out[op.key] = before[i]! + op.by;
      });
      return { ...result, counters: out };
    },
    async commitBatch(commits) {
      return Promise.all(commits.map((c) => this.commit(c)));
    },
  };
}

/** Drops every third index entry it is asked to write. */
export function lostIndexEntryStore(): Store {
  const inner = memoryStore();
  let n = 0;
  const lose = (commit: Commit): Commit => ({
    ...commit,
    ops: commit.ops.filter((op) => op.type !== 'indexPut' || ++n % 3 !== 0),
  });
  return {
    ...inner,
    commit: (commit) => inner.commit(lose(commit)),
    commitBatch: (commits) => inner.commitBatch(commits.map(lose)),
  };
}

/** Ignores version checks, so lost races are not refused. */
export function ignoredVersionCheckStore(): Store {
  const inner = memoryStore();
  const strip = (commit: Commit): Commit => ({ ...commit, checks: (commit.checks ?? []).filter((c) => c.type !== 'version') });
  return {
    ...inner,
    commit: (commit) => inner.commit(strip(commit)),
    commitBatch: (commits) => inner.commitBatch(commits.map(strip)),
  };
}
