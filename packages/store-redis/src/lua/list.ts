/**
 * One page of an index: `ZRANGE` by rank (all scores are 0, so rank order is
 * byte order), `ZCARD` for the maintained total.
 *
 * KEYS: index sorted set, index value hash
 * ARGV: offset, count
 *
 * Returns `{total, setMember1, stored1, setMember2, stored2, ...}`.
 */
export const LIST_LUA = String.raw`
local offset, count = tonumber(ARGV[1]), tonumber(ARGV[2])
local out = {redis.call('ZCARD', KEYS[1])}
for _, entry in ipairs(redis.call('ZRANGE', KEYS[1], offset, offset + count - 1)) do
  local t = string.find(entry, '\0\0', 1, true)
  out[#out + 1] = entry
  out[#out + 1] = redis.call('HGET', KEYS[2], string.sub(entry, t + 2))
end
return out
`;
