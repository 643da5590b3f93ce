import { PRELUDE } from './prelude.js';

/**
 * One `HSCAN` page of a partition's records, keeping live ones with the prefix.
 *
 * KEYS: records
 * ARGV: now, cursor, count, prefix
 *
 * Returns `{nextCursor, key1, version1, expiresAt1|nil, json1, ...}`.
 */
export const SCAN_LUA =
  PRELUDE +
  String.raw`
local now, prefix = tonumber(ARGV[1]), ARGV[4]
local page = redis.call('HSCAN', KEYS[1], ARGV[2], 'COUNT', ARGV[3])
local out, items = {page[1]}, page[2]
for i = 1, #items, 2 do
  local key = items[i]
  -- The field '' is the partition's meta, not a record.
  if key ~= '' and string.sub(key, 1, #prefix) == prefix then
    local rec = liveRecord(items[i + 1], now)
    if rec then
      local n = #out
      out[n + 1] = key; out[n + 2] = rec[1]; out[n + 3] = rec[2]; out[n + 4] = recordJson(rec)
    end
  end
end
return out
`;
