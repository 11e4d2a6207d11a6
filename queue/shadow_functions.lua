
-- Shadow mode: what a second rules file would have done with each lead the live rules routed,
-- recorded beside it and acted on nowhere. The last part of the `leadd` library. The shadow
-- rules rotate on cursors of their own, so trying a rotation never moves a live one.

-- KEYS: the shadow stream, then the shadow rule's rotation cursor when it rotates
-- ARGV: lead id, live rep ('' when pooled), live rule, shadow rule, shadow strategy, then the
--       shadow decision's candidates, best first (none when the shadow rules route it nowhere)
-- Returns the rep the shadow rules would pick, '' for the pool. Capacities are not checked: the
-- loads the shadow decided with are the live ones, and nothing here holds a lead.
local function shadow_record(keys, args)
  local first = 6
  local count = #args - first + 1
  local rep = ''
  if count > 0 then
    rep = args[first]
    if keys[2] then
      rep = args[first + (redis.call('INCR', keys[2]) - 1) % count]
    end
  end
  redis.call('XADD', keys[1], 'MAXLEN', '~', '1000000', '*', 'lead', args[1], 'live_rep', args[2],
             'live_rule', args[3], 'shadow_rep', rep, 'shadow_rule', args[4], 'shadow_strategy',
             args[5])
  return rep
end

redis.register_function('leadd_shadow_record', clocked(shadow_record))
