import type { Shape } from './prepared-scripts.js';
import { commitApplied } from './replies.js';
import type { Arg, ScriptCall } from './scripts.js';
import { WAVE } from './transport/write-waves.js';

/*
 * Commits of one shape on one partition that callers start in the same turn
 * (64 redemptions of one instance in flight) run as ONE script call: the
 * shape's joined script (lua/joined.ts) applies them one after another, each
 * as its own call would, and replies with the list of their replies. What
 * each commit costs apart from its own work — an ioredis command and its
 * promise, a deadline, the script's name and keys on the wire, Redis's
 * command dispatch and script call — is paid once per call instead.
 *
 * A call is sent once it holds JOIN_MAX commits, the rest when the turn's
 * microtasks are done, so no commit waits beyond its turn. Its fate is the
 * fate of each of its commits: a refusal or a Lua error of one commit is
 * that commit's alone; a call that fails as a whole (no connection, lost
 * reply, no reply in time: outcome unknown) fails each of its commits with
 * that error, as separate calls written together would have failed.
 * Commits started in one turn are concurrent, so the order between groups
 * is free; within a group it is call order.
 */

/** Most commits in one joined call: one write wave (transport/write-waves.ts). */
export const JOIN_MAX = WAVE;

interface Member {
  /** A commit's call of its shape's script. */
  readonly call: ScriptCall;
  readonly resolve: (reply: unknown) => void;
  readonly reject: (error: unknown) => void;
}

/** A joined call changed something (for `waitForReplicas`) when one of its commits applied. */
const anyApplied = (reply: unknown): boolean => Array.isArray(reply) && reply.some(commitApplied);

/**
 * @param run sends one script call (the store's, layout check included) and resolves to its reply
 * @returns joins a commit's call of `shape`'s script to its turn's group; resolves to that commit's reply
 */
export function createCommitJoiner(operation: string, run: (operation: string, call: ScriptCall) => Promise<unknown>) {
  /** The turn's open groups, by shape, then by the partition's records key. */
  let open = new Map<Shape, Map<string, Member[]>>();
  let scheduled = false;

  const send = (shape: Shape, members: Member[]): void => {
    if (members.length === 1) {
      const m = members[0]!;
      run(operation, m.call).then(m.resolve, m.reject);
      return;
    }
    const { keys } = members[0]!.call;
    const args: Arg[] = [members.length];
    for (const { call } of members) {
      args.push(call.args.length);
      for (let i = 0; i < call.args.length; i++) args.push(call.args[i]!);
    }
    const joined: ScriptCall = { script: shape.joined, keys, args, wrote: anyApplied, commits: members.length };
    run(operation, joined).then(
      (reply) => {
        if (!Array.isArray(reply) || reply.length !== members.length) {
          const e = new Error(`${operation}: malformed reply from Redis to ${members.length} joined commits; outcome unknown`);
          for (const m of members) m.reject(e);
          return;
        }
        for (let i = 0; i < members.length; i++) {
          const r: unknown = reply[i];
          // redis-parser gives an error element of an array as an Error (a ReplyError).
          if (r instanceof Error) members[i]!.reject(new Error(`${operation}: ${r.message}`, { cause: r }));
          else members[i]!.resolve(r);
        }
      },
      (e: unknown) => {
        for (const m of members) m.reject(e);
      },
    );
  };

  const flush = (): void => {
    scheduled = false;
    const groups = open;
    open = new Map();
    for (const [shape, byPartition] of groups) for (const members of byPartition.values()) send(shape, members);
  };

  return (call: ScriptCall, shape: Shape): Promise<unknown> =>
    new Promise((resolve, reject) => {
      let byPartition = open.get(shape);
      if (byPartition === undefined) open.set(shape, (byPartition = new Map()));
      const partition = call.keys[0]!;
      let members = byPartition.get(partition);
      if (members === undefined) byPartition.set(partition, (members = []));
      members.push({ call, resolve, reject });
      if (members.length >= JOIN_MAX) {
        byPartition.delete(partition);
        send(shape, members);
      }
      if (!scheduled) {
        scheduled = true;
        // A tick queued from a microtask runs once the microtask queue is empty: the turn's commits are in.
        process.nextTick(flush);
      }
    });
}
