/**
 * Lua helpers shared by the scripts (prepended to each). A record is stored
 * as msgpack `[version, expiresAt|false, nameJson1, valueJson1, ...]`; a
 * counter as the text `<value>` or `<value>:<expiresAt>`.
 */
export const PRELUDE = String.raw`
local function fieldOf(rec, name)
  for i = 3, #rec, 2 do
    if rec[i] == name then return rec[i + 1] end
  end
  return nil
end

local function recordJson(rec)
  local parts = {}
  for i = 3, #rec, 2 do parts[#parts + 1] = rec[i] .. ':' .. rec[i + 1] end
  return '{' .. table.concat(parts, ',') .. '}'
end

local function liveRecord(raw, now)
  if not raw then return false end
  local rec = cmsgpack.unpack(raw)
  if rec[2] and rec[2] <= now then return false end
  return rec
end

local function decodeCounter(raw)
  local sep = string.find(raw, ':', 1, true)
  if sep then return {tonumber(string.sub(raw, 1, sep - 1)), tonumber(string.sub(raw, sep + 1))} end
  return {tonumber(raw), false}
end

local function liveCounter(raw, now)
  if not raw then return false end
  local c = decodeCounter(raw)
  if c[2] and c[2] <= now then return false end
  return c
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
