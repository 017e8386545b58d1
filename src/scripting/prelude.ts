/**
 * The Lua code run once when the scripting state is made: it shapes Lua 5.4's globals into the
 * ones a Redis 7.0 script sees (Lua 5.1's, less what Redis removes) and protects them as Redis
 * does.
 *
 * Protection: scripts run with a proxy as their globals (_ENV and _G). The proxy is empty;
 * reads fall through to the real globals table (a table __index, which the VM follows without a
 * function call), whose own __index raises Redis' "nonexistent global variable" error; writes hit
 * the proxy's __newindex, which raises "Attempt to modify a readonly table". The library tables
 * (string, table, redis, ...) are proxies of the same kind. KEYS and ARGV are set by the host in
 * the real table before each run.
 *
 * The chunk is loaded with the name '=redis-prelude': frames from it are never reported as the
 * place of a script's error (the host looks for the user's frame).
 */
export const PRELUDE = String.raw`
local real, host, cfunction = ...
local rawset, setmetatable, error, type, next, pairs = rawset, setmetatable, error, type, next, pairs
local fmt, mtype, floor = string.format, math.type, math.floor

local function readonly() error('Attempt to modify a readonly table', 2) end
local function proxy(t)
  return setmetatable({}, { __index = t, __newindex = readonly, __pairs = function() return next, t, nil end, __metatable = false })
end

-- Lua 5.1 as Redis has it: 5.4's additions go, 5.1's names come back.
local t54 = table
local unpack54, load54, tostring54 = t54.unpack, load, tostring
real.unpack = unpack54
t54.unpack, t54.move = nil, nil
t54.getn = function(t) return #t end
t54.setn = function() error("'setn' is obsolete", 2) end
t54.maxn = function(t)
  local max = 0
  for k in pairs(t) do if type(k) == 'number' and k > max then max = k end end
  return max
end
t54.foreach = function(t, f)
  for k, v in pairs(t) do local r = f(k, v) if r ~= nil then return r end end
end
t54.foreachi = function(t, f)
  for i = 1, #t do local r = f(i, t[i]) if r ~= nil then return r end end
end
local m = math
m.mod = m.fmod
m.pow = function(x, y) return x ^ y end
m.ldexp = function(x, e) return x * 2.0 ^ e end
m.frexp = function(x)
  if x == 0 or x ~= x or x == m.huge or x == -m.huge then return x, 0 end
  local e = floor(m.log(m.abs(x), 2)) + 1
  local f = x / 2.0 ^ e
  if m.abs(f) >= 1 then f, e = f / 2, e + 1 elseif m.abs(f) < 0.5 then f, e = f * 2, e - 1 end
  return f, e
end
m.log10 = function(x) return m.log(x, 10) end
m.cosh = function(x) return (m.exp(x) + m.exp(-x)) / 2 end
m.sinh = function(x) return (m.exp(x) - m.exp(-x)) / 2 end
m.tanh = function(x) local a, b = m.exp(x), m.exp(-x) return (a - b) / (a + b) end
m.tointeger, m.type, m.ult, m.maxinteger, m.mininteger = nil, nil, nil, nil, nil
string.gfind = string.gmatch
string.pack, string.unpack, string.packsize = nil, nil, nil
coroutine.isyieldable, coroutine.close = nil, nil
-- 5.1 prints every number with %.14g: 3/1 is "3", not 5.4's "3.0".
real.tostring = function(v)
  if mtype(v) == 'float' then return fmt('%.14g', v) end
  return tostring54(v)
end
-- 5.1's tonumber in base 10 (the default) reads a numeral as any other: with C's strtod, which
-- also takes decimals, hex, inf, infinity and nan (any case, signed, blanks around); 5.4's refuses
-- every numeral with an 'n' in it, and any but an integer's digits once a base is given.
local tonumber54 = tonumber
local nan = 0 / 0
if fmt('%.14g', nan):sub(1, 1) == '-' then nan = -nan end
real.tonumber = function(...)
  local v, base = ...
  if select('#', ...) == 0 then error("bad argument #1 to 'tonumber' (value expected)", 2) end
  if base ~= nil and tonumber54(base) ~= 10 then return tonumber54(...) end
  local n = tonumber54(v)
  if n ~= nil or type(v) ~= 'string' then return n end
  local sign, word = v:match('^%s*([-+]?)(%a+)%s*$')
  if word == nil then return nil end
  word = word:lower()
  if word == 'inf' or word == 'infinity' then return sign == '-' and -m.huge or m.huge end
  if word == 'nan' then return sign == '-' and -nan or nan end
  return nil
end
-- Redis 7.0's pcall: an error raised as a table ({err=...}, as redis.call raises) is caught as its text.
local pcall54 = pcall
local function caught(ok, ...)
  if ok then return ok, ... end
  local e = ...
  if type(e) == 'table' then
    local text = e.err
    if type(text) == 'string' or type(text) == 'number' then return false, text end
  end
  return false, ...
end
real.pcall = function(...) return caught(pcall54(...)) end
real.gcinfo = function() return floor(collectgarbage('count')) end
-- Text chunks only: a binary chunk could break the VM.
real.loadstring = function(s, name) return load54(s, name, 't') end
real.load = function(chunk, name) return load54(chunk, name, 't') end

for _, name in ipairs({ 'io', 'os', 'package', 'utf8', 'debug', 'require', 'dofile', 'loadfile', 'print', 'warn', 'rawlen' }) do
  real[name] = nil
end

-- The redis table.
local redis = host
redis.REDIS_VERSION = '7.0.15'
redis.REDIS_VERSION_NUM = 0x07000f
redis.LOG_DEBUG, redis.LOG_VERBOSE, redis.LOG_NOTICE, redis.LOG_WARNING = 0, 1, 2, 3
redis.REPL_NONE, redis.REPL_AOF, redis.REPL_SLAVE, redis.REPL_REPLICA, redis.REPL_ALL = 0, 1, 2, 2, 3
-- Redis' luaPushErrorBuff: '-CODE message' keeps its code, anything else gets ERR.
redis.error_reply = function(e)
  if type(e) ~= 'string' then return { err = 'ERR wrong number or type of arguments' } end
  if e:sub(1, 1) ~= '-' then e = '-' .. e end
  local space = e:find(' ', 1, true)
  local code, msg = 'ERR', e:sub(2)
  if space then code, msg = e:sub(2, space - 1), e:sub(space + 1) end
  msg = msg:gsub('^[\r\n]+', ''):gsub('[\r\n]+$', '')
  return { err = code .. ' ' .. msg }
end
redis.status_reply = function(s)
  if type(s) ~= 'string' then return { err = 'ERR wrong number or type of arguments' } end
  return { ok = s }
end
redis.replicate_commands = function() return true end
redis.set_repl = function(flags)
  if flags == nil then error({ err = 'ERR redis.set_repl() requires one argument.' }) end
  if type(flags) ~= 'number' or flags < 0 or flags > 3 then
    error({ err = 'ERR Invalid replication flags. Use REPL_AOF, REPL_REPLICA, REPL_ALL or REPL_NONE.' })
  end
end
redis.breakpoint = function() return false end
redis.debug = function() end
-- Called through a C function, as Redis' are: a tail call keeps the script's frame (its line).
for _, name in ipairs({ 'error_reply', 'status_reply', 'replicate_commands', 'set_repl', 'breakpoint', 'debug' }) do
  redis[name] = cfunction(redis[name])
end
real.redis = proxy(redis)

for _, name in ipairs({ 'string', 'table', 'math', 'coroutine', 'bit', 'cjson', 'cmsgpack', 'struct' }) do
  if real[name] ~= nil then real[name] = proxy(real[name]) end
end

local G = proxy(real)
real._G = G
setmetatable(real, { __index = function(_, k)
  error("Script attempted to access nonexistent global variable '" .. tostring54(k) .. "'", 2)
end, __newindex = readonly, __metatable = false })
return G
`;
