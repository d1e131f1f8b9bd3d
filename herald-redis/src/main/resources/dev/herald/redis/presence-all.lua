-- The subscriptions of every live node (deadline not passed, by Redis's clock), at one moment.
-- KEYS[1] nodes; ARGV[1] the prefix of the nodes' hash keys (same hash tag)
-- Returns {field, value, field, value...}.
local time = redis.call('TIME')
local now = tonumber(time[1]) * 1000 + math.floor(tonumber(time[2]) / 1000)
local live = redis.call('ZRANGEBYSCORE', KEYS[1], now, '+inf')
local all = {}
for _, node in ipairs(live) do
  local entries = redis.call('HGETALL', ARGV[1] .. node)
  for _, value in ipairs(entries) do
    all[#all + 1] = value
  end
end
return all
