-- One node's presence write, atomic: renews the node (its deadline in the nodes set, by Redis's clock,
-- so that the nodes' clocks need not agree), records and forgets subscriptions in its hash, and keeps
-- the hash for ARGV[3] ms in case no node is left to sweep it.
-- KEYS[1] nodes (sorted set: node id -> deadline in ms), KEYS[2] this node's hash
-- ARGV: node id, expiry ms, keep ms, number of pairs to add, field value..., fields to delete...
-- Returns 1 if the node was known before, 0 if not (new, claimed as dead, or Redis lost it).
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local known = redis.call('ZSCORE', KEYS[1], ARGV[1])
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
local adds = tonumber(ARGV[4])
local first = 5
if adds > 0 then
  redis.call('HSET', KEYS[2], unpack(ARGV, first, first + 2 * adds - 1))
end
first = first + 2 * adds
if #ARGV >= first then
  redis.call('HDEL', KEYS[2], unpack(ARGV, first, #ARGV))
end
if redis.call('EXISTS', KEYS[2]) == 1 then
  redis.call('PEXPIRE', KEYS[2], ARGV[3])
end
if known then
  return 1
end
return 0
