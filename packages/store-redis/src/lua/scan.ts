import { PRELUDE } from './prelude.js';

/**
 * One `HSCAN` page of a partition's records, keeping live ones with the prefix.
 *
 * KEYS: records
 * ARGV: now, cursor, count, prefix
 *
 * Returns `{nextCursor, key1, record1, ...}`, each record its stored array
 * `{version, expiresAt|nil, name1, valueJson1, ...}`.
 */
export const SCAN_LUA =
  PRELUDE +
  String.raw`
local now, prefix = tonumber(ARGV[1]), ARGV[4]
local page = redis.call('HSCAN', KEYS[1], ARGV[2], 'COUNT', ARGV[3])
local out, items = {page[1]}, page[2]
for i = 1, #items, 2 do
  local key = items[i]
  -- The field '' is the partition's meta, \0c… a counter, \0r… an escaped record key (fields.ts).
  local lead = string.sub(key, 1, 2)
  local name = key
  if lead == '\0r' then name = string.sub(key, 3) end
  if key ~= '' and lead ~= '\0c' and string.sub(name, 1, #prefix) == prefix then
    local rec = liveRecord(items[i + 1], now)
    if rec then
      out[#out + 1] = key
      out[#out + 1] = recordReply(rec)
    end
  end
end
return out
`;
