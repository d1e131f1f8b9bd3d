-- Appends a batch of updates to the hub's stream, atomically (a script runs alone on the server).
-- KEYS: 1 the stream, 2 the sequence counter, 3 the ids (sorted set: id -> sequence), 4 the epoch.
-- ARGV: 1 max entries kept (0: no bound), 2 now (ms), 3 number of updates, then 7 per update:
--       id, chosen ("1" if the publisher chose the id), topics (LF-joined), data, private ("1"/"0"),
--       type ("" for none), retry ("" for none); last, a fresh random epoch, set if there is none
--       (Redis lost the log, or it is new), so that every node's tail notices the new log.
-- Returns one number per update: its new sequence, or minus the sequence already stored under its id
-- (an idempotent repeat); or {"conflict", id} when a chosen id is stored with other content, in which
-- case nothing of the batch is stored.
local stream, counter, ids = KEYS[1], KEYS[2], KEYS[3]
local maxlen = tonumber(ARGV[1])
local now = ARGV[2]
local n = tonumber(ARGV[3])
local PER = 7
redis.call('SET', KEYS[4], ARGV[4 + n * PER], 'NX')

local function field_map(flat)
  local map = {}
  for j = 1, #flat, 2 do
    map[flat[j]] = flat[j + 1]
  end
  return map
end

-- First pass: repeats and conflicts, before anything is written. "Same content" is Update.sameContentAs,
-- field by field: topics (LF-joined, in order), data, private, type and retry ('' for none).
local existing = {}
for k = 1, n do
  local i = 4 + (k - 1) * PER
  if ARGV[i + 1] == '1' then
    local seq = redis.call('ZSCORE', ids, ARGV[i])
    if seq then
      local found = redis.call('XRANGE', stream, seq .. '-0', seq .. '-0')
      if #found == 1 then
        local stored = field_map(found[1][2])
        if stored['topics'] ~= ARGV[i + 2] or stored['data'] ~= ARGV[i + 3] or stored['private'] ~= ARGV[i + 4]
            or (stored['type'] or '') ~= ARGV[i + 5] or (stored['retry'] or '') ~= ARGV[i + 6] then
          return {'conflict', ARGV[i]}
        end
        existing[k] = tonumber(seq)
      end
    end
  end
end

-- Second pass: the new entries, each with the next sequence as its stream id. A chosen id twice in
-- one batch (with the same content: the caller checked) is stored once, like a repeat of a stored one.
local out = {}
local added = {}
for k = 1, n do
  local i = 4 + (k - 1) * PER
  local earlier = ARGV[i + 1] == '1' and added[ARGV[i]]
  if existing[k] then
    out[k] = -existing[k]
  elseif earlier then
    out[k] = -earlier
  else
    local seq = redis.call('INCR', counter)
    local fields = {'id', ARGV[i], 'topics', ARGV[i + 2], 'data', ARGV[i + 3], 'private', ARGV[i + 4], 'at', now}
    if ARGV[i + 5] ~= '' then
      fields[#fields + 1] = 'type'
      fields[#fields + 1] = ARGV[i + 5]
    end
    if ARGV[i + 6] ~= '' then
      fields[#fields + 1] = 'retry'
      fields[#fields + 1] = ARGV[i + 6]
    end
    if maxlen > 0 then
      redis.call('XADD', stream, 'MAXLEN', '~', maxlen, seq .. '-0', unpack(fields))
    else
      redis.call('XADD', stream, seq .. '-0', unpack(fields))
    end
    redis.call('ZADD', ids, seq, ARGV[i])
    added[ARGV[i]] = seq
    out[k] = seq
  end
end

-- Ids of entries the stream no longer holds are forgotten with them.
local first = redis.call('XRANGE', stream, '-', '+', 'COUNT', 1)
if #first == 1 then
  local first_seq = tonumber(string.match(first[1][1], '^(%d+)'))
  redis.call('ZREMRANGEBYSCORE', ids, '-inf', '(' .. first_seq)
end
return out
