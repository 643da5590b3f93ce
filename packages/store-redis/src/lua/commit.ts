import { PRELUDE } from './prelude.js';

/**
 * Applies one commit atomically.
 *
 * KEYS: records, counters, index names
 * ARGV: now, reclaim grace ms, check count, then checks and ops positionally
 * (see encode-commit.ts); no JSON is decoded.
 *
 * Returns `{1, {counterKey, value, ...}, {recordKey, version, ...}}` or
 * `{0, 'check'|'op', index}`. Every op is evaluated into staging tables
 * first; nothing is written unless all checks and ops pass.
 */
export const COMMIT_LUA =
  PRELUDE +
  String.raw`
local call = redis.call
local R, C, N = KEYS[1], KEYS[2], KEYS[3]
local base = string.sub(R, 1, -3)
local now = tonumber(ARGV[1])
local graceMs = tonumber(ARGV[2])
local nChecks = tonumber(ARGV[3])
local nArgs = #ARGV
local a = 4

-- What each key held before this commit ({live item or false, stored at all}),
-- loaded once, and the view of the ops: what earlier ops of this commit
-- staged (false = removed), else the original.
local originalRecords, originalCounters = {}, {}
local function originalRecord(key)
  local o = originalRecords[key]
  if o == nil then
    local raw = call('HGET', R, key)
    o = {liveRecord(raw, now), raw ~= false}
    originalRecords[key] = o
  end
  return o
end
local function originalCounter(key)
  local o = originalCounters[key]
  if o == nil then
    local raw = call('HGET', C, key)
    o = {liveCounter(raw, now), raw ~= false}
    originalCounters[key] = o
  end
  return o
end
local stagedRecords, stagedCounters = {}, {}
local function record(key)
  local s = stagedRecords[key]
  if s ~= nil then return s end
  return originalRecord(key)[1]
end
local function counter(key)
  local s = stagedCounters[key]
  if s ~= nil then return s end
  return originalCounter(key)[1]
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

for i = 1, nChecks do
  local kind, rec = ARGV[a], record(ARGV[a + 1])
  local pass
  if kind == 'v' then
    pass = (rec and rec[1] or 0) == tonumber(ARGV[a + 2])
    a = a + 3
  else
    local n = tonumber(ARGV[a + 2])
    a = a + 3
    pass = rec ~= false
    local stop = a + 2 * n
    while pass and a < stop do
      local actual, want = fieldOf(rec, ARGV[a]), ARGV[a + 1]
      if want == 'null' then pass = actual == nil or actual == 'null' else pass = actual == want end
      a = a + 2
    end
    a = stop
  end
  if not pass then return {0, 'check', i - 1} end
end

local countersOut, counterOrder, versionsOut, versionOrder = {}, {}, {}, {}
local indexOps = {}

-- A record as the fields of its flat list (n name/value pairs at the cursor).
local function readFields(rec)
  local n = tonumber(ARGV[a])
  a = a + 1
  for _ = 1, n do
    local name, value = ARGV[a], ARGV[a + 1]
    a = a + 2
    local found = false
    for k = 3, #rec, 2 do
      if rec[k] == name then rec[k + 1] = value; found = true; break end
    end
    if not found then rec[#rec + 1] = name; rec[#rec + 1] = value end
  end
  return rec
end

local i = 0
while a <= nArgs do
  local kind, key = ARGV[a], ARGV[a + 1]
  i = i + 1
  if kind == 'a' then
    local by, exp, refresh = tonumber(ARGV[a + 2]), ARGV[a + 3], ARGV[a + 4] ~= ''
    a = a + 5
    local min = bound(math.max)
    local max = bound(math.min)
    local cur = counter(key)
    local value = (cur and cur[1] or 0) + by
    if (max and value > max) or (min and value < min) then return {0, 'op', i - 1} end
    local e
    if cur and not refresh then e = cur[2] elseif exp ~= '' then e = tonumber(exp) else e = (cur and cur[2]) or false end
    stagedCounters[key] = {value, e}
    if countersOut[key] == nil then counterOrder[#counterOrder + 1] = key end
    countersOut[key] = value
  elseif kind == 'p' then
    local exp = ARGV[a + 2]
    a = a + 3
    local rec = readFields({0, exp ~= '' and tonumber(exp) or false})
    rec[1] = nextVersion()
    stagedRecords[key] = rec
    if versionsOut[key] == nil then versionOrder[#versionOrder + 1] = key end
    versionsOut[key] = rec[1]
  elseif kind == 'u' then
    a = a + 2
    local cur = record(key)
    if not cur then return {0, 'op', i - 1} end
    local rec = {0, cur[2]}
    for j = 3, #cur do rec[j] = cur[j] end
    readFields(rec)
    local m = tonumber(ARGV[a])
    a = a + 1
    if m > 0 then
      local gone = {}
      for j = a, a + m - 1 do gone[ARGV[j]] = true end
      a = a + m
      local kept = {0, cur[2]}
      for k = 3, #rec, 2 do
        if not gone[rec[k]] then kept[#kept + 1] = rec[k]; kept[#kept + 1] = rec[k + 1] end
      end
      rec = kept
    end
    rec[1] = nextVersion()
    stagedRecords[key] = rec
    if versionsOut[key] == nil then versionOrder[#versionOrder + 1] = key end
    versionsOut[key] = rec[1]
  elseif kind == 'd' then
    a = a + 2
    stagedRecords[key] = false
  elseif kind == 'z' then
    a = a + 2
    stagedCounters[key] = false
    if countersOut[key] == nil then counterOrder[#counterOrder + 1] = key end
    countersOut[key] = 0
  elseif kind == 'i' then
    indexOps[#indexOps + 1] = {true, key, ARGV[a + 2], ARGV[a + 3], ARGV[a + 4]}
    a = a + 5
  elseif kind == 'x' then
    indexOps[#indexOps + 1] = {false, key, ARGV[a + 2]}
    a = a + 3
  else
    return redis.error_reply('ntpass: unknown op ' .. tostring(kind))
  end
end

-- Nothing refused: apply. Count live items without expiry (while there are
-- none, Redis may reclaim the whole partition once its last item expired)
-- and the latest expiry written.
local forever, longest = 0, nil
local function tally(old, new)
  local was, is = old and not old[2], new and not new[2]
  if was and not is then forever = forever - 1 elseif is and not was then forever = forever + 1 end
  if new and new[2] and (not longest or new[2] - now > longest) then longest = new[2] - now end
end
for key, rec in pairs(stagedRecords) do
  local o = originalRecord(key)
  tally(o[1], rec)
  if rec then
    call('HSET', R, key, cmsgpack.pack(rec))
  elseif o[2] then
    call('HDEL', R, key)
  end
end
for key, c in pairs(stagedCounters) do
  local o = originalCounter(key)
  tally(o[1], c)
  if c then
    local text = int(c[1])
    if c[2] then text = text .. ':' .. int(c[2]) end
    call('HSET', C, key, text)
  elseif o[2] then
    call('HDEL', C, key)
  end
end
local touched = nil
for _, op in ipairs(indexOps) do
  local name, member = op[2], op[3]
  local ix, iv = base .. ':x:' .. name, base .. ':y:' .. name
  local old = call('HGET', iv, member)
  if old then call('ZREM', ix, entryPrefix(old) .. member) end
  if op[1] then
    call('ZADD', ix, 0, op[4] .. member)
    call('HSET', iv, member, op[4] .. op[5])
    touched = touched or {}
    touched[name] = true
  elseif old then
    call('HDEL', iv, member)
    touched = touched or {}
    touched[name] = true
  end
end
if touched then
  for name in pairs(touched) do
    if call('EXISTS', base .. ':x:' .. name) == 1 then call('HSET', N, name, 1) else call('HDEL', N, name) end
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

local cflat, vflat = {}, {}
for _, k in ipairs(counterOrder) do cflat[#cflat + 1] = k; cflat[#cflat + 1] = countersOut[k] end
for _, k in ipairs(versionOrder) do vflat[#vflat + 1] = k; vflat[#vflat + 1] = versionsOut[k] end
return {1, cflat, vflat}
`;
