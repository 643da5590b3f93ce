/**
 * The start of every commit script, generic or prepared (see
 * prepared-commit.ts): its keys and clock, counter parsing, the partition's
 * meta and version sequence, and batched writes.
 *
 * KEYS: records and counters (one hash), index names
 * ARGV: now, reclaim grace ms, then what the script reads positionally.
 */
export const COMMIT_HEAD = String.raw`
local call = redis.call
-- Records and counters share the hash R (their fields apart, see fields.ts).
local R, N = KEYS[1], KEYS[2]
local C = R
local now = tonumber(ARGV[1])
local graceMs = tonumber(ARGV[2])
`;

/**
 * {@link COMMIT_HEAD} for a script that runs several commits (lua/joined.ts):
 * the clock is set by each commit (see {@link JOINED_COMMIT_START}).
 */
export const JOINED_HEAD = COMMIT_HEAD.replace('local now = tonumber(ARGV[1])\nlocal graceMs = tonumber(ARGV[2])', 'local now, graceMs');

/** What each commit of a joined script sets first: its clock, and no meta or version sequence read yet. */
export const JOINED_COMMIT_START = 'now, graceMs, meta, seq = tonumber(ARGV[1]), tonumber(ARGV[2]), nil, nil';

/** Helpers of commit scripts by name, in dependency order, after {@link COMMIT_HEAD}. */
export const COMMIT_HELPERS: readonly (readonly [string, string])[] = [
  ['parseCounter', String.raw`
local function parseCounter(raw)
  if not raw then return false, false end
  local sep = string.find(raw, ':', 1, true)
  if not sep then return tonumber(raw), false end
  local e = tonumber(string.sub(raw, sep + 1))
  if e <= now then return false, false end
  return tonumber(string.sub(raw, 1, sep - 1)), e
end
`],
  ['loadMeta', String.raw`
-- The partition's meta lives in the records hash under the field '' (record
-- keys are never empty): msgpack {last version, live items without expiry,
-- reclaim deadline (Redis ms) or false, TTL set}. Read only when needed.
local meta = nil
local function loadMeta()
  if not meta then
    local raw = call('HGET', R, '')
    if raw then
      local m = cmsgpack.unpack(raw)
      meta = {seq = m[1], forever = m[2], deadline = m[3] or nil, ttl = m[4]}
    else
      meta = {seq = nil, forever = 0, deadline = nil, ttl = false}
    end
  end
  return meta
end
local function redisMs()
  local t = call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
local seq = nil
local function nextVersion()
  if not seq then
    -- A new sequence starts above anything a reclaimed earlier life of this
    -- partition can have handed out (Redis ms x 1000), so versions are never reused.
    local last = loadMeta().seq
    if not last or last == 0 then last = redisMs() * 1000 end
    seq = last
  end
  seq = seq + 1
  return seq
end
`],
  ['batched', String.raw`
-- Writes go out batched: one HSET / HDEL per hash (in chunks), not one call per item.
local function batched(cmd, key, list)
  for j = 1, #list, 1000 do call(cmd, key, unpack(list, j, math.min(j + 999, #list))) end
end
`],
];

export const COMMIT_STATE = COMMIT_HEAD + COMMIT_HELPERS.map(([, source]) => source).join('');
