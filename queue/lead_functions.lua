#!lua name=leadd
-- Every change of a lead's state is one of these functions: Redis runs each atomically, so
-- any number of leadd instances can share the work without double assignment. Loaded with
-- FUNCTION LOAD REPLACE on every connect; functions persist with the data (RDB/AOF), so a
-- restart or failover never leaves a caller with NOSCRIPT. Time is Redis TIME, the one clock
-- every instance agrees on.

local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end

local function lead_key(prefix, id)
  return prefix .. ':lead:' .. id
end

-- Appends to the lead's own history and to the audit stream (the replay source).
local function record(prefix, id, entry)
  entry.at = now_ms()
  entry.lead = id
  local json = cjson.encode(entry)
  redis.call('RPUSH', lead_key(prefix, id) .. ':history', json)
  redis.call('XADD', prefix .. ':audit', 'MAXLEN', '~', '1000000', '*', 'lead', id, 'event', json)
end

-- KEYS: source index (hash), lead sequence, intake stream
-- ARGV: prefix, source key, then the lead's field/value pairs
-- Returns {lead id, 1 if created or 0 if the source key was seen before}.
local function ingest(keys, args)
  local prefix, source_key = args[1], args[2]
  local existing = redis.call('HGET', keys[1], source_key)
  if existing then
    return {existing, 0}
  end
  local id = 'L-' .. redis.call('INCR', keys[2])
  local fields = {'id', id, 'state', 'ingested', 'source_key', source_key, 'ingested_at', now_ms()}
  for i = 3, #args do
    fields[#fields + 1] = args[i]
  end
  redis.call('HSET', lead_key(prefix, id), unpack(fields))
  redis.call('HSET', keys[1], source_key, id)
  redis.call('XADD', keys[3], '*', 'lead', id)
  record(prefix, id, {event = 'ingested', to = 'ingested', by = 'intake'})
  return {id, 1}
end

-- The intake entry is done with: acknowledged and deleted, since the lead hash holds all.
local function finish_entry(stream, group, entry)
  redis.call('XACK', stream, group, entry)
  redis.call('XDEL', stream, entry)
end

-- KEYS: intake stream, owner index by email key, round-robin cursor (unused when not rotating)
-- ARGV: prefix, group, intake entry id, lead id, rule, strategy, rotate ('1'|'0'),
--       decision JSON, email key ('' when none), candidate reps...
-- Returns {assignee, 1 if assigned now or 0 if it already was}. A lead is assigned once:
-- a redelivered intake entry (a crashed consumer, a claim) finds it assigned and only acks.
local function assign(keys, args)
  local prefix, group, entry, id = args[1], args[2], args[3], args[4]
  local key = lead_key(prefix, id)
  local state = redis.call('HGET', key, 'state')
  if not state then
    finish_entry(keys[1], group, entry)
    return redis.error_reply('NOTFOUND lead ' .. id)
  end
  if state ~= 'ingested' then
    finish_entry(keys[1], group, entry)
    return {redis.call('HGET', key, 'assignee') or '', 0}
  end
  local candidates = {}
  for i = 10, #args do
    candidates[#candidates + 1] = args[i]
  end
  if #candidates == 0 then
    return redis.error_reply('ERR assign needs at least one candidate')
  end
  local pick = 1
  if args[7] == '1' then
    pick = (redis.call('INCR', keys[3]) - 1) % #candidates + 1
  end
  local rep = candidates[pick]
  local assignment = redis.call('HINCRBY', key, 'assignment_id', 1)
  redis.call('HSET', key, 'state', 'assigned', 'assignee', rep, 'rule', args[5],
             'strategy', args[6], 'decision', args[8], 'assigned_at', now_ms())
  if args[9] ~= '' then
    -- First registration wins: a later lead from the same address finds this owner.
    redis.call('HSETNX', keys[2], args[9], rep)
  end
  record(prefix, id, {event = 'assigned', from = state, to = 'assigned', rep = rep,
                      rule = args[5], assignment = assignment, by = 'router'})
  finish_entry(keys[1], group, entry)
  return {rep, 1}
end

-- KEYS: intake stream, pool (sorted set by entry time)
-- ARGV: prefix, group, intake entry id, lead id, decision JSON, pool name
-- No rule yielded a rep: the lead waits in the pool, visible, never dropped.
local function park(keys, args)
  local prefix, group, entry, id = args[1], args[2], args[3], args[4]
  local key = lead_key(prefix, id)
  local state = redis.call('HGET', key, 'state')
  if state ~= 'ingested' then
    finish_entry(keys[1], group, entry)
    return state and 0 or redis.error_reply('NOTFOUND lead ' .. id)
  end
  redis.call('HSET', key, 'state', 'pooled', 'pool', args[6], 'decision', args[5])
  redis.call('ZADD', keys[2], now_ms(), id)
  record(prefix, id, {event = 'pooled', from = state, to = 'pooled', pool = args[6],
                      by = 'router'})
  finish_entry(keys[1], group, entry)
  return 1
end

redis.register_function('leadd_ingest', ingest)
redis.register_function('leadd_assign', assign)
redis.register_function('leadd_park', park)
