/**
 * The end of every commit script, after its checks and ops passed and its
 * record and counter writes went out: the index ops gathered in `indexOps`
 * (nil for none), then the partition's meta (versions, permanent items,
 * reclaim deadline). Expects `seq`, `forever`, `longest` and `out` in scope
 * and returns `out`.
 */
export const INDEX_APPLY = String.raw`
-- Index ops, per index: each member's stored entry before the commit (one
-- HMGET) and after its last op; then one ZREM, ZADD, HSET and HDEL per index.
local touched = nil
-- The index keys' common start: the partition's base key (R without ':h').
local base = string.sub(R, 1, -3)
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
`;

/** Expects `seq`, `forever`, `longest`, `touched` and `out` in scope; returns `out`. */
export const META_APPLY = String.raw`
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
  end
  if changed then call('HSET', R, '', cmsgpack.pack({m.seq or 0, m.forever, m.deadline or false, m.ttl})) end
  if reclaimable then
    -- Only expiring items left: Redis reclaims the partition after the last expires.
    call('PEXPIREAT', R, string.format('%d', m.deadline))
  end
end

return out
`;

export const COMMIT_APPLY = INDEX_APPLY + META_APPLY;
