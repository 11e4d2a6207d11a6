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

-- The lead no longer waits on a response deadline (accepted, handed back, closed, moved).
local function clear_sla(prefix, key, id)
  redis.call('ZREM', prefix .. ':sla', id)
  redis.call('HDEL', key, 'sla_deadline')
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

-- A pooled lead that an SLA bounce sent back for routing (`requeued`), not one a rep or an
-- admin parked there.
local function is_requeued(key, state)
  return state == 'pooled' and redis.call('HGET', key, 'requeued') == '1'
end

-- KEYS: intake stream, owner index by email key, round-robin cursor (unused when not rotating),
--       SLA deadlines (sorted set by deadline)
-- ARGV: prefix, group, intake entry id, lead id, rule, strategy, rotate ('1'|'0'),
--       decision JSON, email key ('' when none), accept within ms ('0' for no SLA),
--       candidate reps...
-- Returns {assignee, 1 if assigned now or 0 if it already was}. A lead is assigned once per
-- routing: a redelivered intake entry (a crashed consumer, a claim) finds it assigned and only
-- acks.
local function assign(keys, args)
  local prefix, group, entry, id = args[1], args[2], args[3], args[4]
  local key = lead_key(prefix, id)
  local state = redis.call('HGET', key, 'state')
  if not state then
    finish_entry(keys[1], group, entry)
    return redis.error_reply('NOTFOUND lead ' .. id)
  end
  if state ~= 'ingested' and not is_requeued(key, state) then
    finish_entry(keys[1], group, entry)
    return {redis.call('HGET', key, 'assignee') or '', 0}
  end
  local within = args[10]
  if not within or not string.match(within, '^%d+$') then
    return redis.error_reply('ERR accept within must be a non-negative integer')
  end
  within = tonumber(within)
  local candidates = {}
  for i = 11, #args do
    candidates[#candidates + 1] = args[i]
  end
  if #candidates == 0 then
    return redis.error_reply('ERR assign needs at least one candidate')
  end
  if state == 'pooled' then
    redis.call('ZREM', prefix .. ':pool:' .. (redis.call('HGET', key, 'pool') or ''), id)
    redis.call('HDEL', key, 'pool', 'pooled_at', 'requeued')
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
  redis.call('SADD', prefix .. ':rep:' .. rep .. ':open', id)
  local deadline = nil
  if within > 0 then
    deadline = now_ms() + within
    redis.call('HSET', key, 'sla_deadline', deadline)
    redis.call('ZADD', keys[4], deadline, id)
  else
    redis.call('HDEL', key, 'sla_deadline')
    redis.call('ZREM', keys[4], id)
  end
  record(prefix, id, {event = 'assigned', from = state, to = 'assigned', rep = rep,
                      rule = args[5], assignment = assignment, sla_deadline = deadline,
                      by = 'router'})
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
  if is_requeued(key, state) then
    -- No rule found a rep it was not bounced from: it stays where the bounce put it.
    redis.call('HDEL', key, 'requeued')
    redis.call('HSET', key, 'decision', args[5])
    finish_entry(keys[1], group, entry)
    return 0
  end
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

-- After routing. A rep acting on an assignment passes its assignment id, a fencing token that
-- every assignment increments: an action or a deadline meant for an earlier assignment is
-- refused instead of undoing a newer one. Refusals say why in a sentence after CONFLICT.

local function open_key(prefix, rep)
  return prefix .. ':rep:' .. rep .. ':open'
end

local function conflict(text)
  return redis.error_reply('CONFLICT ' .. text)
end

-- The lead's state if it is one of `allowed`; otherwise nil and the refusal to return.
local function expect_state(key, id, allowed)
  local state = redis.call('HGET', key, 'state')
  if not state then
    return nil, redis.error_reply('NOTFOUND lead ' .. id)
  end
  for _, s in ipairs(allowed) do
    if s == state then
      return state
    end
  end
  return nil, conflict('lead ' .. id .. ' is ' .. state .. ', not ' .. table.concat(allowed, ' or '))
end

local function expect_assignment(key, given)
  if not string.match(given, '^%d+$') then
    return redis.error_reply('ERR assignment id must be a number, not "' .. given .. '"')
  end
  local current = redis.call('HGET', key, 'assignment_id') or '0'
  if tonumber(given) ~= tonumber(current) then
    return conflict('stale assignment ' .. given .. ' (current ' .. current .. ')')
  end
  return nil
end

local function expect_holder(key, id, rep)
  local holder = redis.call('HGET', key, 'assignee') or 'nobody'
  if holder ~= rep then
    return conflict('lead ' .. id .. ' is held by ' .. holder .. ', not ' .. rep)
  end
  return nil
end

-- A move on an assignment: the lead is in one of `allowed`, `assignment` is current, and,
-- when `rep` is given, the rep holds it. Returns the state, or nil and the refusal.
local function expect_move(key, id, allowed, assignment, rep)
  local state, refused = expect_state(key, id, allowed)
  if not state then
    return nil, refused
  end
  refused = expect_assignment(key, assignment) or (rep and expect_holder(key, id, rep))
  if refused then
    return nil, refused
  end
  return state
end

-- The holder gives the lead up to a pool: routing skips them for it from now on, and the time
-- is kept so that they cannot claim it straight back (the claim cooldown).
local function return_to_pool(key, id, holder, holder_open, pool_zset, excluded, pool, now)
  redis.call('HSET', key, 'state', 'pooled', 'pool', pool, 'pooled_at', now,
             'returned_at:' .. holder, now)
  redis.call('HDEL', key, 'assignee')
  redis.call('ZADD', pool_zset, now, id)
  redis.call('SADD', excluded, holder)
  redis.call('SREM', holder_open, id)
end

-- KEYS: none
-- ARGV: prefix, lead id, rep, assignment id
local function accept(keys, args)
  local prefix, id, rep, assignment = args[1], args[2], args[3], args[4]
  local key = lead_key(prefix, id)
  local state, refused = expect_move(key, id, {'assigned'}, assignment, rep)
  if not state then
    return refused
  end
  local now = now_ms()
  redis.call('HSET', key, 'state', 'accepted', 'accepted_at', now, 'last_activity_at', now)
  clear_sla(prefix, key, id)
  record(prefix, id, {event = 'accepted', from = state, to = 'accepted', rep = rep,
                      assignment = tonumber(assignment), by = rep})
  return 1
end

-- KEYS: target pool (sorted set by entry time), the lead's exclusion set, the rep's open set
-- ARGV: prefix, lead id, rep, assignment id, reason, pool name ('' for nurture)
local function reject(keys, args)
  local prefix, id, rep, assignment, reason = args[1], args[2], args[3], args[4], args[5]
  local pool = args[6] ~= '' and args[6] or 'nurture'
  if reason == '' then
    return redis.error_reply('ERR reject needs a reason')
  end
  local key = lead_key(prefix, id)
  local state, refused = expect_move(key, id, {'assigned', 'accepted'}, assignment, rep)
  if not state then
    return refused
  end
  return_to_pool(key, id, rep, keys[3], keys[1], keys[2], pool, now_ms())
  clear_sla(prefix, key, id)
  record(prefix, id, {event = 'rejected', from = state, to = 'pooled', rep = rep, pool = pool,
                      assignment = tonumber(assignment), reason = reason, by = rep})
  return 1
end

-- An assigned lead goes back to `pool` with its holder excluded; `extra` adds fields to the
-- history entry. Returns the lead's bounce count. The caller has checked state and assignment.
local function bounce_assigned(prefix, id, key, assignment, reason, pool_zset, excluded, pool,
                               extra)
  local holder = redis.call('HGET', key, 'assignee') or ''
  return_to_pool(key, id, holder, open_key(prefix, holder), pool_zset, excluded, pool, now_ms())
  clear_sla(prefix, key, id)
  local bounces = redis.call('HINCRBY', key, 'bounces', 1)
  local entry = {event = 'bounced', from = 'assigned', to = 'pooled', rep = holder, pool = pool,
                 assignment = tonumber(assignment), bounces = bounces, reason = reason,
                 by = 'sla'}
  for name, value in pairs(extra or {}) do
    entry[name] = value
  end
  record(prefix, id, entry)
  return bounces
end

-- KEYS: target pool, the lead's exclusion set
-- ARGV: prefix, lead id, assignment id the deadline was set for, reason, pool name
-- Returns the lead's bounce count. A deadline bounces its own assignment at most once: after
-- the first bounce the lead is pooled, and once reassigned the token is stale.
local function bounce(keys, args)
  local prefix, id, assignment, reason, pool = args[1], args[2], args[3], args[4], args[5]
  if pool == '' then
    return redis.error_reply('ERR bounce needs a pool')
  end
  local key = lead_key(prefix, id)
  local state, refused = expect_move(key, id, {'assigned'}, assignment, nil)
  if not state then
    return refused
  end
  return bounce_assigned(prefix, id, key, assignment, reason, keys[1], keys[2], pool, nil)
end

local function limit(name, args, index)
  local value = args[index]
  if not string.match(value, '^%d+$') then
    return nil, redis.error_reply('ERR ' .. name .. ' must be a non-negative integer')
  end
  return tonumber(value)
end

-- KEYS: the pool the lead is in, the rep's open set
-- ARGV: prefix, lead id, rep, pool name, claims per day, max held, cooldown ms
-- Returns the new assignment id. Every limit is checked before anything is written, so a
-- refused claim uses none of the rep's daily quota.
local function claim(keys, args)
  local prefix, id, rep, pool = args[1], args[2], args[3], args[4]
  local per_day, max_held, cooldown, bad
  per_day, bad = limit('claims per day', args, 5)
  if bad then
    return bad
  end
  max_held, bad = limit('max held', args, 6)
  if bad then
    return bad
  end
  cooldown, bad = limit('cooldown', args, 7)
  if bad then
    return bad
  end
  if rep == '' then
    return redis.error_reply('ERR claim needs a rep')
  end
  local key = lead_key(prefix, id)
  local state, refused = expect_state(key, id, {'pooled'})
  if not state then
    return refused
  end
  local in_pool = redis.call('HGET', key, 'pool') or ''
  if in_pool ~= pool then
    return conflict('lead ' .. id .. ' is in pool ' .. in_pool .. ', not ' .. pool)
  end
  local now = now_ms()
  local returned = tonumber(redis.call('HGET', key, 'returned_at:' .. rep))
  if returned and now - returned < cooldown then
    return conflict('rep ' .. rep .. ' returned lead ' .. id .. ' to the pool ' ..
                    (now - returned) .. ' ms ago (cooldown ' .. cooldown .. ' ms)')
  end
  local held = redis.call('SCARD', keys[2])
  if held >= max_held then
    return conflict('rep ' .. rep .. ' holds ' .. held .. ' leads (limit ' .. max_held .. ')')
  end
  -- One counter per rep and UTC day of Redis TIME, dropped a day after its own so nothing
  -- has to sweep old counters.
  local day = math.floor(now / 86400000)
  local quota = prefix .. ':rep:' .. rep .. ':claims:' .. day
  local claimed = tonumber(redis.call('GET', quota) or '0')
  if claimed >= per_day then
    return conflict('rep ' .. rep .. ' has claimed ' .. claimed .. ' leads today (limit ' ..
                    per_day .. ')')
  end
  redis.call('INCR', quota)
  redis.call('PEXPIREAT', quota, (day + 2) * 86400000)
  local assignment = redis.call('HINCRBY', key, 'assignment_id', 1)
  redis.call('HSET', key, 'state', 'assigned', 'assignee', rep, 'assigned_at', now)
  redis.call('HDEL', key, 'pool', 'pooled_at', 'accepted_at', 'requeued')
  clear_sla(prefix, key, id)
  redis.call('ZREM', keys[1], id)
  redis.call('SADD', keys[2], id)
  record(prefix, id, {event = 'claimed', from = state, to = 'assigned', rep = rep, pool = pool,
                      assignment = assignment, by = rep})
  return assignment
end

-- KEYS: the new holder's open set
-- ARGV: prefix, lead id, new holder, admin, reason
-- Returns the new assignment id; the previous holder's token is stale from now on.
local function reassign(keys, args)
  local prefix, id, rep, admin, reason = args[1], args[2], args[3], args[4], args[5]
  if rep == '' or admin == '' then
    return redis.error_reply('ERR reassign needs a rep and an admin')
  end
  local key = lead_key(prefix, id)
  local state, refused = expect_state(key, id, {'assigned', 'accepted', 'pooled'})
  if not state then
    return refused
  end
  local previous = redis.call('HGET', key, 'assignee')
  if state == 'pooled' then
    local pool = redis.call('HGET', key, 'pool') or ''
    redis.call('ZREM', prefix .. ':pool:' .. pool, id)
  elseif previous then
    redis.call('SREM', open_key(prefix, previous), id)
  end
  local assignment = redis.call('HINCRBY', key, 'assignment_id', 1)
  redis.call('HSET', key, 'state', 'assigned', 'assignee', rep, 'assigned_at', now_ms())
  redis.call('HDEL', key, 'pool', 'pooled_at', 'accepted_at', 'requeued')
  clear_sla(prefix, key, id)
  redis.call('SADD', keys[1], id)
  record(prefix, id, {event = 'reassigned', from = state, to = 'assigned', rep = rep,
                      previous = previous, assignment = assignment, reason = reason, by = admin})
  return assignment
end

-- The lead must be accepted and held by `rep`; returns the key, or nil and the refusal.
local function held_accepted(prefix, id, rep)
  local key = lead_key(prefix, id)
  local state, refused = expect_state(key, id, {'accepted'})
  if not state then
    return nil, refused
  end
  refused = expect_holder(key, id, rep)
  if refused then
    return nil, refused
  end
  return key
end

-- KEYS: none
-- ARGV: prefix, lead id, rep, stage (validated by the caller against the configured stages)
local function stage(keys, args)
  local prefix, id, rep, name = args[1], args[2], args[3], args[4]
  if name == '' then
    return redis.error_reply('ERR stage needs a name')
  end
  local key, refused = held_accepted(prefix, id, rep)
  if not key then
    return refused
  end
  local previous = redis.call('HGET', key, 'stage')
  redis.call('HSET', key, 'stage', name, 'last_activity_at', now_ms())
  record(prefix, id, {event = 'stage', from = 'accepted', to = 'accepted', stage = name,
                      previous_stage = previous, by = rep})
  return 1
end

-- KEYS: none
-- ARGV: prefix, lead id, rep
local function activity(keys, args)
  local prefix, id, rep = args[1], args[2], args[3]
  local key, refused = held_accepted(prefix, id, rep)
  if not key then
    return refused
  end
  redis.call('HSET', key, 'last_activity_at', now_ms())
  record(prefix, id, {event = 'activity', from = 'accepted', to = 'accepted', by = rep})
  return 1
end

-- KEYS: the rep's open set
-- ARGV: prefix, lead id, rep, outcome (won|lost), reason
local function close(keys, args)
  local prefix, id, rep, outcome, reason = args[1], args[2], args[3], args[4], args[5]
  if outcome ~= 'won' and outcome ~= 'lost' then
    return redis.error_reply('ERR outcome must be won or lost, not "' .. outcome .. '"')
  end
  local key, refused = held_accepted(prefix, id, rep)
  if not key then
    return refused
  end
  redis.call('HSET', key, 'state', outcome, 'closed_at', now_ms(), 'close_reason', reason)
  redis.call('SREM', keys[1], id)
  clear_sla(prefix, key, id)
  record(prefix, id, {event = 'closed', from = 'accepted', to = outcome, reason = reason,
                      by = rep})
  return 1
end

-- KEYS: SLA deadlines (sorted set by deadline), intake stream, public pool
-- ARGV: prefix, limit, escalate after (bounces)
-- Returns {bounced, requeued, escalated}. Each due deadline is taken off the set before it is
-- acted on, and the whole call is atomic, so any number of daemons may call this and a
-- deadline bounces once. A lead whose deadline moved (re-armed) or that left `assigned` only
-- loses the stale entry.
local function bounce_due(keys, args)
  local prefix = args[1]
  local max, bad = limit('limit', args, 2)
  if bad then
    return bad
  end
  local escalate_after
  escalate_after, bad = limit('escalate after', args, 3)
  if bad then
    return bad
  end
  local bounced, requeued, escalated = 0, 0, 0
  if max == 0 then
    return {bounced, requeued, escalated}
  end
  local due = redis.call('ZRANGE', keys[1], '-inf', now_ms(), 'BYSCORE', 'LIMIT', 0, max,
                         'WITHSCORES')
  for i = 1, #due, 2 do
    local id, deadline = due[i], tonumber(due[i + 1])
    redis.call('ZREM', keys[1], id)
    local key = lead_key(prefix, id)
    local state = redis.call('HGET', key, 'state')
    if state == 'assigned' and tonumber(redis.call('HGET', key, 'sla_deadline')) == deadline then
      local assignment = redis.call('HGET', key, 'assignment_id') or '0'
      local extra = {}
      local bounces = tonumber(redis.call('HGET', key, 'bounces') or '0') + 1
      if bounces < escalate_after then
        extra.requeued = 1
      else
        extra.escalated = 1
      end
      bounce_assigned(prefix, id, key, assignment, 'sla', keys[3], key .. ':excluded', 'public',
                      extra)
      bounced = bounced + 1
      if extra.requeued then
        redis.call('HSET', key, 'requeued', 1)
        redis.call('XADD', keys[2], '*', 'lead', id)
        requeued = requeued + 1
      else
        redis.call('HSET', key, 'escalated', 1)
        escalated = escalated + 1
      end
    end
  end
  return {bounced, requeued, escalated}
end

redis.register_function('leadd_ingest', ingest)
redis.register_function('leadd_assign', assign)
redis.register_function('leadd_park', park)
redis.register_function('leadd_accept', accept)
redis.register_function('leadd_reject', reject)
redis.register_function('leadd_bounce', bounce)
redis.register_function('leadd_claim', claim)
redis.register_function('leadd_reassign', reassign)
redis.register_function('leadd_stage', stage)
redis.register_function('leadd_activity', activity)
redis.register_function('leadd_close', close)
redis.register_function('leadd_bounce_due', bounce_due)
