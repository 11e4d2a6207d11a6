#!lua name=leadd
-- Every change of a lead's state is one of these functions: Redis runs each atomically, so
-- any number of leadd instances can share the work without double assignment. Loaded with
-- FUNCTION LOAD REPLACE on every connect; functions persist with the data (RDB/AOF), so a
-- restart or failover never leaves a caller with NOSCRIPT. (This file, timer_functions.lua,
-- people_functions.lua, shadow_functions.lua and customer_functions.lua form one library: the
-- others use the local helpers of the first.)
--
-- Time is Redis TIME, the one clock every instance agrees on, read once per call so that
-- every time a call records is the same. A caller may instead pass the time of a simulated
-- clock: every function takes the clock as its first argument ('' for Redis TIME, or epoch
-- ms), which `clocked` takes off before the function proper sees its arguments.
local call_clock = {}

local function now_ms()
  if not call_clock.now then
    local t = redis.call('TIME')
    call_clock.now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  end
  return call_clock.now
end

local function clocked(fn)
  return function(keys, args)
    local simulated = table.remove(args, 1)
    if simulated == '' then
      call_clock.now = nil
    elseif simulated and string.match(simulated, '^%d+$') then
      call_clock.now = tonumber(simulated)
    else
      return redis.error_reply('ERR the first argument must be the clock: empty or epoch ms')
    end
    return fn(keys, args)
  end
end

local function lead_key(prefix, id)
  return prefix .. ':lead:' .. id
end

local function rep_key(prefix, rep, what)
  return prefix .. ':rep:' .. rep .. ':' .. what
end

-- Appends to the lead's own history and to the audit stream (the replay source).
local function record(prefix, id, entry)
  entry.at = now_ms()
  entry.lead = id
  local json = cjson.encode(entry)
  redis.call('RPUSH', lead_key(prefix, id) .. ':history', json)
  redis.call('XADD', prefix .. ':audit', 'MAXLEN', '~', '1000000', '*', 'lead', id, 'event', json)
end

-- The notification outbox: a stream the daemons' dispatchers read with a consumer group, so a
-- notice written with the move that caused it is delivered at least once, whoever crashes.
local function notify(prefix, kind, id, rep, extra)
  local fields = {'kind', kind, 'lead', id, 'rep', rep or ''}
  for name, value in pairs(extra or {}) do
    fields[#fields + 1] = name
    fields[#fields + 1] = tostring(value)
  end
  redis.call('XADD', prefix .. ':notify', '*', unpack(fields))
end

-- Who acts for `rep` at `now`: the delegate of a recorded absence, otherwise the rep. The
-- delegate handles the rep's leads and their SLAs; ownership stays with the rep.
local function acting(prefix, rep, now)
  if not rep or rep == '' then
    return rep
  end
  local absence = redis.call('HMGET', rep_key(prefix, rep, 'absence'), 'from', 'to', 'delegate')
  if absence[3] and tonumber(absence[1]) <= now and now < tonumber(absence[2]) then
    return absence[3]
  end
  return rep
end

-- Timers. One sorted set holds every armed timer, scored by its due time (ms, Redis TIME);
-- a member is "kind|subject|token". The token is what the timer was armed for (an assignment
-- id, an activity count, a reminder occurrence): when it fires, a token that no longer matches
-- means the lead moved on, and the timer only disappears. The kinds of a lead's timers come in
-- families: sla (remind, bounce), idle (remind, return), deal (remind, return), offer (expire).

local function timers_key(prefix)
  return prefix .. ':timers'
end

-- The lead's armed members, so a move can disarm them without scanning the sorted set.
local function armed_key(prefix, id)
  return lead_key(prefix, id) .. ':timers'
end

local SLA = {sla = true}
local FOLLOW_UP = {idle = true, deal = true}
local OFFER = {offer = true}
local ALL_FAMILIES = {sla = true, idle = true, deal = true, offer = true}

local function disarm(prefix, id, families)
  local armed = armed_key(prefix, id)
  for _, member in ipairs(redis.call('SMEMBERS', armed)) do
    local family = string.match(member, '^(%a+)_')
    if families[family] then
      redis.call('ZREM', timers_key(prefix), member)
      redis.call('SREM', armed, member)
    end
  end
  if families.sla then
    redis.call('HDEL', lead_key(prefix, id), 'sla_deadline')
  end
end

-- A plan is what the daemon computed from the rules (grades, working hours, inactivity):
-- "kind=due_ms,kind=due_ms". Returns a list of {kind, due}, or nil and the refusal.
local function parse_plan(text, families)
  local plan = {}
  if not text or text == '' then
    return plan
  end
  for item in string.gmatch(text, '[^,]+') do
    local kind, due = string.match(item, '^(%a+_%a+)=(%d+)$')
    if not kind or not families[string.match(kind, '^(%a+)_')] then
      return nil, redis.error_reply('ERR bad timer "' .. item .. '" for this move')
    end
    plan[#plan + 1] = {kind, tonumber(due)}
  end
  return plan
end

-- Arms the plan's timers for the lead, each with its family's token.
local function arm_plan(prefix, id, plan, tokens)
  local key = lead_key(prefix, id)
  for _, timer in ipairs(plan) do
    local kind, due = timer[1], timer[2]
    local member = kind .. '|' .. id .. '|' .. tokens[string.match(kind, '^(%a+)_')]
    redis.call('ZADD', timers_key(prefix), due, member)
    redis.call('SADD', armed_key(prefix, id), member)
    if kind == 'sla_bounce' then
      redis.call('HSET', key, 'sla_deadline', due)
    end
  end
end

local function plan_due(plan, kind)
  for _, timer in ipairs(plan) do
    if timer[1] == kind then
      return timer[2]
    end
  end
  return nil
end

-- The customer registry (queue/customer_registry.h): a hash per customer, `P:customers:email`
-- (email key -> customer) beside `P:owner:email` (email key -> rep), and the registration log
-- that every daemon's in-process owner index replays. Each change of a customer's owner is
-- logged in the same step that makes it, so the indexes never miss one.
-- In the order of dedupe::kContactKeyNames, which is the order the Functions take them in.
local CONTACT_KEYS = {'email', 'phone', 'domain', 'company', 'country', 'company_location',
                      'contact', 'street', 'locality', 'postcode', 'region'}

local function customer_key(prefix, customer)
  return prefix .. ':customer:' .. customer
end

local function customer_log(prefix, fields)
  return redis.call('XADD', prefix .. ':customers:log', '*', unpack(fields))
end

-- Appends each of `contact`'s CONTACT_KEYS that has a value to `fields`, as name, value.
local function append_contact(fields, contact)
  for _, name in ipairs(CONTACT_KEYS) do
    local value = contact[name]
    if value and value ~= '' then
      fields[#fields + 1] = name
      fields[#fields + 1] = value
    end
  end
  return fields
end

-- A new customer of `rep`, found by `contact` (a table of CONTACT_KEYS, '' or nil when
-- unknown); `facts` is {registered_at, source, stage, grade, name}. The caller has made sure
-- that nobody owns its email key. Returns the customer id and its log entry.
local function register_customer(prefix, rep, contact, facts)
  local id = 'C-' .. redis.call('INCR', prefix .. ':customer:seq')
  local fields = {'rep', rep, 'registered_at', facts.registered_at}
  local logged = {'op', 'register', 'customer', id, 'rep', rep, 'at', facts.registered_at}
  for _, name in ipairs({'source', 'stage', 'grade', 'name'}) do
    if facts[name] and facts[name] ~= '' then
      fields[#fields + 1] = name
      fields[#fields + 1] = facts[name]
    end
  end
  append_contact(fields, contact)
  append_contact(logged, contact)
  redis.call('HSET', customer_key(prefix, id), unpack(fields))
  local email = contact.email
  if email and email ~= '' then
    redis.call('HSET', prefix .. ':owner:email', email, rep)
    redis.call('HSET', prefix .. ':customers:email', email, id)
    redis.call('SADD', rep_key(prefix, rep, 'customers'), email)
  else
    redis.call('SADD', rep_key(prefix, rep, 'unmailed'), id)
  end
  return id, customer_log(prefix, logged)
end

-- The customer held by `from` goes to `to`, or is released when `to` is nil (its hash and
-- email index entry go; the log tells the indexes).
local function customer_changes_hands(prefix, customer, from, to)
  if not customer then
    return
  end
  local key = customer_key(prefix, customer)
  if redis.call('HGET', key, 'rep') ~= from then
    return
  end
  if to then
    redis.call('HSET', key, 'rep', to)
    redis.call('SMOVE', rep_key(prefix, from, 'unmailed'), rep_key(prefix, to, 'unmailed'),
               customer)
    customer_log(prefix, {'op', 'owner', 'customer', customer, 'rep', to})
    return
  end
  redis.call('SREM', rep_key(prefix, from, 'unmailed'), customer)
  local email = redis.call('HGET', key, 'email')
  if email and redis.call('HGET', prefix .. ':customers:email', email) == customer then
    redis.call('HDEL', prefix .. ':customers:email', email)
  end
  redis.call('DEL', key)
  customer_log(prefix, {'op', 'release', 'customer', customer})
end

-- The lead's customer: the one it registered, else the registered holder of its email key.
local function customer_of_lead(prefix, key)
  local customer = redis.call('HGET', key, 'customer')
  if customer then
    return customer
  end
  local email_key = redis.call('HGET', key, 'email_key')
  return email_key and redis.call('HGET', prefix .. ':customers:email', email_key) or nil
end

-- What the pipeline knows of the lead's customer (LeadCustomer as JSON: its CONTACT_KEYS and
-- `known`, whether the matcher found it registered, and `add_to`, the customer to add its new
-- keys to), kept on the lead for whoever takes it.
local function remember_contact(key, json)
  if json == nil or json == '' then
    return
  end
  local contact = cjson.decode(json)
  if contact.email and contact.email ~= '' then
    redis.call('HSET', key, 'email_key', contact.email)
  end
  redis.call('HSET', key, 'contact', json)
end

-- A customer keeps at most this many further contacts: enough for the phones, mailboxes and
-- spellings one customer writes with, and no more for one that writes with a new one each time.
local MAX_CONTACTS = 16

-- The keys of a lead of `customer`'s own rep that the customer was not found by yet become its
-- further contact (the log tells the indexes), once per lead.
local function add_contact(prefix, key, customer, rep, contact)
  local held = customer_key(prefix, customer)
  if redis.call('HGET', held, 'rep') ~= rep or redis.call('HGET', key, 'taught') == customer then
    return
  end
  if tonumber(redis.call('HGET', held, 'contacts') or '0') >= MAX_CONTACTS then
    return
  end
  redis.call('HINCRBY', held, 'contacts', 1)
  redis.call('HSET', key, 'taught', customer)
  customer_log(prefix, append_contact({'op', 'contact', 'customer', customer, 'rep', rep, 'at',
                                       now_ms()}, contact))
end

-- The keys by which one customer is found for sure (dedupe::FindOwner's exact keys, and a
-- company's whole name key): a customer registered with one of them since a lead was matched
-- is one the matcher might have named.
local EXACT_KEYS = {'email', 'phone', 'domain', 'company'}

-- Up to `count` registration log entries after position `seen`, each as [id, fields].
local function log_since(prefix, seen, count)
  return redis.call('XRANGE', prefix .. ':customers:log', '(' .. seen, '+', 'COUNT', count)
end

-- The fields of a log entry as a table.
local function logged_fields(entry)
  local fields, logged = entry[2], {}
  for i = 1, #fields, 2 do
    logged[fields[i]] = fields[i + 1]
  end
  return logged
end

-- Whether a logged entry registered a customer or taught one a contact (it holds keys).
local function registers_keys(logged)
  return logged.op == 'register' or logged.op == 'contact'
end

-- Whether one of `contact`'s EXACT_KEYS is `held(name, value)`.
local function shares_exact_key(contact, held)
  for _, name in ipairs(EXACT_KEYS) do
    local value = contact[name]
    if value and value ~= '' and held(name, value) then
      return true
    end
  end
  return false
end

-- Whether a log entry after `seen` is `wanted(its fields as a table)`, reading at most `scan`
-- entries; the second result says whether that was all of them. Without `seen`: not checked.
local function logged_since(prefix, seen, scan, wanted)
  if not seen or seen == '' then
    return false, true
  end
  local entries = log_since(prefix, seen, scan)
  for _, entry in ipairs(entries) do
    if wanted(logged_fields(entry)) then
      return true, true
    end
  end
  return false, #entries < scan
end

-- Whether a customer was registered, or taught a key, after `contact.seen` (the position in the
-- log of the owner index the lead was matched with) holding one of the lead's EXACT_KEYS: then
-- the lead was matched without it, and registering the lead's customer would make a second
-- customer with the first one's key, owned by another rep. As logged_since.
local function registered_since(prefix, contact, scan)
  return logged_since(prefix, contact.seen, scan, function(logged)
    return registers_keys(logged) and shares_exact_key(contact, function(name, value)
      return logged[name] == value
    end)
  end)
end

-- A lead routed a moment ago has few entries after its `seen`; one claimed hours later may have
-- many, and is checked as far as this.
local ROUTING_SCAN, CLAIM_SCAN = 256, 4096

-- Whether the customer a known lead was found to be (`contact.known_as`) changed hands or was
-- released after `contact.seen`: then the owner it was matched to may own it no longer. As
-- logged_since.
local function changed_hands_since(prefix, contact, scan)
  local customer = contact.known_as
  if not customer then
    return false, true
  end
  return logged_since(prefix, contact.seen, scan, function(logged)
    return (logged.op == 'owner' or logged.op == 'release') and logged.customer == customer
  end)
end

-- Whether the lead was matched against a registry that has moved since (its LeadCustomer JSON
-- `json`): it would register a customer that was registered since, or the customer it was
-- found to be changed hands since; or the log grew too far since to tell. Then it is matched
-- again, against an index that has the log's newer entries.
local function matched_on_old_registry(prefix, key, json)
  if not json or json == '' or redis.call('HEXISTS', key, 'customer') == 1 then
    return false
  end
  local contact = cjson.decode(json)
  local moved, complete
  if contact.known then
    moved, complete = changed_hands_since(prefix, contact, ROUTING_SCAN)
  else
    moved, complete = registered_since(prefix, contact, ROUTING_SCAN)
  end
  return moved or not complete
end

-- Ownership of the customer behind a lead: the first registration wins, and a rep who gives
-- the lead up gives the customer up. By its email key as before the registry (`P:rep:<rep>:
-- customers` lets a departure hand every customer over without scanning the index); a
-- customer the matcher did not know is registered, with every key the lead gave, and one it
-- knew learns the keys it was not yet found by. One that another lead registered since the
-- match (a claim long after routing, another daemon a moment before) stays that lead's rep's:
-- this lead's rep takes neither it nor its email.
local function take_owner(prefix, key, rep)
  local json = redis.call('HGET', key, 'contact')
  local contact = json and redis.call('HEXISTS', key, 'customer') == 0 and cjson.decode(json)
  if contact and not contact.known and registered_since(prefix, contact, CLAIM_SCAN) then
    return
  end
  local email_key = redis.call('HGET', key, 'email_key')
  local newly = email_key and redis.call('HSETNX', prefix .. ':owner:email', email_key, rep) == 1
  if newly then
    redis.call('SADD', rep_key(prefix, rep, 'customers'), email_key)
  end
  if not contact then
    return
  end
  if contact.known then
    if contact.add_to then
      add_contact(prefix, key, contact.add_to, rep, contact)
    end
    return
  end
  if email_key and not newly then
    return
  end
  local source = 'lead ' .. redis.call('HGET', key, 'id')
  local id = register_customer(prefix, rep, contact, {registered_at = now_ms(), source = source})
  redis.call('HSET', key, 'customer', id)
end

local function release_owner(prefix, key, rep)
  local email_key = redis.call('HGET', key, 'email_key')
  customer_changes_hands(prefix, customer_of_lead(prefix, key), rep, nil)
  if email_key and redis.call('HGET', prefix .. ':owner:email', email_key) == rep then
    redis.call('HDEL', prefix .. ':owner:email', email_key)
    redis.call('SREM', rep_key(prefix, rep, 'customers'), email_key)
  end
end

local function move_owner(prefix, key, from, to)
  local email_key = redis.call('HGET', key, 'email_key')
  customer_changes_hands(prefix, customer_of_lead(prefix, key), from, to)
  if email_key and redis.call('HGET', prefix .. ':owner:email', email_key) == from then
    redis.call('HSET', prefix .. ':owner:email', email_key, to)
    redis.call('SMOVE', rep_key(prefix, from, 'customers'), rep_key(prefix, to, 'customers'),
               email_key)
  else
    take_owner(prefix, key, to)
  end
end

local function release_lock(prefix, key, id, holder)
  if holder and redis.call('HGET', key, 'locked') == '1' then
    redis.call('SREM', rep_key(prefix, holder, 'locked'), id)
    redis.call('HDEL', key, 'locked')
  end
end

-- Reps who left (`leadctl rep offboard`): nothing is handed to them any more.
local function departed_key(prefix)
  return prefix .. ':departed'
end

local function refuse_departed(prefix, rep)
  if redis.call('SISMEMBER', departed_key(prefix), rep) == 1 then
    return redis.error_reply('CONFLICT rep ' .. rep .. ' has left')
  end
  return nil
end

local function limit(name, args, index)
  local value = args[index]
  if not value or not string.match(value, '^%d+$') then
    return nil, redis.error_reply('ERR ' .. name .. ' must be a non-negative integer')
  end
  return tonumber(value)
end

-- The non-negative integers at the {name, index} pairs of `specs`, in order; or nil and the
-- refusal naming the first bad one.
local function limits(args, specs)
  local values = {}
  for i, spec in ipairs(specs) do
    local value, bad = limit(spec[1], args, spec[2])
    if bad then
      return nil, bad
    end
    values[i] = value
  end
  return values
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

-- The lead becomes `rep`'s as assignment number N (returned): the fencing token of every
-- later move on it. `plan` holds its SLA timers.
local function start_assignment(prefix, id, key, rep, plan, escalate_after, now)
  local assignment = redis.call('HINCRBY', key, 'assignment_id', 1)
  redis.call('HSET', key, 'state', 'assigned', 'assignee', rep, 'assigned_at', now,
             'escalate_after', escalate_after)
  redis.call('HDEL', key, 'pool', 'pooled_at', 'accepted_at', 'requeued', 'backup', 'offer',
             'offer_deadline')
  redis.call('SADD', rep_key(prefix, rep, 'open'), id)
  disarm(prefix, id, ALL_FAMILIES)
  arm_plan(prefix, id, plan, {sla = assignment})
  return assignment
end

-- Whether `rep` may take one more lead: `capacity` is the most open leads the rep may hold
-- ('' for no limit), judged here on the open set rather than on loads the caller read earlier,
-- which other daemons (or earlier picks of the same batch) may have outdated.
local function has_room(prefix, rep, capacity)
  return capacity == '' or redis.call('SCARD', rep_key(prefix, rep, 'open')) < tonumber(capacity)
end

-- Candidates come in args as rep, SLA plan, capacity, backup: CANDIDATE_FIELDS at a time.
local CANDIDATE_FIELDS = 4

local function candidate_at(args, base)
  return {rep = args[base], plan = args[base + 1], capacity = args[base + 2],
          backup = args[base + 3]}
end

-- The places in args of `count` candidates from `first`, in the order they are tried: as given,
-- or, with a rotation cursor, from the cursor's turn; and the turn (nil without a cursor).
local function in_turn(args, first, count, cursor)
  local start, turn = 0, nil
  if cursor then
    turn = tonumber(redis.call('GET', cursor) or '0')
    start = turn % count
  end
  local order = {}
  for step = 0, count - 1 do
    order[#order + 1] = first + CANDIDATE_FIELDS * ((start + step) % count)
  end
  return order, turn
end

-- Up to `wanted` of the candidates in `order` that have room, and the position in `order` of
-- the first of them. With rotation, the cursor moves past that first one: so reps with room
-- stay within one lead of each other, and a full rep's turns pass to the next rep instead of
-- being saved up for a burst when it has room again. When all are full nothing moves.
local function pick_with_room(prefix, args, order, cursor, turn, wanted)
  local picked, first_at = {}, nil
  for position, base in ipairs(order) do
    local candidate = candidate_at(args, base)
    if has_room(prefix, candidate.rep, candidate.capacity) then
      picked[#picked + 1] = candidate
      first_at = first_at or position
      if #picked == wanted then
        break
      end
    end
  end
  if cursor and first_at then
    redis.call('SET', cursor, turn + first_at)
  end
  return picked, first_at
end

-- Key accounts are never single-threaded: a backup stands in for the holder (who leaves, is
-- away, lets the lead slip), and the holder's manager is kept informed; the notice dispatcher
-- finds the manager, as for escalations. Returns the backup, or nil.
local function join_team(prefix, id, key, holder, backup, inform, now)
  local standing_in = nil
  if backup and backup ~= '' and backup ~= holder and
      redis.call('SISMEMBER', departed_key(prefix), backup) == 0 then
    standing_in = backup
    redis.call('HSET', key, 'backup', backup)
    notify(prefix, 'backup', id, acting(prefix, backup, now), {owner = holder, backup = backup})
  end
  if inform == '1' then
    notify(prefix, 'key_account', id, holder, {owner = holder, backup = standing_in or ''})
  end
  return standing_in
end

-- How long a metric's window is kept after its last write: MetricStore::kRetention.
local METRIC_RETENTION_SECONDS = 400 * 24 * 3600

-- The assignee's value goes up by 1 in each of the metric windows `counted`.
local function count_in(counted, rep)
  for _, window in ipairs(counted) do
    -- By float: admins may push fractional values into the same window.
    redis.call('HINCRBYFLOAT', window, rep, 1)
    redis.call('EXPIRE', window, METRIC_RETENTION_SECONDS)
  end
end

-- Offers. An offered lead is nobody's yet: `offer` (JSON) holds the mode, the window, the pool
-- it falls to, whether key-account news goes out, the metric windows to count in, the reps it
-- is offered to now and, for `offer`, those it goes to next. Each round is a new assignment id,
-- so an answer or an expiry meant for an earlier round is refused or stale.

local function offered_names(offer)
  local names = {}
  for _, candidate in ipairs(offer.offered) do
    names[#names + 1] = candidate.rep
  end
  return names
end

local function offer_round(prefix, id, key, offer, from, by, now)
  local round = redis.call('HINCRBY', key, 'assignment_id', 1)
  local due = now + offer.window
  redis.call('HSET', key, 'state', 'offered', 'offer', cjson.encode(offer), 'offer_deadline', due)
  disarm(prefix, id, OFFER)
  arm_plan(prefix, id, {{'offer_expire', due}}, {offer = round})
  local rule = redis.call('HGET', key, 'rule') or ''
  -- `rep` is the first asked: whom a dry run or a replay of the rule sends the lead to.
  record(prefix, id, {event = 'offered', from = from, to = 'offered', reps = offered_names(offer),
                      rep = offer.offered[1].rep, mode = offer.mode, rule = rule,
                      assignment = round, deadline = due, by = by})
  for _, candidate in ipairs(offer.offered) do
    notify(prefix, 'offered', id, acting(prefix, candidate.rep, now),
           {owner = candidate.rep, rule = rule, mode = offer.mode, assignment = round,
            deadline = due})
  end
  return round
end

-- Nobody took it: it waits in the offer's pool to be claimed, and the admins are told.
local function offer_lapsed(prefix, id, key, offer, reason, by, now)
  redis.call('HSET', key, 'state', 'pooled', 'pool', offer.pool, 'pooled_at', now)
  redis.call('HDEL', key, 'offer', 'offer_deadline')
  redis.call('ZADD', prefix .. ':pool:' .. offer.pool, now, id)
  disarm(prefix, id, OFFER)
  record(prefix, id, {event = 'pooled', from = 'offered', to = 'pooled', pool = offer.pool,
                      reason = reason, by = by})
  notify(prefix, 'unrouted', id, '', {pool = offer.pool, reason = reason})
  return 'offer_pooled'
end

-- The current round ended without a taker: an `offer` goes to the next rep in line who may
-- still take it (not departed, not passed over before, with room); otherwise, and for a race,
-- the lead lapses into the pool. Returns 'reoffered' or 'offer_pooled'.
local function next_offer(prefix, id, key, offer, reason, by, now)
  if offer.mode == 'offer' then
    local excluded = key .. ':excluded'
    while #offer.queue > 0 do
      local candidate = table.remove(offer.queue, 1)
      if redis.call('SISMEMBER', departed_key(prefix), candidate.rep) == 0 and
          redis.call('SISMEMBER', excluded, candidate.rep) == 0 and
          has_room(prefix, candidate.rep, candidate.capacity) then
        offer.offered = {candidate}
        offer_round(prefix, id, key, offer, 'offered', by, now)
        return 'reoffered'
      end
    end
  end
  return offer_lapsed(prefix, id, key, offer, reason, by, now)
end

-- KEYS: intake stream, round-robin cursor (unused when not rotating), then the windows of the
--       metrics whose `count:` the lead meets: the assignee's value in each goes up by 1
-- ARGV: prefix, group, intake entry id, lead id, rule, strategy, rotate ('1'|'0'),
--       decision JSON, the lead's customer (LeadCustomer JSON, '' when none), escalate after (bounces), grade the router
--       gave the lead ('' to keep its own), offer mode (direct|offer|race|pool_only), offer
--       window (ms), race size, pool (pool_only's, and where an offer nobody took waits),
--       inform the manager ('1'|'0'), then for each candidate, best first: rep, SLA plan for that
--       rep ('' for none), capacity (the most open leads the rep may hold, '' for no limit),
--       backup for a key account ('' for none)
-- Returns {assignee, 1 if assigned now or 0 if it already was}; {reps offered, joined by ',',
-- 3}; {'', 4} when published to the pool; or {'', 2} when every candidate holds its capacity:
-- then nothing changed and the intake entry stays pending, for the caller to route the lead
-- again with fresh loads; or {'', 5} when the customer the lead would register was registered
-- since the lead was matched (matched_on_old_registry): nothing changed either, and the caller
-- matches and routes it again. A lead is routed once per routing: a redelivered intake entry (a
-- crashed consumer, a claim) finds it routed and only acks.
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
  local n, bad = limits(args, {{'escalate after', 10}, {'offer window', 13}, {'race size', 14}})
  if bad then
    return bad
  end
  local escalate_after, window, race_to = n[1], n[2], n[3]
  local mode, pool, inform = args[12], args[15], args[16]
  if mode ~= 'direct' and mode ~= 'offer' and mode ~= 'race' and mode ~= 'pool_only' then
    return redis.error_reply('ERR offer mode must be direct, offer, race or pool_only')
  end
  if mode ~= 'direct' and (pool == nil or pool == '') then
    return redis.error_reply('ERR ' .. mode .. ' needs a pool')
  end
  local first = 17
  local count = math.floor((#args - first + 1) / CANDIDATE_FIELDS)
  if count == 0 or #args ~= first - 1 + CANDIDATE_FIELDS * count then
    return redis.error_reply('ERR assign needs candidates as rep, plan, capacity, backup')
  end
  for base = first + 2, #args, CANDIDATE_FIELDS do
    if args[base] ~= '' and not string.match(args[base], '^%d+$') then
      return redis.error_reply('ERR capacity must be empty or a non-negative integer')
    end
  end
  local plan = {}
  if mode == 'direct' then
    for base = first + 1, #args, CANDIDATE_FIELDS do
      local refused
      plan, refused = parse_plan(args[base], SLA)
      if not plan then
        return refused
      end
    end
  end
  if matched_on_old_registry(prefix, key, args[9]) then
    return {'', 5}
  end
  local cursor = args[7] == '1' and keys[2] or nil
  local order, turn = in_turn(args, first, count, cursor)
  local picked, first_at = {}, nil
  -- A publication tells every candidate, full or not: claiming checks the limits.
  if mode ~= 'pool_only' then
    picked, first_at = pick_with_room(prefix, args, order, cursor, turn,
                                      mode == 'race' and race_to or 1)
    if #picked == 0 then
      return {'', 2}
    end
  end
  if state == 'pooled' then
    redis.call('ZREM', prefix .. ':pool:' .. (redis.call('HGET', key, 'pool') or ''), id)
    redis.call('HDEL', key, 'requeued')
  end
  remember_contact(key, args[9])
  if args[11] ~= '' then
    redis.call('HSET', key, 'grade', args[11])
  end
  local now = now_ms()
  redis.call('HSET', key, 'rule', args[5], 'strategy', args[6], 'decision', args[8],
             'escalate_after', escalate_after)
  local counted = {}
  for k = 3, #keys do
    counted[#counted + 1] = keys[k]
  end

  if mode == 'pool_only' then
    redis.call('HSET', key, 'state', 'pooled', 'pool', pool, 'pooled_at', now)
    redis.call('ZADD', prefix .. ':pool:' .. pool, now, id)
    record(prefix, id, {event = 'pooled', from = state, to = 'pooled', pool = pool,
                        rule = args[5], published = 1, by = 'router'})
    for _, base in ipairs(order) do
      notify(prefix, 'published', id, acting(prefix, args[base], now),
             {owner = args[base], pool = pool, rule = args[5]})
    end
    finish_entry(keys[1], group, entry)
    return {'', 4}
  end

  if mode == 'offer' or mode == 'race' then
    local queue = {}
    if mode == 'offer' then
      for position = first_at + 1, #order do
        queue[#queue + 1] = candidate_at(args, order[position])
      end
    end
    local offer = {mode = mode, window = window, pool = pool, inform = inform,
                   counted = counted, offered = picked, queue = queue}
    offer_round(prefix, id, key, offer, state, 'router', now)
    finish_entry(keys[1], group, entry)
    return {table.concat(offered_names(offer), ','), 3}
  end

  local chosen = picked[1]
  plan = parse_plan(chosen.plan, SLA)
  local assignment = start_assignment(prefix, id, key, chosen.rep, plan, escalate_after, now)
  take_owner(prefix, key, chosen.rep)
  count_in(counted, chosen.rep)
  local deadline = plan_due(plan, 'sla_bounce')
  local backup = join_team(prefix, id, key, chosen.rep, chosen.backup, inform, now)
  record(prefix, id, {event = 'assigned', from = state, to = 'assigned', rep = chosen.rep,
                      rule = args[5], assignment = assignment, sla_deadline = deadline,
                      backup = backup, by = 'router'})
  notify(prefix, 'assigned', id, acting(prefix, chosen.rep, now),
         {owner = chosen.rep, rule = args[5], assignment = assignment, deadline = deadline or ''})
  finish_entry(keys[1], group, entry)
  return {chosen.rep, 1}
end

-- KEYS: intake stream, pool (sorted set by entry time)
-- ARGV: prefix, group, intake entry id, lead id, decision JSON, pool name, grade the router
--       gave the lead ('' to keep its own), the lead's customer (LeadCustomer JSON, '' when
--       none: whoever claims the lead takes the customer)
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
  remember_contact(key, args[8])
  if args[7] and args[7] ~= '' then
    redis.call('HSET', key, 'grade', args[7])
  end
  redis.call('ZADD', keys[2], now_ms(), id)
  record(prefix, id, {event = 'pooled', from = state, to = 'pooled', pool = args[6],
                      by = 'router'})
  notify(prefix, 'unrouted', id, '', {pool = args[6]})
  finish_entry(keys[1], group, entry)
  return 1
end

-- After routing. A rep acting on an assignment passes its assignment id, a fencing token that
-- every assignment increments: an action or a deadline meant for an earlier assignment is
-- refused instead of undoing a newer one. Refusals say why in a sentence after CONFLICT.

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

-- `rep` may act on the lead: they hold it, or they are its holder's delegate right now.
local function expect_holder(prefix, key, id, rep)
  local holder = redis.call('HGET', key, 'assignee') or 'nobody'
  if holder ~= rep and acting(prefix, holder, now_ms()) ~= rep then
    return conflict('lead ' .. id .. ' is held by ' .. holder .. ', not ' .. rep)
  end
  return nil
end

-- A move on an assignment: the lead is in one of `allowed`, `assignment` is current, and,
-- when `rep` is given, the rep holds it. Returns the state, or nil and the refusal.
local function expect_move(prefix, key, id, allowed, assignment, rep)
  local state, refused = expect_state(key, id, allowed)
  if not state then
    return nil, refused
  end
  -- The holder first: another rep learns only that the lead is not theirs.
  refused = (rep and expect_holder(prefix, key, id, rep)) or expect_assignment(key, assignment)
  if refused then
    return nil, refused
  end
  return state
end

-- The holder gives the lead (and its customer) up to a pool: routing skips them for it from
-- now on, and the time is kept so that they cannot claim it straight back (the cooldown).
local function return_to_pool(prefix, id, key, holder, pool, now)
  redis.call('HSET', key, 'state', 'pooled', 'pool', pool, 'pooled_at', now,
             'returned_at:' .. holder, now)
  redis.call('HDEL', key, 'assignee')
  redis.call('ZADD', prefix .. ':pool:' .. pool, now, id)
  redis.call('SADD', key .. ':excluded', holder)
  redis.call('SREM', rep_key(prefix, holder, 'open'), id)
  release_owner(prefix, key, holder)
  release_lock(prefix, key, id, holder)
  disarm(prefix, id, ALL_FAMILIES)
end

-- An answer to the current offer round: the offer, the offered candidate `rep` answers for
-- (themselves, or as the delegate of one who is away), its place in offer.offered, and the
-- time; or nil and the refusal.
local function answering(prefix, id, key, rep, assignment)
  local refused = expect_assignment(key, assignment)
  if refused then
    return nil, refused
  end
  local now = now_ms()
  local offer = cjson.decode(redis.call('HGET', key, 'offer'))
  for index, candidate in ipairs(offer.offered) do
    if candidate.rep == rep or acting(prefix, candidate.rep, now) == rep then
      return {offer = offer, chosen = candidate, index = index, now = now}
    end
  end
  return nil, conflict('lead ' .. id .. ' is offered to ' ..
                       table.concat(offered_names(offer), ', ') .. ', not ' .. rep)
end

-- An offered candidate (or their delegate) takes the lead: it becomes theirs, accepted at once
-- (the offer's window was the response SLA), with the follow-up `plan`. In a race the others
-- are told it is gone.
local function take_offer(prefix, id, key, rep, assignment, plan)
  local answer, refused = answering(prefix, id, key, rep, assignment)
  if not answer then
    return refused
  end
  local offer, chosen, now = answer.offer, answer.chosen, answer.now
  refused = refuse_departed(prefix, chosen.rep)
  if refused then
    return refused
  end
  if not has_room(prefix, chosen.rep, chosen.capacity) then
    return conflict('rep ' .. chosen.rep .. ' holds ' ..
                    redis.call('SCARD', rep_key(prefix, chosen.rep, 'open')) ..
                    ' leads (capacity ' .. chosen.capacity .. ')')
  end
  local escalate_after = redis.call('HGET', key, 'escalate_after') or '1'
  local taken = start_assignment(prefix, id, key, chosen.rep, {}, escalate_after, now)
  take_owner(prefix, key, chosen.rep)
  count_in(offer.counted, chosen.rep)
  local backup = join_team(prefix, id, key, chosen.rep, chosen.backup, offer.inform, now)
  -- 'taken', not 'assigned': the rep acted, and the distribution report counts it for the rule.
  record(prefix, id, {event = 'taken', from = 'offered', to = 'assigned', rep = chosen.rep,
                      rule = redis.call('HGET', key, 'rule') or '', assignment = taken,
                      mode = offer.mode, backup = backup, by = rep})
  local seq = redis.call('HINCRBY', key, 'activity_seq', 1)
  redis.call('HSET', key, 'state', 'accepted', 'accepted_at', now, 'last_activity_at', now)
  arm_plan(prefix, id, plan, {idle = seq, deal = taken})
  record(prefix, id, {event = 'accepted', from = 'assigned', to = 'accepted', rep = chosen.rep,
                      assignment = taken, by = rep})
  for _, other in ipairs(offer.offered) do
    if other.rep ~= chosen.rep then
      notify(prefix, 'offer_taken', id, acting(prefix, other.rep, now),
             {owner = other.rep, taken_by = chosen.rep})
    end
  end
  return 1
end

-- An offered candidate (or their delegate) declines: they are passed over for this lead from
-- now on; an `offer` goes to the next in line, a race waits for the others, and a race everyone
-- declined lapses into the pool.
local function decline_offer(prefix, id, key, rep, assignment, reason)
  local answer, refused = answering(prefix, id, key, rep, assignment)
  if not answer then
    return refused
  end
  local offer, chosen, now = answer.offer, answer.chosen, answer.now
  table.remove(offer.offered, answer.index)
  redis.call('SADD', key .. ':excluded', chosen.rep)
  record(prefix, id, {event = 'declined', from = 'offered', to = 'offered', rep = chosen.rep,
                      assignment = tonumber(assignment), reason = reason, by = rep})
  if #offer.offered > 0 then
    redis.call('HSET', key, 'offer', cjson.encode(offer))
    return 1
  end
  next_offer(prefix, id, key, offer, 'every rep offered the lead declined it', rep, now)
  return 1
end

-- KEYS: none
-- ARGV: prefix, lead id, rep, assignment id, follow-up plan (idle_*/deal_* timers or '')
-- On an offered lead, the offered rep takes it (see take_offer).
local function accept(keys, args)
  local prefix, id, rep, assignment = args[1], args[2], args[3], args[4]
  local plan, refused = parse_plan(args[5], FOLLOW_UP)
  if not plan then
    return refused
  end
  local key = lead_key(prefix, id)
  if redis.call('HGET', key, 'state') == 'offered' then
    return take_offer(prefix, id, key, rep, assignment, plan)
  end
  local state
  state, refused = expect_move(prefix, key, id, {'assigned'}, assignment, rep)
  if not state then
    return refused
  end
  local now = now_ms()
  local seq = redis.call('HINCRBY', key, 'activity_seq', 1)
  redis.call('HSET', key, 'state', 'accepted', 'accepted_at', now, 'last_activity_at', now)
  disarm(prefix, id, SLA)
  arm_plan(prefix, id, plan, {idle = seq, deal = assignment})
  record(prefix, id, {event = 'accepted', from = state, to = 'accepted', rep = rep,
                      assignment = tonumber(assignment), by = rep})
  return 1
end

-- KEYS: none
-- ARGV: prefix, lead id, rep, assignment id, reason, pool name ('' for nurture)
-- On an offered lead, the offered rep declines it (see decline_offer); the pool is not used.
local function reject(keys, args)
  local prefix, id, rep, assignment, reason = args[1], args[2], args[3], args[4], args[5]
  local pool = args[6] ~= '' and args[6] or 'nurture'
  if reason == '' then
    return redis.error_reply('ERR reject needs a reason')
  end
  local key = lead_key(prefix, id)
  if redis.call('HGET', key, 'state') == 'offered' then
    return decline_offer(prefix, id, key, rep, assignment, reason)
  end
  local state, refused = expect_move(prefix, key, id, {'assigned', 'accepted'}, assignment, rep)
  if not state then
    return refused
  end
  local holder = redis.call('HGET', key, 'assignee')
  return_to_pool(prefix, id, key, holder, pool, now_ms())
  record(prefix, id, {event = 'rejected', from = state, to = 'pooled', rep = holder, pool = pool,
                      assignment = tonumber(assignment), reason = reason, by = rep})
  return 1
end

-- An assigned lead goes back to `pool` with its holder excluded; `extra` adds fields to the
-- history entry. Returns the lead's bounce count. The caller has checked state and assignment.
local function bounce_assigned(prefix, id, key, assignment, reason, pool, extra)
  local holder = redis.call('HGET', key, 'assignee') or ''
  return_to_pool(prefix, id, key, holder, pool, now_ms())
  local bounces = redis.call('HINCRBY', key, 'bounces', 1)
  local entry = {event = 'bounced', from = 'assigned', to = 'pooled', rep = holder, pool = pool,
                 assignment = tonumber(assignment), bounces = bounces, reason = reason,
                 by = 'sla'}
  for name, value in pairs(extra or {}) do
    entry[name] = value
  end
  record(prefix, id, entry)
  return bounces, holder
end

-- KEYS: none
-- ARGV: prefix, lead id, assignment id the deadline was set for, reason, pool name
-- Returns the lead's bounce count. A deadline bounces its own assignment at most once: after
-- the first bounce the lead is pooled, and once reassigned the token is stale.
local function bounce(keys, args)
  local prefix, id, assignment, reason, pool = args[1], args[2], args[3], args[4], args[5]
  if pool == '' then
    return redis.error_reply('ERR bounce needs a pool')
  end
  local key = lead_key(prefix, id)
  local state, refused = expect_move(prefix, key, id, {'assigned'}, assignment, nil)
  if not state then
    return refused
  end
  return (bounce_assigned(prefix, id, key, assignment, reason, pool, nil))
end

-- KEYS: none
-- ARGV: prefix, lead id, rep, pool name, claims per day, max held, cooldown ms,
--       escalate after (bounces), SLA plan ('' for none)
-- Returns the new assignment id. Every limit is checked before anything is written, so a
-- refused claim uses none of the rep's daily quota.
local function claim(keys, args)
  local prefix, id, rep, pool = args[1], args[2], args[3], args[4]
  local n, bad = limits(args, {{'claims per day', 5}, {'max held', 6}, {'cooldown', 7},
                                {'escalate after', 8}})
  if not n then
    return bad
  end
  local per_day, max_held, cooldown, escalate_after = n[1], n[2], n[3], n[4]
  local plan, refused = parse_plan(args[9], SLA)
  if not plan then
    return refused
  end
  if rep == '' then
    return redis.error_reply('ERR claim needs a rep')
  end
  refused = refuse_departed(prefix, rep)
  if refused then
    return refused
  end
  local key = lead_key(prefix, id)
  local state
  state, refused = expect_state(key, id, {'pooled'})
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
  local held = redis.call('SCARD', rep_key(prefix, rep, 'open'))
  if held >= max_held then
    return conflict('rep ' .. rep .. ' holds ' .. held .. ' leads (limit ' .. max_held .. ')')
  end
  -- One counter per rep and UTC day of Redis TIME, dropped a day after its own so nothing
  -- has to sweep old counters. (Expiry is relative: Redis expires keys by its own clock, which
  -- a simulated one is not.)
  local day = math.floor(now / 86400000)
  local quota = rep_key(prefix, rep, 'claims:' .. day)
  local claimed = tonumber(redis.call('GET', quota) or '0')
  if claimed >= per_day then
    return conflict('rep ' .. rep .. ' has claimed ' .. claimed .. ' leads today (limit ' ..
                    per_day .. ')')
  end
  redis.call('INCR', quota)
  redis.call('PEXPIRE', quota, (day + 2) * 86400000 - now)
  redis.call('ZREM', prefix .. ':pool:' .. pool, id)
  local assignment = start_assignment(prefix, id, key, rep, plan, escalate_after, now)
  take_owner(prefix, key, rep)
  record(prefix, id, {event = 'claimed', from = state, to = 'assigned', rep = rep, pool = pool,
                      assignment = assignment, sla_deadline = plan_due(plan, 'sla_bounce'),
                      by = rep})
  return assignment
end

-- KEYS: none
-- ARGV: prefix, lead id, new holder, admin, reason, escalate after (bounces), SLA plan,
--       hand-over task ('' for none: direct | phone | in_person)
-- Returns the new assignment id; the previous holder's token is stale from now on, and the
-- customer moves with the lead.
local function reassign(keys, args)
  local prefix, id, rep, admin, reason, task = args[1], args[2], args[3], args[4], args[5], args[8]
  if rep == '' or admin == '' then
    return redis.error_reply('ERR reassign needs a rep and an admin')
  end
  local gone = refuse_departed(prefix, rep)
  if gone then
    return gone
  end
  local escalate_after, bad = limit('escalate after', args, 6)
  if bad then
    return bad
  end
  local plan, refused = parse_plan(args[7], SLA)
  if not plan then
    return refused
  end
  local key = lead_key(prefix, id)
  local state
  state, refused = expect_state(key, id, {'assigned', 'accepted', 'pooled'})
  if not state then
    return refused
  end
  local previous = redis.call('HGET', key, 'assignee')
  if state == 'pooled' then
    local pool = redis.call('HGET', key, 'pool') or ''
    redis.call('ZREM', prefix .. ':pool:' .. pool, id)
  elseif previous then
    redis.call('SREM', rep_key(prefix, previous, 'open'), id)
    release_lock(prefix, key, id, previous)
  end
  local now = now_ms()
  local assignment = start_assignment(prefix, id, key, rep, plan, escalate_after, now)
  if previous then
    move_owner(prefix, key, previous, rep)
  else
    take_owner(prefix, key, rep)
  end
  if task and task ~= '' then
    redis.call('HSET', key, 'handover', task)
  end
  record(prefix, id, {event = 'reassigned', from = state, to = 'assigned', rep = rep,
                      previous = previous or nil, assignment = assignment, reason = reason,
                      handover = task ~= '' and task or nil,
                      sla_deadline = plan_due(plan, 'sla_bounce'), by = admin})
  notify(prefix, 'assigned', id, acting(prefix, rep, now),
         {owner = rep, rule = 'reassigned by ' .. admin, assignment = assignment,
          handover = task or '', previous = previous or '',
          deadline = plan_due(plan, 'sla_bounce') or ''})
  return assignment
end

-- The lead must be accepted and held by `rep` (or their delegate); returns the key, or nil
-- and the refusal.
local function held_accepted(prefix, id, rep)
  local key = lead_key(prefix, id)
  local state, refused = expect_state(key, id, {'accepted'})
  if not state then
    return nil, refused
  end
  refused = expect_holder(prefix, key, id, rep)
  if refused then
    return nil, refused
  end
  return key
end

-- A follow-up happened: the inactivity clock restarts with the caller's new idle plan.
local function followed_up(prefix, id, key, plan)
  local seq = redis.call('HINCRBY', key, 'activity_seq', 1)
  redis.call('HSET', key, 'last_activity_at', now_ms())
  disarm(prefix, id, {idle = true})
  arm_plan(prefix, id, plan, {idle = seq})
end

-- KEYS: none
-- ARGV: prefix, lead id, rep, stage (validated by the caller against the configured stages),
--       idle plan
local function stage(keys, args)
  local prefix, id, rep, name = args[1], args[2], args[3], args[4]
  if name == '' then
    return redis.error_reply('ERR stage needs a name')
  end
  local plan, refused = parse_plan(args[5], {idle = true})
  if not plan then
    return refused
  end
  local key
  key, refused = held_accepted(prefix, id, rep)
  if not key then
    return refused
  end
  local previous = redis.call('HGET', key, 'stage')
  redis.call('HSET', key, 'stage', name)
  followed_up(prefix, id, key, plan)
  record(prefix, id, {event = 'stage', from = 'accepted', to = 'accepted', stage = name,
                      previous_stage = previous, by = rep})
  return 1
end

-- KEYS: none
-- ARGV: prefix, lead id, rep, idle plan
local function activity(keys, args)
  local prefix, id, rep = args[1], args[2], args[3]
  local plan, refused = parse_plan(args[4], {idle = true})
  if not plan then
    return refused
  end
  local key
  key, refused = held_accepted(prefix, id, rep)
  if not key then
    return refused
  end
  followed_up(prefix, id, key, plan)
  record(prefix, id, {event = 'activity', from = 'accepted', to = 'accepted', by = rep})
  return 1
end

-- KEYS: none
-- ARGV: prefix, lead id, rep, outcome (won|lost), reason
-- The holder keeps the customer (a won customer reorders); the lead leaves their open leads.
local function close(keys, args)
  local prefix, id, rep, outcome, reason = args[1], args[2], args[3], args[4], args[5]
  if outcome ~= 'won' and outcome ~= 'lost' then
    return redis.error_reply('ERR outcome must be won or lost, not "' .. outcome .. '"')
  end
  local key, refused = held_accepted(prefix, id, rep)
  if not key then
    return refused
  end
  local holder = redis.call('HGET', key, 'assignee')
  redis.call('HSET', key, 'state', outcome, 'closed_at', now_ms(), 'close_reason', reason)
  redis.call('SREM', rep_key(prefix, holder, 'open'), id)
  redis.call('SADD', rep_key(prefix, holder, 'closed'), id)
  release_lock(prefix, key, id, holder)
  disarm(prefix, id, ALL_FAMILIES)
  record(prefix, id, {event = 'closed', from = 'accepted', to = outcome, reason = reason,
                      by = rep})
  return 1
end

redis.register_function('leadd_ingest', clocked(ingest))
redis.register_function('leadd_assign', clocked(assign))
redis.register_function('leadd_park', clocked(park))
redis.register_function('leadd_accept', clocked(accept))
redis.register_function('leadd_reject', clocked(reject))
redis.register_function('leadd_bounce', clocked(bounce))
redis.register_function('leadd_claim', clocked(claim))
redis.register_function('leadd_reassign', clocked(reassign))
redis.register_function('leadd_stage', clocked(stage))
redis.register_function('leadd_activity', clocked(activity))
redis.register_function('leadd_close', clocked(close))
