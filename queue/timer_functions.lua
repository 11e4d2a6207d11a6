
-- Timers firing, locks against automatic return, absences, and recurring reminders. The
-- second part of the `leadd` library: it uses the helpers of lead_functions.lua.

-- What a due timer does, by kind. Each gets the lead's key and the timer's token, and returns
-- the name of the count it adds to, or nil when the timer was stale (the lead moved on).
local fire = {}

local function assigned_under(key, token)
  return redis.call('HGET', key, 'state') == 'assigned' and
             redis.call('HGET', key, 'assignment_id') == token
end

local function accepted_under(key, field, token)
  return redis.call('HGET', key, 'state') == 'accepted' and
             redis.call('HGET', key, field) == token
end

function fire.sla_remind(prefix, id, key, token, due, now)
  if not assigned_under(key, token) then
    return nil
  end
  local holder = redis.call('HGET', key, 'assignee')
  notify(prefix, 'sla_reminder', id, acting(prefix, holder, now),
         {owner = holder, assignment = token, deadline = redis.call('HGET', key, 'sla_deadline')})
  return 'reminded'
end

-- The deadline passed: back to `public`, the holder excluded; routed again unless the lead
-- has bounced `escalate_after` times, when it stays in the pool and the manager is told.
function fire.sla_bounce(prefix, id, key, token, due, now, ctx)
  if not assigned_under(key, token) then
    return nil
  end
  local escalate_after = tonumber(redis.call('HGET', key, 'escalate_after') or '1')
  local bounces = tonumber(redis.call('HGET', key, 'bounces') or '0') + 1
  local extra = {due = due}
  if bounces < escalate_after then
    extra.requeued = 1
  else
    extra.escalated = 1
  end
  local _, holder = bounce_assigned(prefix, id, key, token, 'sla', 'public', extra)
  if extra.requeued then
    redis.call('HSET', key, 'requeued', 1)
    redis.call('XADD', ctx.intake, '*', 'lead', id)
    ctx.counts.requeued = ctx.counts.requeued + 1
  else
    redis.call('HSET', key, 'escalated', 1)
    notify(prefix, 'escalated', id, holder, {bounces = bounces})
    ctx.counts.escalated = ctx.counts.escalated + 1
  end
  return 'bounced'
end

-- Nobody answered the round in time: the reps it was offered to are passed over for this lead
-- from now on, and it goes to the next in line or lapses into the pool (see next_offer).
function fire.offer_expire(prefix, id, key, token, due, now)
  if redis.call('HGET', key, 'state') ~= 'offered' or
      redis.call('HGET', key, 'assignment_id') ~= token then
    return nil
  end
  local offer = cjson.decode(redis.call('HGET', key, 'offer'))
  local silent = offered_names(offer)
  for _, rep in ipairs(silent) do
    redis.call('SADD', key .. ':excluded', rep)
  end
  record(prefix, id, {event = 'offer_expired', from = 'offered', to = 'offered', reps = silent,
                      assignment = tonumber(token), due = due, by = 'timer'})
  return next_offer(prefix, id, key, offer, 'nobody took the offer in time', 'timer', now)
end

-- A locked lead is not returned, so its holder is not told it will be.
local function remind_return(prefix, id, key, reason, returns_at, now)
  if redis.call('HGET', key, 'locked') == '1' then
    return 'kept_locked'
  end
  local holder = redis.call('HGET', key, 'assignee')
  notify(prefix, 'return_reminder', id, acting(prefix, holder, now),
         {owner = holder, reason = reason, returns_at = returns_at or ''})
  return 'reminded'
end

-- An accepted lead nobody followed up (or closed) goes back to the inactivity pool, unless its
-- holder locked it.
local function inactive_return(prefix, id, key, reason, now, ctx)
  if redis.call('HGET', key, 'locked') == '1' then
    return 'kept_locked'
  end
  local holder = redis.call('HGET', key, 'assignee')
  return_to_pool(prefix, id, key, holder, ctx.inactivity_pool, now)
  record(prefix, id, {event = 'returned', from = 'accepted', to = 'pooled', rep = holder,
                      pool = ctx.inactivity_pool, reason = reason, by = 'timer'})
  notify(prefix, 'returned', id, holder, {reason = reason, pool = ctx.inactivity_pool})
  return 'returned'
end

local function armed_due(prefix, id, kind, token)
  return redis.call('ZSCORE', timers_key(prefix), kind .. '|' .. id .. '|' .. token)
end

-- The two ways an accepted lead goes back: no follow-up (its token is the activity count) and
-- no deal (its token is the assignment id, which activity does not change). (A plain call per
-- family: a library's loading code may not use `pairs`.)
local function define_return(family, token_field, reason)
  fire[family .. '_remind'] = function(prefix, id, key, token, due, now)
    if not accepted_under(key, token_field, token) then
      return nil
    end
    return remind_return(prefix, id, key, reason, armed_due(prefix, id, family .. '_return', token),
                         now)
  end
  fire[family .. '_return'] = function(prefix, id, key, token, due, now, ctx)
    if not accepted_under(key, token_field, token) then
      return nil
    end
    return inactive_return(prefix, id, key, reason, now, ctx)
  end
end
define_return('idle', 'activity_seq', 'inactivity')
define_return('deal', 'assignment_id', 'no_deal')

local function reminder_key(prefix, id)
  return prefix .. ':reminder:' .. id
end

local function arm_reminder(prefix, id, seq, due)
  redis.call('ZADD', timers_key(prefix), due, 'recur|' .. id .. '|' .. seq)
end

-- A recurring reminder (reorder cycle, contact cadence) tells the lead's holder (or their
-- delegate) `ahead` before each occurrence, then arms the next one. After downtime it reminds
-- once for the occurrence it missed and skips to the next one still ahead.
function fire.recur(prefix, id, key, token, due, now)
  local rkey = reminder_key(prefix, id)
  local r = redis.call('HMGET', rkey, 'lead', 'kind', 'product', 'every', 'ahead', 'next_at', 'seq')
  if not r[1] or r[7] ~= token then
    return nil
  end
  local lead = lead_key(prefix, r[1])
  local state = redis.call('HGET', lead, 'state')
  if not state or state == 'lost' then
    -- Nobody to remind about a customer that is gone or lost: the reminder ends.
    redis.call('DEL', rkey)
    redis.call('SREM', lead .. ':reminders', id)
    return nil
  end
  local holder = redis.call('HGET', lead, 'assignee') or ''
  notify(prefix, r[2] .. '_due', r[1], acting(prefix, holder, now),
         {owner = holder, reminder = id, product = r[3], occurs_at = r[6]})
  local every, ahead, next_at = tonumber(r[4]), tonumber(r[5]), tonumber(r[6]) + tonumber(r[4])
  while next_at - ahead <= now do
    next_at = next_at + every
  end
  local seq = tonumber(token) + 1
  redis.call('HSET', rkey, 'next_at', next_at, 'seq', seq)
  arm_reminder(prefix, id, seq, next_at - ahead)
  return 'reminded'
end

-- KEYS: timers (sorted set by due time), intake stream
-- ARGV: prefix, limit, inactivity pool
-- Returns {now, next due or -1, fired, stale, bounced, requeued, escalated, reminded, returned,
-- kept_locked, reoffered, offer_pooled}. Each due timer is taken off the set before it acts, and the whole call is
-- atomic, so any number of daemons may call this and a timer fires once.
local function fire_due(keys, args)
  local prefix = args[1]
  local max, bad = limit('limit', args, 2)
  if bad then
    return bad
  end
  local ctx = {intake = keys[2], inactivity_pool = args[3],
               counts = {fired = 0, stale = 0, bounced = 0, requeued = 0, escalated = 0,
                         reminded = 0, returned = 0, kept_locked = 0, reoffered = 0,
                         offer_pooled = 0}}
  if ctx.inactivity_pool == nil or ctx.inactivity_pool == '' then
    return redis.error_reply('ERR fire_due needs the inactivity pool')
  end
  local now = now_ms()
  local due = redis.call('ZRANGE', keys[1], '-inf', now, 'BYSCORE', 'LIMIT', 0, max,
                         'WITHSCORES')
  for i = 1, #due, 2 do
    local member, at = due[i], tonumber(due[i + 1])
    redis.call('ZREM', keys[1], member)
    local kind, subject, token = string.match(member, '^([%a_]+)|([^|]+)|(%d+)$')
    local outcome = nil
    if kind and fire[kind] then
      if kind ~= 'recur' then
        redis.call('SREM', armed_key(prefix, subject), member)
      end
      outcome = fire[kind](prefix, subject, lead_key(prefix, subject), token, at, now, ctx)
    end
    ctx.counts.fired = ctx.counts.fired + 1
    local name = outcome or 'stale'
    ctx.counts[name] = ctx.counts[name] + 1
  end
  local next_due = redis.call('ZRANGE', keys[1], 0, 0, 'WITHSCORES')
  local c = ctx.counts
  return {now, next_due[2] and tonumber(next_due[2]) or -1, c.fired, c.stale, c.bounced,
          c.requeued, c.escalated, c.reminded, c.returned, c.kept_locked, c.reoffered,
          c.offer_pooled}
end

-- KEYS: none
-- ARGV: prefix, lead id, rep, lock cap
-- Locks an accepted lead of the rep's against automatic return. Returns 1, or 0 when it was
-- locked already.
local function lock(keys, args)
  local prefix, id, rep = args[1], args[2], args[3]
  local cap, bad = limit('lock cap', args, 4)
  if bad then
    return bad
  end
  local key, refused = held_accepted(prefix, id, rep)
  if not key then
    return refused
  end
  if redis.call('HGET', key, 'locked') == '1' then
    return 0
  end
  local holder = redis.call('HGET', key, 'assignee')
  local locked = rep_key(prefix, holder, 'locked')
  local count = redis.call('SCARD', locked)
  if count >= cap then
    return conflict('rep ' .. holder .. ' has locked ' .. count .. ' leads (limit ' .. cap .. ')')
  end
  redis.call('SADD', locked, id)
  redis.call('HSET', key, 'locked', 1)
  record(prefix, id, {event = 'locked', from = 'accepted', to = 'accepted', by = rep})
  return 1
end

-- KEYS: none
-- ARGV: prefix, lead id, rep, follow-up plan (the idle/deal timers from now on)
local function unlock(keys, args)
  local prefix, id, rep = args[1], args[2], args[3]
  local plan, refused = parse_plan(args[4], FOLLOW_UP)
  if not plan then
    return refused
  end
  local key
  key, refused = held_accepted(prefix, id, rep)
  if not key then
    return refused
  end
  if redis.call('HGET', key, 'locked') ~= '1' then
    return 0
  end
  release_lock(prefix, key, id, redis.call('HGET', key, 'assignee'))
  disarm(prefix, id, FOLLOW_UP)
  arm_plan(prefix, id, plan, {idle = redis.call('HGET', key, 'activity_seq') or '0',
                              deal = redis.call('HGET', key, 'assignment_id')})
  record(prefix, id, {event = 'unlocked', from = 'accepted', to = 'accepted', by = rep})
  return 1
end

local function audit_rep(prefix, rep, entry)
  entry.at = now_ms()
  entry.rep = rep
  redis.call('XADD', prefix .. ':audit', 'MAXLEN', '~', '1000000', '*', 'rep', rep, 'event',
             cjson.encode(entry))
end

-- KEYS: none
-- ARGV: prefix, rep, from ms, to ms, delegate, by
-- Records a short absence: from `from` until `to` the delegate acts for the rep (accepts,
-- receives reminders, meets the SLAs); ownership does not change.
local function away(keys, args)
  local prefix, rep, delegate, by = args[1], args[2], args[5], args[6]
  local n, bad = limits(args, {{'from', 3}, {'to', 4}})
  if not n then
    return bad
  end
  local from, to = n[1], n[2]
  if rep == '' or delegate == '' or rep == delegate then
    return redis.error_reply('ERR away needs a rep and a different delegate')
  end
  if to <= from then
    return redis.error_reply('ERR away needs `to` after `from`')
  end
  local chained = acting(prefix, delegate, from)
  if chained ~= delegate then
    return conflict('delegate ' .. delegate .. ' is away then too (delegating to ' .. chained .. ')')
  end
  redis.call('HSET', rep_key(prefix, rep, 'absence'), 'from', from, 'to', to, 'delegate', delegate)
  -- Kept a day past its end for `leadctl` to show; no sweep needed. (Relative, as in claim: an
  -- absence that ended over a day ago is gone at once.)
  redis.call('PEXPIRE', rep_key(prefix, rep, 'absence'), to + 86400000 - now_ms())
  audit_rep(prefix, rep, {event = 'away', from = from, to = to, delegate = delegate, by = by})
  return 1
end

-- KEYS: none
-- ARGV: prefix, rep, by
local function back(keys, args)
  local prefix, rep, by = args[1], args[2], args[3]
  local removed = redis.call('DEL', rep_key(prefix, rep, 'absence'))
  if removed == 1 then
    audit_rep(prefix, rep, {event = 'back', by = by})
  end
  return removed
end

-- KEYS: none
-- ARGV: prefix, lead id, kind (reorder | cadence), product, every ms, ahead ms, first occurrence
--       ms, by
-- Returns the reminder's id ("R-7"). The first reminder fires `ahead` before `first`.
local function reminder_add(keys, args)
  local prefix, lead, kind, product, by = args[1], args[2], args[3], args[4], args[8]
  if kind ~= 'reorder' and kind ~= 'cadence' then
    return redis.error_reply('ERR reminder kind must be reorder or cadence, not "' .. kind .. '"')
  end
  local n, bad = limits(args, {{'every', 5}, {'ahead', 6}, {'first', 7}})
  if not n then
    return bad
  end
  local every, ahead, first = n[1], n[2], n[3]
  if every == 0 or ahead >= every then
    return redis.error_reply('ERR a reminder needs every > 0 and ahead < every')
  end
  local key = lead_key(prefix, lead)
  if redis.call('EXISTS', key) == 0 then
    return redis.error_reply('NOTFOUND lead ' .. lead)
  end
  local id = 'R-' .. redis.call('INCR', prefix .. ':reminder:seq')
  redis.call('HSET', reminder_key(prefix, id), 'id', id, 'lead', lead, 'kind', kind, 'product',
             product, 'every', every, 'ahead', ahead, 'next_at', first, 'seq', 1, 'created_by', by,
             'created_at', now_ms())
  redis.call('SADD', key .. ':reminders', id)
  arm_reminder(prefix, id, 1, first - ahead)
  record(prefix, lead, {event = 'reminder_added', reminder = id, kind = kind, product = product,
                        every = every, ahead = ahead, first = first, by = by})
  return id
end

-- KEYS: none
-- ARGV: prefix, reminder id, by
local function reminder_remove(keys, args)
  local prefix, id, by = args[1], args[2], args[3]
  local rkey = reminder_key(prefix, id)
  local r = redis.call('HMGET', rkey, 'lead', 'seq')
  if not r[1] then
    return redis.error_reply('NOTFOUND reminder ' .. id)
  end
  redis.call('ZREM', timers_key(prefix), 'recur|' .. id .. '|' .. r[2])
  redis.call('DEL', rkey)
  redis.call('SREM', lead_key(prefix, r[1]) .. ':reminders', id)
  record(prefix, r[1], {event = 'reminder_removed', reminder = id, by = by})
  return 1
end

-- KEYS: none
-- ARGV: prefix
-- Deadlines a daemon from before the timer set armed (`<prefix>:sla`: lead ids by deadline)
-- become sla_bounce timers of each lead's current assignment, so an upgrade loses none. Called
-- on every connect; after the first it finds nothing. Returns how many it moved.
local function migrate(keys, args)
  local prefix = args[1]
  local old = prefix .. ':sla'
  local moved = 0
  for _, id in ipairs(redis.call('ZRANGE', old, 0, -1)) do
    local key = lead_key(prefix, id)
    local deadline = redis.call('ZSCORE', old, id)
    if redis.call('HGET', key, 'state') == 'assigned' then
      arm_plan(prefix, id, {{'sla_bounce', tonumber(deadline)}},
               {sla = redis.call('HGET', key, 'assignment_id')})
      if not redis.call('HGET', key, 'escalate_after') then
        redis.call('HSET', key, 'escalate_after', 2)
      end
      moved = moved + 1
    end
  end
  redis.call('DEL', old)
  return moved
end

redis.register_function('leadd_migrate', clocked(migrate))
redis.register_function('leadd_fire_due', clocked(fire_due))
redis.register_function('leadd_lock', clocked(lock))
redis.register_function('leadd_unlock', clocked(unlock))
redis.register_function('leadd_away', clocked(away))
redis.register_function('leadd_back', clocked(back))
redis.register_function('leadd_reminder_add', clocked(reminder_add))
redis.register_function('leadd_reminder_remove', clocked(reminder_remove))
