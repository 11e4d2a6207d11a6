
-- Departures: a rep leaves and everything they hold goes to others. The third part of the
-- `leadd` library: it uses the helpers of lead_functions.lua and timer_functions.lua. Every
-- step is safe to repeat, so a departure cut short (a dead daemon, Redis away) is finished by
-- running it again.

-- How many customers a rep owns: by email key, and registered without one (`unmailed`).
local function customer_count(prefix, rep)
  return redis.call('SCARD', rep_key(prefix, rep, 'customers')) +
             redis.call('SCARD', rep_key(prefix, rep, 'unmailed'))
end

-- The rep's customers that no open lead of theirs carries: with `route`, these would stay
-- with nobody to route them to.
local function kept_customers(prefix, rep)
  local via_open = {}
  for _, id in ipairs(redis.call('SMEMBERS', rep_key(prefix, rep, 'open'))) do
    local lead = lead_key(prefix, id)
    for _, carried in ipairs(redis.call('HMGET', lead, 'email_key', 'customer')) do
      if carried then
        via_open[carried] = true
      end
    end
  end
  local kept = 0
  for _, set in ipairs({'customers', 'unmailed'}) do
    for _, customer in ipairs(redis.call('SMEMBERS', rep_key(prefix, rep, set))) do
      if not via_open[customer] then
        kept = kept + 1
      end
    end
  end
  return kept
end

-- KEYS: none
-- ARGV: prefix, rep, mode (to | route), by
-- Marks the rep departed, so routing stops choosing them, and ends their absence. Returns
-- {1 if newly departed or 0, open leads, closed leads, customers}. With `route` a rep who keeps
-- customers beyond their open leads is refused before anything changes: routing has no lead to
-- decide those customers by, so the admin names who takes them.
local function depart(keys, args)
  local prefix, rep, mode, by = args[1], args[2], args[3], args[4]
  if rep == '' or (mode ~= 'to' and mode ~= 'route') then
    return redis.error_reply('ERR depart needs a rep and a mode (to or route)')
  end
  local closed = redis.call('SCARD', rep_key(prefix, rep, 'closed'))
  if mode == 'route' then
    local kept = kept_customers(prefix, rep)
    if kept > 0 or closed > 0 then
      return conflict('rep ' .. rep .. ' keeps ' .. kept .. ' customers and ' .. closed ..
                      ' closed leads that routing cannot place; hand them over with --to')
    end
  end
  local newly = redis.call('SADD', departed_key(prefix), rep)
  if redis.call('DEL', rep_key(prefix, rep, 'absence')) == 1 then
    audit_rep(prefix, rep, {event = 'back', reason = 'departed', by = by})
  end
  if newly == 1 then
    audit_rep(prefix, rep, {event = 'departed', mode = mode, by = by})
  end
  return {newly, redis.call('SCARD', rep_key(prefix, rep, 'open')), closed,
          customer_count(prefix, rep)}
end

-- KEYS: intake stream
-- ARGV: prefix, lead id, departed rep, by
-- The lead goes back to `public` with the rep excluded and its customer released, and is
-- routed again like a bounced one. Returns 1, or 0 when the rep no longer holds it (moved
-- already: the stale open-set entry is dropped).
local function requeue_departed(keys, args)
  local prefix, id, rep, by = args[1], args[2], args[3], args[4]
  if rep == '' then
    return redis.error_reply('ERR requeue needs the departed rep')
  end
  local key = lead_key(prefix, id)
  local state = redis.call('HGET', key, 'state')
  if (state ~= 'assigned' and state ~= 'accepted') or redis.call('HGET', key, 'assignee') ~= rep then
    redis.call('SREM', rep_key(prefix, rep, 'open'), id)
    return 0
  end
  return_to_pool(prefix, id, key, rep, 'public', now_ms())
  redis.call('HSET', key, 'requeued', 1)
  redis.call('XADD', keys[1], '*', 'lead', id)
  record(prefix, id, {event = 'offboarded', from = state, to = 'pooled', rep = rep,
                      pool = 'public', requeued = 1, by = by})
  return 1
end

-- KEYS: none
-- ARGV: prefix, departed rep, new owner, batch size, by
-- Moves up to `batch` of the rep's closed leads (assignee, history 'transferred') and then of
-- their customers (the owner index) to the new owner. Returns {leads moved, customers moved,
-- closed leads left, customers left}; call again until both are 0.
local function transfer_customers(keys, args)
  local prefix, rep, to, by = args[1], args[2], args[3], args[5]
  local batch, bad = limit('batch', args, 4)
  if bad then
    return bad
  end
  if rep == '' or to == '' or rep == to then
    return redis.error_reply('ERR transfer needs two different reps')
  end
  local closed_from, closed_to = rep_key(prefix, rep, 'closed'), rep_key(prefix, to, 'closed')
  local customers_from = rep_key(prefix, rep, 'customers')
  local customers_to = rep_key(prefix, to, 'customers')
  local owners = prefix .. ':owner:email'
  local moved_leads, moved_customers = 0, 0
  for _, id in ipairs(redis.call('SRANDMEMBER', closed_from, batch)) do
    local key = lead_key(prefix, id)
    redis.call('SREM', closed_from, id)
    if redis.call('HGET', key, 'assignee') == rep then
      local state = redis.call('HGET', key, 'state')
      redis.call('HSET', key, 'assignee', to)
      redis.call('SADD', closed_to, id)
      if redis.call('HGET', key, 'email_key') then
        local owned = redis.call('HGET', owners, redis.call('HGET', key, 'email_key'))
        move_owner(prefix, key, rep, to)
        if owned == rep then
          moved_customers = moved_customers + 1
        end
      end
      record(prefix, id, {event = 'transferred', from = state, to = state, rep = to,
                          previous = rep, by = by})
      moved_leads = moved_leads + 1
    end
  end
  local room = batch - moved_leads
  if room > 0 then
    local email_keys = redis.call('SRANDMEMBER', customers_from, room)
    room = room - #email_keys
    for _, email_key in ipairs(email_keys) do
      if redis.call('HGET', owners, email_key) == rep then
        redis.call('HSET', owners, email_key, to)
        customer_changes_hands(prefix, redis.call('HGET', prefix .. ':customers:email', email_key),
                               rep, to)
        redis.call('SMOVE', customers_from, customers_to, email_key)
        moved_customers = moved_customers + 1
      else
        redis.call('SREM', customers_from, email_key)
      end
    end
  end
  -- Then the customers registered without an email (found by phone, domain or name).
  local unmailed = rep_key(prefix, rep, 'unmailed')
  if room > 0 then
    for _, customer in ipairs(redis.call('SRANDMEMBER', unmailed, room)) do
      if redis.call('HGET', customer_key(prefix, customer), 'rep') == rep then
        customer_changes_hands(prefix, customer, rep, to)
        moved_customers = moved_customers + 1
      else
        redis.call('SREM', unmailed, customer)
      end
    end
  end
  return {moved_leads, moved_customers, redis.call('SCARD', closed_from),
          customer_count(prefix, rep)}
end

redis.register_function('leadd_depart', clocked(depart))
redis.register_function('leadd_requeue_departed', clocked(requeue_departed))
redis.register_function('leadd_transfer_customers', clocked(transfer_customers))
