import { COMMIT_APPLY } from './commit-apply.js';
import { COMMIT_STATE } from './commit-state.js';
import { PRELUDE } from './prelude.js';

/**
 * Applies one commit atomically.
 *
 * KEYS: records, counters, index names
 * ARGV: now, reclaim grace ms, then checks and ops positionally
 * (see encode-commit.ts); no JSON is decoded.
 *
 * Returns `{1, n, counterKey1, value1, ... (n pairs), recordKey1, version1, ...}`
 * or `{0, 'check'|'op', index}`. Every op is evaluated into staging maps
 * first; nothing is written unless all checks and ops pass. Tables are few
 * and flat (scalar maps, one flat reply): each Lua table costs time here.
 */
export const COMMIT_LUA =
  PRELUDE +
  COMMIT_STATE +
  String.raw`
local indexOps = nil
local nArgs = #ARGV
local a = 3

-- Originals: recs[key] = live record or false; cv[key] = live counter
-- value or false, ce[key] its expiry or false. Staged by earlier ops of this
-- commit: srec[key] = record or false (deleted); sv[key] = value or false
-- (reset), se[key] its expiry.
local recs, srec, cv, ce, sv, se = {}, {}, {}, {}, {}, {}

-- Loads the n keys at the cursor from a hash with HMGET, in chunks.
local function prefetch(hash, load)
  local n = tonumber(ARGV[a])
  a = a + 1
  local last = a + n - 1
  while a <= last do
    local upto = math.min(a + 999, last)
    local values = call('HMGET', hash, unpack(ARGV, a, upto))
    for k = a, upto do load(ARGV[k], values[k - a + 1]) end
    a = upto + 1
  end
end
prefetch(R, function(key, raw) recs[key] = liveRecord(raw, now) end)
prefetch(C, function(key, raw) cv[key], ce[key] = parseCounter(raw) end)

-- Every key is prefetched; a lookup of another one (none today) loads it alone.
local function record(key)
  local s = srec[key]
  if s ~= nil then return s end
  local r = recs[key]
  if r == nil then
    r = liveRecord(call('HGET', R, key), now)
    recs[key] = r
  end
  return r
end
local function loadCounter(key)
  local v = cv[key]
  if v == nil then
    v, ce[key] = parseCounter(call('HGET', C, key))
    cv[key] = v
  end
  return v
end
-- The counter as the ops see it: value (false = absent) and expiry.
local function counter(key)
  local v = sv[key]
  if v ~= nil then return v, se[key] end
  return loadCounter(key), ce[key]
end

-- Reads a bound at the cursor: n, then n (key, field) pairs, key '' for a number.
local function bound(tightest)
  local n = tonumber(ARGV[a])
  a = a + 1
  local out = nil
  for _ = 1, n do
    local key, field = ARGV[a], ARGV[a + 1]
    a = a + 2
    local v
    if key == '' then
      v = tonumber(field)
    else
      local rec = record(key)
      if rec then
        local text = fieldOf(rec, field)
        if text then v = tonumber(text) end
      end
    end
    if v then
      if out then out = tightest(out, v) else out = v end
    end
  end
  return out
end

-- Checks come first (kinds v, f, n); every other kind is an op.
local ci = 0
while a <= nArgs do
  local kind = ARGV[a]
  local pass
  if kind == 'v' then
    local rec = record(ARGV[a + 1])
    pass = (rec and rec[1] or 0) == tonumber(ARGV[a + 2])
    a = a + 3
  elseif kind == 'f' or kind == 'n' then
    local rec = record(ARGV[a + 1])
    local n = tonumber(ARGV[a + 2])
    a = a + 3
    local width = kind == 'f' and 2 or 1
    local stop = a + width * n
    pass = rec ~= false
    while pass and a < stop do
      local actual = fieldOf(rec, ARGV[a])
      local want = width == 2 and ARGV[a + 1] or 'null'
      if want == 'null' then pass = actual == nil or actual == 'null' else pass = actual == want end
      a = a + width
    end
    a = stop
  else
    break
  end
  if not pass then return {0, 'check', ci} end
  ci = ci + 1
end

-- Keys in first-write order, for the reply and the writes.
local corder, rorder = {}, {}

-- Sets the n name/value pairs at the cursor in a flat field list.
local function setFields(f)
  local n = tonumber(ARGV[a])
  a = a + 1
  for _ = 1, n do
    local name, value = ARGV[a], ARGV[a + 1]
    a = a + 2
    local found = false
    for k = 1, #f, 2 do
      if f[k] == name then f[k + 1] = value; found = true; break end
    end
    if not found then f[#f + 1] = name; f[#f + 1] = value end
  end
  return f
end

local function stageCounter(key, value, e)
  if sv[key] == nil then corder[#corder + 1] = key end
  sv[key], se[key] = value, e
end
local function stageRecord(key, rec)
  if srec[key] == nil then rorder[#rorder + 1] = key end
  srec[key] = rec
end

local i = 0
while a <= nArgs do
  local kind, key = ARGV[a], ARGV[a + 1]
  i = i + 1
  if kind == 'A' then
    -- A plain add: no bound, no expiry given; keeps the counter's expiry.
    local v, e = counter(key)
    stageCounter(key, (v or 0) + tonumber(ARGV[a + 2]), v and e or false)
    a = a + 3
  elseif kind == 'a' then
    local by, exp, refresh = tonumber(ARGV[a + 2]), ARGV[a + 3], ARGV[a + 4] ~= ''
    a = a + 5
    local min = bound(math.max)
    local max = bound(math.min)
    local v, e = counter(key)
    local value = (v or 0) + by
    if (max and value > max) or (min and value < min) then return {0, 'op', i - 1} end
    if v and not refresh then
      -- keeps its expiry
    elseif exp ~= '' then
      e = tonumber(exp)
    elseif not v then
      e = false
    end
    stageCounter(key, value, e)
  elseif kind == 'p' then
    local exp = ARGV[a + 2]
    a = a + 3
    stageRecord(key, {nextVersion(), exp ~= '' and tonumber(exp) or false, '', setFields({})})
  elseif kind == 'u' then
    a = a + 2
    local cur = record(key)
    if not cur then return {0, 'op', i - 1} end
    local f = {}
    for j, v in ipairs(fieldsOf(cur)) do f[j] = v end
    setFields(f)
    local m = tonumber(ARGV[a])
    a = a + 1
    if m > 0 then
      local gone = {}
      for j = a, a + m - 1 do gone[ARGV[j]] = true end
      a = a + m
      local kept = {}
      for k = 1, #f, 2 do
        if not gone[f[k]] then kept[#kept + 1] = f[k]; kept[#kept + 1] = f[k + 1] end
      end
      f = kept
    end
    stageRecord(key, {nextVersion(), cur[2], '', f})
  elseif kind == 'd' then
    a = a + 2
    record(key)
    stageRecord(key, false)
  elseif kind == 'z' then
    a = a + 2
    loadCounter(key)
    stageCounter(key, false, false)
  elseif kind == 'i' then
    indexOps = indexOps or {}
    indexOps[#indexOps + 1] = {true, key, ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]}
    a = a + 5
  elseif kind == 'x' then
    indexOps = indexOps or {}
    indexOps[#indexOps + 1] = {false, key, ARGV[a + 2]}
    a = a + 3
  else
    return redis.error_reply('ntpass: unknown op ' .. tostring(kind))
  end
end

-- Nothing refused: apply, building the reply. Count live items without
-- expiry (while there are none, Redis may reclaim the whole partition once
-- its last item expired) and the latest expiry written.
local forever, longest = 0, nil
local out = {1, #corder}
local cset, cdel = {}, {}
for _, key in ipairs(corder) do
  local v, e = sv[key], se[key]
  local was = cv[key] and not ce[key]
  local is = v and not e
  if was and not is then forever = forever - 1 elseif is and not was then forever = forever + 1 end
  if v then
    cset[#cset + 1] = key
    if e then
      if not longest or e - now > longest then longest = e - now end
      cset[#cset + 1] = int(v) .. ':' .. int(e)
    else
      cset[#cset + 1] = int(v)
    end
  else
    cdel[#cdel + 1] = key
  end
  out[#out + 1] = key
  out[#out + 1] = v or 0
end
batched('HSET', C, cset)
batched('HDEL', C, cdel)
local rset, rdel = {}, {}
for _, key in ipairs(rorder) do
  local rec, old = srec[key], recs[key]
  local was = old and not old[2]
  local is = rec and not rec[2]
  if was and not is then forever = forever - 1 elseif is and not was then forever = forever + 1 end
  if rec then
    if rec[2] and (not longest or rec[2] - now > longest) then longest = rec[2] - now end
    rset[#rset + 1] = key
    rset[#rset + 1] = encodeRecord(rec)
    out[#out + 1] = key
    out[#out + 1] = rec[1]
  else
    rdel[#rdel + 1] = key
  end
end
batched('HSET', R, rset)
batched('HDEL', R, rdel)
` +
  COMMIT_APPLY;
