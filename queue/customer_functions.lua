
-- The customer registry's Function (queue/customer_registry.h); part of the `leadd` library,
-- using the registry helpers of lead_functions.lua.

-- How long a batch's gathered keys are kept after its last registration: longer than any
-- batch takes, and the next batch of an import is matched anew.
local BATCH_KEPT_MS = 600000

local function batch_key(prefix, batch)
  return prefix .. ':customers:batch:' .. batch
end

-- Whether another registration since `seen` (the log position the batch was matched at) holds
-- one of `contact`'s EXACT_KEYS, or the log grew too far since to tell. A batch's customers
-- are registered one call each: the keys other registrations hold are gathered in
-- `P:customers:batch:<batch>` (`scanned`: how far the log was read; `<name>=<value>`: a key
-- held), so that each call reads only the entries added since the call before, and the batch's
-- own registrations, read past as they are made, are never taken for another's.
local function registered_since_batch(prefix, contact, seen, batch)
  local gathered = batch_key(prefix, batch)
  local from = redis.call('HGET', gathered, 'scanned') or seen
  local entries = log_since(prefix, from, CLAIM_SCAN)
  for _, entry in ipairs(entries) do
    local logged = logged_fields(entry)
    for _, name in ipairs(registers_keys(logged) and EXACT_KEYS or {}) do
      if logged[name] then
        redis.call('HSET', gathered, name .. '=' .. logged[name], '1')
      end
    end
  end
  redis.call('HSET', gathered, 'scanned', #entries > 0 and entries[#entries][1] or from)
  redis.call('PEXPIRE', gathered, BATCH_KEPT_MS)
  return #entries == CLAIM_SCAN or shares_exact_key(contact, function(name, value)
    return redis.call('HEXISTS', gathered, name .. '=' .. value) == 1
  end)
end

-- KEYS: none
-- ARGV: prefix, rep, registered at (epoch ms, '' for now), source, stage, grade, name, then
--       the contact keys in the order of CONTACT_KEYS ('' when unknown), then the log position
--       the customer was matched at and the batch it comes in (registered_since_batch; both
--       '' to register without looking)
-- The first registration of an email key wins. Returns {'registered', customer, registered
-- at, log entry}; {'theirs' | 'owned', customer holding the email ('' when a lead made the
-- rep its owner before the registry), its rep, its registered at ('' when unknown)}; or
-- {'moved'} when another registration since the match holds one of its keys: nothing changed,
-- and the caller matches it again.
local function register(keys, args)
  local prefix, rep = args[1], args[2]
  if rep == '' then
    return redis.error_reply('ERR a customer needs a rep')
  end
  local contact = {}
  for position, name in ipairs(CONTACT_KEYS) do
    contact[name] = args[7 + position] or ''
  end
  if contact.email ~= '' then
    local owner = redis.call('HGET', prefix .. ':owner:email', contact.email)
    if owner then
      local customer = redis.call('HGET', prefix .. ':customers:email', contact.email)
      local since = customer and redis.call('HGET', customer_key(prefix, customer),
                                            'registered_at')
      return {owner == rep and 'theirs' or 'owned', customer or '', owner, since or ''}
    end
  end
  local seen, batch = args[8 + #CONTACT_KEYS] or '', args[9 + #CONTACT_KEYS] or ''
  local checked = seen ~= '' and batch ~= ''
  if checked and registered_since_batch(prefix, contact, seen, batch) then
    return {'moved'}
  end
  local at = args[3] ~= '' and args[3] or tostring(now_ms())
  local id, position = register_customer(prefix, rep, contact,
                                         {registered_at = at, source = args[4], stage = args[5],
                                          grade = args[6], name = args[7]})
  if checked then
    redis.call('HSET', batch_key(prefix, batch), 'scanned', position)
  end
  return {'registered', id, at, position}
end

-- KEYS: none
-- ARGV: prefix, lead id, possible owner (rep), customer, score, why (free of personal data)
-- Dedupe found a customer that may be the lead's, not surely enough to apply the owner rule:
-- the lead was routed normally, and the possible owner, the lead's holder and the admins are
-- told, so that they settle it. Once per lead: a redelivered entry flags nothing new.
-- Returns 1 when flagged now, 0 when it was before.
local function flag_possible_owner(keys, args)
  local prefix, id, owner, customer = args[1], args[2], args[3], args[4]
  local key = lead_key(prefix, id)
  if redis.call('EXISTS', key) == 0 then
    return redis.error_reply('NOTFOUND lead ' .. id)
  end
  if redis.call('HSETNX', key, 'possible_owner', owner) == 0 then
    return 0
  end
  redis.call('HSET', key, 'possible_customer', customer)
  local now = now_ms()
  local holder = redis.call('HGET', key, 'assignee') or ''
  record(prefix, id, {event = 'possible_owner', rep = owner, customer = customer,
                      score = args[5], why = args[6], holder = holder, by = 'dedupe'})
  local told = {owner = owner, customer = customer, score = args[5], holder = holder}
  notify(prefix, 'possible_owner', id, acting(prefix, owner, now), told)
  if holder ~= '' and holder ~= owner then
    notify(prefix, 'possible_owner', id, acting(prefix, holder, now), told)
  end
  notify(prefix, 'possible_owner', id, '', told)
  return 1
end

redis.register_function('leadd_register_customer', clocked(register))
redis.register_function('leadd_flag_possible_owner', clocked(flag_possible_owner))
