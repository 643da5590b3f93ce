/**
 * Deletes up to `limit` items (records, counters, index entries) of a
 * partition. A structure that fits the budget goes whole with `UNLINK`
 * (freed off the main thread); a bigger one loses `limit` random fields
 * (`HRANDFIELD`) or its first `limit` members, so no call does unbounded work.
 * The partition's meta (the records hash's field '') goes last, with the
 * records hash, once nothing else is left.
 *
 * KEYS: records and counters (one hash), index names
 * ARGV: limit
 *
 * Returns 1 when the partition is empty, else 0.
 */
export const DROP_LUA = String.raw`
local R, N = KEYS[1], KEYS[2]
local base = string.sub(R, 1, -3)
local budget = tonumber(ARGV[1])

local function delChunked(cmd, key, list)
  for i = 1, #list, 500 do
    redis.call(cmd, key, unpack(list, i, math.min(i + 499, #list)))
  end
end

local function dropIndexes()
  for _, name in ipairs(redis.call('HKEYS', N)) do
    if budget <= 0 then return end
    local ix, iv = base .. ':x:' .. name, base .. ':y:' .. name
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
end

-- Deletes up to the budget of a hash's fields, never the meta field ''.
local function dropFields(key, keepMeta)
  if budget <= 0 then return end
  local meta = keepMeta and redis.call('HEXISTS', key, '') == 1
  local n = redis.call('HLEN', key) - (meta and 1 or 0)
  if n <= 0 then return end
  if n <= budget and not meta then
    redis.call('UNLINK', key)
    budget = budget - n
    return
  end
  local fields = {}
  for _, f in ipairs(redis.call('HRANDFIELD', key, budget + 1)) do
    if f ~= '' and #fields < budget then fields[#fields + 1] = f end
  end
  delChunked('HDEL', key, fields)
  budget = budget - #fields
end

dropIndexes()
dropFields(R, true)
local left = redis.call('HLEN', R)
if redis.call('EXISTS', N) == 0 and (left == 0 or (left == 1 and redis.call('HEXISTS', R, '') == 1)) then
  redis.call('UNLINK', R)
  return 1
end
return 0
`;
