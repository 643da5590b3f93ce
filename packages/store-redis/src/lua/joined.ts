import { JOINED_COMMIT_START, JOINED_HEAD } from './commit-state.js';

/** The parts of a prepared shape's script (lua/compile-shape.ts), helpers apart from the commit's own code. */
export interface ShapeParts {
  readonly prelude: string;
  readonly state: string;
  readonly own: string;
  /** The commit: reads ARGV from 3 on, ends with `return out` (or a refusal). */
  readonly code: string;
}

/**
 * The script that runs several commits of one shape and one partition in one
 * call (see join-commits.ts).
 *
 * ARGV: the number of commits, then per commit its argument count and its
 * ARGV. Each commit runs as the shape's own script would run alone — in call
 * order, with state of its own: its clock, and the meta and version sequence
 * read afresh (JOINED_COMMIT_START); its records and counters are locals of
 * its run — so the effect is exactly that of sending the calls one after
 * another. The helpers, which keep no state of their own, are defined once
 * per call rather than once per commit. The reply lists each commit's reply;
 * a commit that raises a Lua error gets that error as its element, and the
 * commits after it still run, as they would have as calls of their own.
 */
export function joinedSource({ prelude, state, own, code }: ShapeParts): string {
  // The commit resets the state helpers' meta and sequence: they must be the ones it resets.
  if (!/^local meta = nil$/m.test(state) || !/^local seq = nil$/m.test(state)) throw new Error('joinedSource: the state helpers must declare meta and seq');
  return [
    prelude,
    JOINED_HEAD,
    state,
    own,
    'local function one(ARGV)',
    JOINED_COMMIT_START,
    '-- prepared shape',
    code,
    'end',
    `local A, out, at = ARGV, {}, 2
for i = 1, tonumber(A[1]) do
  local n = tonumber(A[at])
  local ok, r = pcall(one, {unpack(A, at + 1, at + n)})
  if ok then out[i] = r
  elseif type(r) == 'table' and r.err then out[i] = r
  else out[i] = {err = tostring(r)} end
  at = at + n + 1
end
return out`,
  ].join('\n');
}
