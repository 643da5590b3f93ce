/**
 * Lua helpers shared by the scripts (prepended to each). A record is stored
 * as msgpack `[version, expiresAt|false, name1, valueJson1, ...]` (names raw,
 * values canonical JSON); a counter as the text `<value>` or
 * `<value>:<expiresAt>`.
 */
export const PRELUDE = String.raw`
local function fieldOf(rec, name)
  for i = 3, #rec, 2 do
    if rec[i] == name then return rec[i + 1] end
  end
  return nil
end

local function liveRecord(raw, now)
  if not raw then return false end
  local rec = cmsgpack.unpack(raw)
  if rec[2] and rec[2] <= now then return false end
  return rec
end

local function liveCounter(raw, now)
  if not raw then return false end
  local sep = string.find(raw, ':', 1, true)
  if sep then
    local exp = tonumber(string.sub(raw, sep + 1))
    if exp <= now then return false end
    return {tonumber(string.sub(raw, 1, sep - 1)), exp}
  end
  return {tonumber(raw), false}
end

local function int(n)
  return string.format('%d', n)
end

-- The escaped sort key and its \0\0 terminator that start an index entry.
local function entryPrefix(stored)
  local t = string.find(stored, '\0\0', 1, true)
  return string.sub(stored, 1, t + 1)
end
`;
