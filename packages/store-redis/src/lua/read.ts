import { PRELUDE } from './prelude.js';

/**
 * Reads records and counters of one partition as one snapshot.
 *
 * KEYS: records and counters (one hash)
 * ARGV: now, number of record keys, record fields..., counter fields... (fields.ts)
 *
 * Returns `{records, counters}`: each record its stored array
 * `{version, expiresAt|nil, name1, valueJson1, ...}`, or nil when absent or
 * expired; each counter its value (0 when absent or expired).
 */
export const READ_LUA =
  PRELUDE +
  String.raw`
local now, nr = tonumber(ARGV[1]), tonumber(ARGV[2])
local records, counters = {}, {}
for i = 1, nr do
  local rec = liveRecord(redis.call('HGET', KEYS[1], ARGV[2 + i]), now)
  records[i] = rec and recordReply(rec)
end
for i = 3 + nr, #ARGV do
  local c = liveCounter(redis.call('HGET', KEYS[1], ARGV[i]), now)
  counters[#counters + 1] = c and c[1] or 0
end
return {records, counters}
`;
