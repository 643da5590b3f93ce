/**
 * The script that runs several commits of one shape and one partition in one
 * call (see join-commits.ts), made from the shape's own script `source`.
 *
 * ARGV: the number of commits, then per commit its argument count and its
 * ARGV. Each commit runs as `source` would run alone — in call order, with
 * state of its own (its records, counters, meta and version sequence are
 * read afresh) — so the effect is exactly that of sending the calls one after
 * another. The reply lists each commit's reply; a commit that raises a Lua
 * error gets that error as its element, and the commits after it still run,
 * as they would have as calls of their own.
 */
export function joinedSource(source: string): string {
  return `local function one(ARGV)
${source}
end
local A, out, at = ARGV, {}, 2
for i = 1, tonumber(A[1]) do
  local n = tonumber(A[at])
  local ok, r = pcall(one, {unpack(A, at + 1, at + n)})
  if ok then out[i] = r
  elseif type(r) == 'table' and r.err then out[i] = r
  else out[i] = {err = tostring(r)} end
  at = at + n + 1
end
return out`;
}
