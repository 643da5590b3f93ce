import { PRELUDE } from './prelude.js';

/**
 * Applies one commit atomically.
 *
 * KEYS: records, counters, index names, [applied id]
 * ARGV: now, payload (`[checks, ops]`, see encode-commit.ts), reclaim grace ms, id retention ms
 *
 * Returns `{1, {counterKey, value, ...}, {recordKey, version, ...}}` or
 * `{0, 'check'|'op', index}`. Every op is evaluated into staging tables
 * first; nothing is written unless all checks and ops pass.
 */
export const COMMIT_LUA =
  PRELUDE +
  String.raw`
local R, C, N, A = KEYS[1], KEYS[2], KEYS[3], KEYS[4]
local base = string.sub(R, 1, -3)
local now = tonumber(ARGV[1])
local req = cjson.decode(ARGV[2])
local graceMs = tonumber(ARGV[3])
local retentionMs = tonumber(ARGV[4])

if A then
  local seen = redis.call('GET', A)
  if seen then
    local first = cmsgpack.unpack(seen)
    if first[1] + retentionMs > now then return {1, first[2], first[3]} end
  end
end

-- What each key held before this commit ({live item or false, stored at all}),
-- loaded once, and the view of the ops: what earlier ops of this commit
-- staged (false = removed), else the original.
local function originals(hash, live)
  local cache = {}
  return function(key)
    local o = cache[key]
    if o == nil then
      local raw = redis.call('HGET', hash, key)
      o = {live(raw, now), raw ~= false}
      cache[key] = o
    end
    return o
  end
end
local function view(staged, original)
  return function(key)
    local s = staged[key]
    if s ~= nil then return s end
    return original(key)[1]
  end
end
local originalRecord, originalCounter = originals(R, liveRecord), originals(C, liveCounter)
local stagedRecords, stagedCounters = {}, {}
local record, counter = view(stagedRecords, originalRecord), view(stagedCounters, originalCounter)

-- The partition's meta lives in the records hash under the field '' (record
-- keys are never empty): msgpack {last version, live items without expiry,
-- reclaim deadline (Redis ms) or false, TTL set}.
local meta = nil
local function loadMeta()
  if not meta then
    local raw = redis.call('HGET', R, '')
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
  local t = redis.call('TIME')
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

local function bound(list, tightest)
  local out = nil
  for i = 1, #list do
    local b, n = list[i], nil
    if type(b) == 'number' then
      n = b
    else
      local rec = record(b[1])
      if rec then
        local text = fieldOf(rec, b[2])
        if text then n = tonumber(text) end
      end
    end
    if n then
      if out then out = tightest(out, n) else out = n end
    end
  end
  return out
end

local checks, ops = req[1], req[2]
for i = 1, #checks do
  local ch = checks[i]
  local rec = record(ch[2])
  local pass
  if ch[1] == 'v' then
    pass = (rec and rec[1] or 0) == ch[3]
  else
    pass = rec ~= false
    local eq = ch[3]
    for j = 1, #eq, 2 do
      if not pass then break end
      local actual = fieldOf(rec, eq[j])
      if eq[j + 1] == 'null' then
        pass = actual == nil or actual == 'null'
      else
        pass = actual == eq[j + 1]
      end
    end
  end
  if not pass then return {0, 'check', i - 1} end
end

local countersOut, counterOrder, versionsOut, versionOrder = {}, {}, {}, {}
local function output(map, order, key, value)
  if map[key] == nil then order[#order + 1] = key end
  map[key] = value
end
local indexOps = {}

for i = 1, #ops do
  local op = ops[i]
  local kind, key = op[1], op[2]
  if kind == 'p' then
    local rec = {nextVersion(), op[4]}
    local flat = op[3]
    for j = 1, #flat do rec[j + 2] = flat[j] end
    stagedRecords[key] = rec
    output(versionsOut, versionOrder, key, rec[1])
  elseif kind == 'u' then
    local cur = record(key)
    if not cur then return {0, 'op', i - 1} end
    local rec = {0, cur[2]}
    for j = 3, #cur do rec[j] = cur[j] end
    local set = op[3]
    for j = 1, #set, 2 do
      local found = false
      for k = 3, #rec, 2 do
        if rec[k] == set[j] then rec[k + 1] = set[j + 1]; found = true; break end
      end
      if not found then rec[#rec + 1] = set[j]; rec[#rec + 1] = set[j + 1] end
    end
    local unset = op[4]
    if #unset > 0 then
      local gone = {}
      for j = 1, #unset do gone[unset[j]] = true end
      local kept = {0, cur[2]}
      for k = 3, #rec, 2 do
        if not gone[rec[k]] then kept[#kept + 1] = rec[k]; kept[#kept + 1] = rec[k + 1] end
      end
      rec = kept
    end
    rec[1] = nextVersion()
    stagedRecords[key] = rec
    output(versionsOut, versionOrder, key, rec[1])
  elseif kind == 'd' then
    stagedRecords[key] = false
  elseif kind == 'a' then
    local cur = counter(key)
    local value = (cur and cur[1] or 0) + op[3]
    local max = bound(op[5], math.min)
    local min = bound(op[4], math.max)
    if (max and value > max) or (min and value < min) then return {0, 'op', i - 1} end
    local exp
    if cur and not op[7] then exp = cur[2] else exp = op[6] or (cur and cur[2]) or false end
    stagedCounters[key] = {value, exp}
    output(countersOut, counterOrder, key, value)
  elseif kind == 'z' then
    stagedCounters[key] = false
    output(countersOut, counterOrder, key, 0)
  else
    indexOps[#indexOps + 1] = op
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
    redis.call('HSET', R, key, cmsgpack.pack(rec))
  elseif o[2] then
    redis.call('HDEL', R, key)
  end
end
for key, c in pairs(stagedCounters) do
  local o = originalCounter(key)
  tally(o[1], c)
  if c then
    local text = int(c[1])
    if c[2] then text = text .. ':' .. int(c[2]) end
    redis.call('HSET', C, key, text)
  elseif o[2] then
    redis.call('HDEL', C, key)
  end
end
local touched = {}
for _, op in ipairs(indexOps) do
  local name, member = op[2], op[3]
  local ix, iv = base .. ':ix:' .. name, base .. ':iv:' .. name
  local old = redis.call('HGET', iv, member)
  if old then redis.call('ZREM', ix, entryPrefix(old) .. member) end
  if op[1] == 'i' then
    redis.call('ZADD', ix, 0, op[4] .. member)
    redis.call('HSET', iv, member, op[4] .. op[5])
    touched[name] = true
  elseif old then
    redis.call('HDEL', iv, member)
    touched[name] = true
  end
end
for name in pairs(touched) do
  if redis.call('EXISTS', base .. ':ix:' .. name) == 1 then redis.call('HSET', N, name, 1) else redis.call('HDEL', N, name) end
end

-- The meta changes only with a new version, a change in permanent items, a
-- new expiry or an index change; a plain add (a redemption) skips it.
if seq or forever ~= 0 or longest or next(touched) ~= nil then
  local m = loadMeta()
  local changed = (seq and seq ~= m.seq) or forever ~= 0
  if seq then m.seq = seq end
  m.forever = m.forever + forever
  if longest then
    local deadline = redisMs() + longest + graceMs
    if not m.deadline or deadline > m.deadline then m.deadline = deadline; changed = true end
  end
  local reclaimable = m.deadline and m.forever <= 0 and redis.call('EXISTS', N) == 0
  if reclaimable and not m.ttl then m.ttl = true; changed = true end
  if not reclaimable and m.ttl then
    m.ttl = false
    changed = true
    redis.call('PERSIST', R)
    redis.call('PERSIST', C)
  end
  if changed then redis.call('HSET', R, '', cmsgpack.pack({m.seq or 0, m.forever, m.deadline or false, m.ttl})) end
  if reclaimable then
    -- Only expiring items left: Redis reclaims the partition after the last expires.
    local at = int(m.deadline)
    redis.call('PEXPIREAT', R, at)
    redis.call('PEXPIREAT', C, at)
  end
end

local cflat, vflat = {}, {}
for _, k in ipairs(counterOrder) do cflat[#cflat + 1] = k; cflat[#cflat + 1] = countersOut[k] end
for _, k in ipairs(versionOrder) do vflat[#vflat + 1] = k; vflat[#vflat + 1] = versionsOut[k] end
if A then redis.call('SET', A, cmsgpack.pack({now, cflat, vflat}), 'PX', int(retentionMs)) end
return {1, cflat, vflat}
`;
