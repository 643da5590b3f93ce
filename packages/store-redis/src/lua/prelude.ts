/**
 * Lua helpers shared by the scripts (prepended to each).
 *
 * A record is stored as a header `struct.pack('<Bi7', hasExpiry, version)`
 * (+ `struct.pack('<i7', expiresAt)` when it has one) followed by its fields,
 * msgpack `[name1, valueJson1, ...]` (names raw, values canonical JSON; empty
 * for no fields). A version check reads the header only; the fields are
 * unpacked when an op or check needs one. In Lua a record is
 * `{version, expiresAt|false, fieldsBlob, fields|nil}`.
 *
 * A counter is the text `<value>` or `<value>:<expiresAt>`.
 *
 * By name, in dependency order (a helper uses only earlier ones), so a
 * generated script can take only those it calls.
 */
/**
 * The start of a function reading the stored record `raw` at time `now`:
 * returns false for an absent or expired one, else leaves `version`, `exp`
 * (false for none) and `at` (where its fields start) set. Inlined, not a
 * Lua function: a redemption reads its records through it.
 */
export const RECORD_HEADER_LUA = String.raw`
  if not raw then return false end
  local flag, version, at = struct.unpack('<Bi7', raw)
  local exp = false
  if flag == 1 then
    exp, at = struct.unpack('<i7', raw, at)
    if exp <= now then return false end
  end`;

export const PRELUDE_HELPERS: readonly (readonly [string, string])[] = [
  ['liveRecord', String.raw`
local function liveRecord(raw, now)${RECORD_HEADER_LUA}
  return {version, exp, string.sub(raw, at)}
end
`],
  ['fieldsOf', String.raw`
local function fieldsOf(rec)
  local f = rec[4]
  if not f then
    if rec[3] == '' then f = {} else f = cmsgpack.unpack(rec[3]) end
    rec[4] = f
  end
  return f
end
`],
  ['fieldOf', String.raw`
local function fieldOf(rec, name)
  local f = fieldsOf(rec)
  for i = 1, #f, 2 do
    if f[i] == name then return f[i + 1] end
  end
  return nil
end
`],
  ['encodeRecord', String.raw`
local function encodeRecord(rec)
  local head
  if rec[2] then head = struct.pack('<Bi7i7', 1, rec[1], rec[2]) else head = struct.pack('<Bi7', 0, rec[1]) end
  local f = rec[4]
  if not f then return head .. rec[3] end
  if #f == 0 then return head end
  return head .. cmsgpack.pack(f)
end
`],
  ['recordReply', String.raw`
-- A record as a reply: {version, expiresAt|nil, name1, valueJson1, ...}.
local function recordReply(rec)
  local out = {rec[1], rec[2]}
  local f = fieldsOf(rec)
  for i = 1, #f do out[i + 2] = f[i] end
  return out
end
`],
  ['liveCounter', String.raw`
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
`],
  ['int', String.raw`
local function int(n)
  return string.format('%d', n)
end
`],
  ['entryPrefix', String.raw`
-- The escaped sort key and its \0\0 terminator that start an index entry.
local function entryPrefix(stored)
  local t = string.find(stored, '\0\0', 1, true)
  return string.sub(stored, 1, t + 1)
end
`],
];

/** Every helper, for the scripts that are not generated. */
export const PRELUDE = PRELUDE_HELPERS.map(([, source]) => source).join('');
