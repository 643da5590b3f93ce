/*
 * What an error from one send means for at-most-once delivery. Only errors
 * that prove the command did not run may be followed by another send.
 */

/** How the store answers an error from one send. */
export type Verdict =
  /** The slot lives on `node` now (MOVED): route there, refresh the map. */
  | { readonly kind: 'moved'; readonly slot: number; readonly node: string }
  /** Ask `node` once (ASK, a slot being migrated). */
  | { readonly kind: 'ask'; readonly node: string }
  /** The node does not have the script (restart, promoted replica): send its source with EVAL. */
  | { readonly kind: 'noscript' }
  /** Did not run, try again shortly (TRYAGAIN, CLUSTERDOWN, LOADING, MASTERDOWN, READONLY, connection not open). */
  | { readonly kind: 'later' }
  /** Anything else: an error reply, or an outcome nobody knows (connection lost, no reply in time). Never sent again. */
  | { readonly kind: 'fail' };

/** ioredis refuses to write to a connection that is not open when its offline queue is off: nothing was sent. */
const NOT_WRITTEN = "Stream isn't writeable";

const isReplyError = (e: Error): boolean => e.name === 'ReplyError';

export function verdict(e: unknown, cluster: boolean): Verdict {
  if (!(e instanceof Error)) return { kind: 'fail' };
  if (e.message.startsWith(NOT_WRITTEN)) return { kind: 'later' };
  if (!isReplyError(e)) return { kind: 'fail' };
  const [code, slot, node] = e.message.split(' ');
  if (code === 'NOSCRIPT') return { kind: 'noscript' };
  if (code === 'LOADING' || code === 'MASTERDOWN') return { kind: 'later' };
  if (!cluster) return { kind: 'fail' };
  if (code === 'MOVED' && slot !== undefined && node !== undefined) return { kind: 'moved', slot: Number(slot), node };
  if (code === 'ASK' && node !== undefined) return { kind: 'ask', node };
  // A demoted master refuses writes: the script did not write anything.
  if (code === 'TRYAGAIN' || code === 'CLUSTERDOWN' || code === 'READONLY') return { kind: 'later' };
  return { kind: 'fail' };
}
