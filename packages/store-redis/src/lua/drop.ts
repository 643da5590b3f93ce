/**
 * Deletes up to `limit` items (records, counters, index entries) of a
 * partition. A structure that fits the budget goes whole with `UNLINK`
 * (freed off the main thread); a bigger one loses `limit` random fields
 * (`HRANDFIELD`) or its first `limit` members, so no call does unbounded work.
 *
 * KEYS: meta, records, counters, index names
 * ARGV: limit
 *
 * Returns 1 when the partition is empty (its meta is then removed too), else 0.
 */
export const DROP_LUA = String.raw`
local M, R, C, N = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local base = string.sub(M, 1, -3)
local budget = tonumber(ARGV[1])

local function delChunked(cmd, key, list)
  for i = 1, #list, 500 do
    redis.call(cmd, key, unpack(list, i, math.min(i + 499, #list)))
  end
end

local function dropHash(key)
  if budget <= 0 then return end
  local n = redis.call('HLEN', key)
  if n == 0 then return end
  if n <= budget then
    redis.call('UNLINK', key)
    budget = budget - n
    return
  end
  local fields = redis.call('HRANDFIELD', key, budget)
  delChunked('HDEL', key, fields)
  budget = budget - #fields
end

dropHash(R)
dropHash(C)
for _, name in ipairs(redis.call('HKEYS', N)) do
  if budget <= 0 then break end
  local ix, iv = base .. ':ix:' .. name, base .. ':iv:' .. name
  local n = redis.call('ZCARD', ix)
  if n <= budget then
    redis.call('UNLINK', ix, iv)
    redis.call('HDEL', N, name)
    budget = budget - n
  else
    local entries = redis.call('ZRANGE', ix, 0, budget - 1)
    local members = {}
    for i, entry in ipairs(entries) do
      members[i] = string.sub(entry, string.find(entry, '\0\0', 1, true) + 2)
    end
    delChunked('ZREM', ix, entries)
    delChunked('HDEL', iv, members)
    budget = budget - #entries
  end
end

if redis.call('EXISTS', R, C, N) == 0 then
  redis.call('UNLINK', M)
  return 1
end
return 0
`;
