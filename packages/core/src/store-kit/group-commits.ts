import type { Commit, CommitResult } from '../store.js';
import { applyCommit } from './apply-commit.js';
import type { RowDriver } from './row-driver.js';

/*
 * Group commit: commits that callers start in the same turn (64 redemptions
 * in flight) are applied one after another inside ONE write unit, so they
 * share one `BEGIN IMMEDIATE`/`COMMIT`, one lock round and one WAL append
 * instead of paying each for its own (on SQLite that is most of a small
 * commit's cost). Each commit is still checked and applied on its own, in
 * call order, and refused on its own; a promise settles only once the unit
 * that holds its commit has committed, so a reported success is as durable
 * as with one unit per commit.
 */

interface Pending {
  readonly commit: Commit;
  readonly resolve: (result: CommitResult) => void;
  readonly reject: (error: unknown) => void;
}

/** Queues commits and applies them in groups; `flush` runs what is queued now (before any other call, to keep call order). */
export interface CommitGroups {
  commit(commit: Commit): Promise<CommitResult>;
  flush(): void;
}

/**
 * @param maxCommits most commits in one write unit
 * @param maxOps most checks + ops in one write unit (a commit alone may reach it)
 * @param after called after each unit with the earliest `now` of its commits
 */
export function commitGroups<P>(d: RowDriver<P>, maxCommits: number, maxOps: number, after: (now: number) => void): CommitGroups {
  let queue: Pending[] = [];
  let scheduled = false;

  /** Applies the first group of `queue`; returns the commits it did not settle, in order. */
  const applyGroup = (pending: Pending[]): Pending[] => {
    let size = 0;
    let ops = 0;
    while (size < pending.length && size < maxCommits) {
      const c = pending[size]!.commit;
      const n = (c.checks?.length ?? 0) + c.ops.length;
      if (size > 0 && ops + n > maxOps) break;
      ops += n;
      size += 1;
    }
    const group = pending.slice(0, size);
    const rest = pending.slice(size);
    let applying = -1;
    let now = Infinity;
    try {
      const results = d.atomic('write', () => {
        const out = group.map((p, i) => {
          applying = i;
          return applyCommit(d, p.commit);
        });
        applying = group.length;
        return out;
      });
      for (let i = 0; i < group.length; i++) {
        const p = group[i]!;
        if (p.commit.now < now) now = p.commit.now;
        p.resolve(results[i]!);
      }
    } catch (e) {
      // The unit rolled back: nothing of the group was applied. The commit that threw gets the
      // error; the others run again in the next group, unless the unit itself failed (its start
      // or its end), which then fails them all.
      if (applying < 0 || applying >= group.length || group.length === 1) {
        for (const p of group) p.reject(e);
      } else {
        group[applying]!.reject(e);
        return [...group.filter((_, i) => i !== applying), ...rest];
      }
      return rest;
    }
    after(now);
    return rest;
  };

  const flush = (): void => {
    scheduled = false;
    while (queue.length > 0) {
      const pending = queue;
      queue = [];
      let rest = pending;
      while (rest.length > 0) rest = applyGroup(rest);
    }
  };

  return {
    commit: (commit) =>
      new Promise<CommitResult>((resolve, reject) => {
        queue.push({ commit, resolve, reject });
        if (!scheduled) {
          scheduled = true;
          queueMicrotask(flush);
        }
      }),
    flush,
  };
}
