-- Claims one dead node, atomically, so that exactly one sweeper reports it: the first node whose
-- deadline passed (by Redis's clock), other than the caller, leaves the nodes set and its hash is read
-- and deleted in the same step.
-- KEYS[1] nodes; ARGV: the caller's node id, the prefix of the nodes' hash keys (same hash tag)
-- Returns {} when no node is dead, else {node id, field, value, field, value...}.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local dead = redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', '(' .. now, 'LIMIT', 0, 2)
for _, node in ipairs(dead) do
  if node ~= ARGV[1] then
    redis.call('ZREM', KEYS[1], node)
    local key = ARGV[2] .. node
    local entries = redis.call('HGETALL', key)
    redis.call('DEL', key)
    table.insert(entries, 1, node)
    return entries
  end
end
return {}
