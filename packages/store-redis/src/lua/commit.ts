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
  String.raw`
local call = redis.call
local R, C, N = KEYS[1], KEYS[2], KEYS[3]
local base = string.sub(R, 1, -3)
local now = tonumber(ARGV[1])
local graceMs = tonumber(ARGV[2])
local nArgs = #ARGV
local a = 3

-- Originals: recs[key] = live record or false; cv[key] = live counter
-- value or false, ce[key] its expiry or false. Staged by earlier ops of this
-- commit: srec[key] = record or false (deleted); sv[key] = value or false
-- (reset), se[key] its expiry.
local recs, srec, cv, ce, sv, se = {}, {}, {}, {}, {}, {}

local function parseCounter(raw)
  if not raw then return false, false end
  local sep = string.find(raw, ':', 1, true)
  if not sep then return tonumber(raw), false end
  local e = tonumber(string.sub(raw, sep + 1))
  if e <= now then return false, false end
  return tonumber(string.sub(raw, 1, sep - 1)), e
end

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
local corder, rorder, indexOps = {}, {}, nil

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
-- Writes go out batched: one HSET / HDEL per hash (in chunks), not one call per item.
local function batched(cmd, key, list)
  for j = 1, #list, 1000 do call(cmd, key, unpack(list, j, math.min(j + 999, #list))) end
end
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

-- Index ops, per index: each member's stored entry before the commit (one
-- HMGET) and after its last op; then one ZREM, ZADD, HSET and HDEL per index.
local touched = nil
if indexOps then
  local names, byName = {}, {}
  for _, op in ipairs(indexOps) do
    local name = op[2]
    local ix = byName[name]
    if not ix then
      ix = {members = {}, final = {}}
      byName[name] = ix
      names[#names + 1] = name
    end
    if ix.final[op[3]] == nil then ix.members[#ix.members + 1] = op[3] end
    -- An entry is stored as escape(sortKey) \0\0 valueJson; false = removed.
    if op[1] then ix.final[op[3]] = op[4] .. op[5] else ix.final[op[3]] = false end
  end
  for _, name in ipairs(names) do
    local ix = byName[name]
    local zset, vals = base .. ':x:' .. name, base .. ':y:' .. name
    local members, final = ix.members, ix.final
    local zrem, zadd, vset, vdel = {}, {}, {}, {}
    for j = 1, #members, 1000 do
      local upto = math.min(j + 999, #members)
      local olds = call('HMGET', vals, unpack(members, j, upto))
      for k = j, upto do
        local member, old, new = members[k], olds[k - j + 1], final[members[k]]
        if new then
          local prefix = entryPrefix(new)
          if old and entryPrefix(old) ~= prefix then zrem[#zrem + 1] = entryPrefix(old) .. member end
          if not old or entryPrefix(old) ~= prefix then
            zadd[#zadd + 1] = 0
            zadd[#zadd + 1] = prefix .. member
          end
          if old ~= new then
            vset[#vset + 1] = member
            vset[#vset + 1] = new
          end
          touched = touched or {}
          touched[name] = true
        elseif old then
          zrem[#zrem + 1] = entryPrefix(old) .. member
          vdel[#vdel + 1] = member
          touched = touched or {}
          touched[name] = true
        end
      end
    end
    batched('ZREM', zset, zrem)
    batched('ZADD', zset, zadd)
    batched('HSET', vals, vset)
    batched('HDEL', vals, vdel)
  end
  if touched then
    for name in pairs(touched) do
      if call('EXISTS', base .. ':x:' .. name) == 1 then call('HSET', N, name, 1) else call('HDEL', N, name) end
    end
  end
end

-- The meta changes only with a new version, a change in permanent items, a
-- new expiry or an index change; a plain add to an existing counter (a
-- redemption) neither reads nor writes it.
if seq or forever ~= 0 or longest or touched then
  local m = loadMeta()
  local changed = (seq and seq ~= m.seq) or forever ~= 0
  if seq then m.seq = seq end
  m.forever = m.forever + forever
  if longest then
    local deadline = redisMs() + longest + graceMs
    if not m.deadline or deadline > m.deadline then m.deadline = deadline; changed = true end
  end
  local reclaimable = m.deadline and m.forever <= 0 and call('EXISTS', N) == 0
  if reclaimable and not m.ttl then m.ttl = true; changed = true end
  if not reclaimable and m.ttl then
    m.ttl = false
    changed = true
    call('PERSIST', R)
    call('PERSIST', C)
  end
  if changed then call('HSET', R, '', cmsgpack.pack({m.seq or 0, m.forever, m.deadline or false, m.ttl})) end
  if reclaimable then
    -- Only expiring items left: Redis reclaims the partition after the last expires.
    local at = int(m.deadline)
    call('PEXPIREAT', R, at)
    call('PEXPIREAT', C, at)
  end
end

return out
`;
