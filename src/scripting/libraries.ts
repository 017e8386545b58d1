import { LUA_CMSGPACK } from './lib-cmsgpack.js';
import { LUA_STRUCT } from './lib-struct.js';

/**
 * The libraries Redis 7.0 gives scripts beyond Lua's own, written in Lua 5.4 (it has native
 * integer bit operators, so `bit` is short): `bit` (LuaBitOp 1.0.2: results are signed 32-bit
 * integers) and `cjson` (lua-cjson 2.1 as Redis builds it: numbers printed with %.14g, '/'
 * escaped, sparse arrays refused past ratio 2 / safe 10, nesting limited to 1000) here;
 * `cmsgpack` (./lib-cmsgpack.ts) and `struct` (./lib-struct.ts) in their own files, each a
 * `do ... end` block of this one chunk (so each has its own 200 locals), sharing the header's
 * error helpers (api, argerror, typename).
 *
 * Run once, before the prelude (so 5.4's string.pack/unpack, math.tointeger and table.unpack are
 * still there to be kept as locals), with the real globals table, a light userdata NULL
 * (cjson.null) and the C trampoline maker `cfunction` as arguments.
 */
const BIT_AND_CJSON = String.raw`
local G, nullvalue, cfunction = ...
local floor, fmt, type, error, pairs, tostring, select = math.floor, string.format, type, error, pairs, tostring, select
local byte, char, sub, find, concat = string.byte, string.char, string.sub, string.find, table.concat
local tointeger, mathtype, tonumber, pcall, ipairs = math.tointeger, math.type, tonumber, pcall, ipairs
local getinfo, getmetatable, setmetatable = debug.getinfo, getmetatable, setmetatable

-- How every library function here (and in lib-cmsgpack / lib-struct, which run in this chunk)
-- raises errors as Redis' C functions do. api(impl) is impl behind the C trampoline, run under
-- pcall; its errors are reworded by rethrow:
-- - argument errors, raised with argerror(n, msg), read as luaL_argerror words them: the function
--   named as its caller called it (level 2 is the trampoline, whose caller's call instruction
--   names it: 'band', a local alias, or '?' when called from C such as pcall), one argument less
--   for a method call ("calling 'f' on bad self");
-- - {plain = text}: errors Lua itself raises inside the C original (a table store): no position;
-- - anything else gets the caller's position, as luaL_error gives it.
local ARGERROR = {}
local function rethrow(ok, ...)
  if ok then return ... end
  local e = ...
  if type(e) == 'table' then
    if getmetatable(e) == ARGERROR then
      local info = getinfo(2, 'n')
      local n, name = e.n, info and info.name or '?'
      if info and info.namewhat == 'method' then
        n = n - 1
        if n == 0 then error(fmt("calling '%s' on bad self (%s)", name, e.msg), 3) end
      end
      error(fmt("bad argument #%d to '%s' (%s)", n, name, e.msg), 3)
    end
    if e.plain then error(e.plain, 0) end
  end
  error(e, 3)
end
local function api(impl)
  return cfunction(function(...) return rethrow(pcall(impl, ...)) end)
end
local function argerror(n, msg) error(setmetatable({ n = n, msg = msg }, ARGERROR), 0) end
-- Lua 5.1's type names in "X expected, got Y": an argument past the last given is "no value".
local function typename(v, n, given) if n > given then return 'no value' end return type(v) end

-- bit ------------------------------------------------------------------------------------------
-- LuaBitOp's barg: a number (or a string that converts), rounded to the nearest integer with ties
-- to even (it adds 2^52+2^51 and keeps the low 32 bits), as a signed 32-bit integer.
local function barg(x, n, given)
  local t = type(x)
  local v = (t == 'number' or t == 'string') and tonumber(x) or nil
  if v == nil then argerror(n, 'number expected, got ' .. typename(x, n, given)) end
  if mathtype(v) == 'float' then
    if v ~= v or v == math.huge or v == -math.huge then v = 0
    else
      local r = floor(v)
      local d = v - r
      if d > 0.5 or (d == 0.5 and r % 2 == 1) then r = r + 1 end
      v = tointeger(r) or 0
    end
  end
  v = v & 0xffffffff
  if v >= 0x80000000 then v = v - 0x100000000 end
  return v
end
local function u32(x, n, given) return barg(x, n, given) & 0xffffffff end
local function signed(v)
  v = v & 0xffffffff
  if v >= 0x80000000 then v = v - 0x100000000 end
  return v
end
local function fold(op)
  return function(...)
    local given = select('#', ...)
    local r = u32((...), 1, given)
    for i = 2, given do r = op(r, u32((select(i, ...)), i, given)) end
    return signed(r)
  end
end
local bit = {}
bit.tobit = function(...) return barg((...), 1, select('#', ...)) end
bit.bnot = function(...) return signed(~u32((...), 1, select('#', ...))) end
bit.band = fold(function(a, b) return a & b end)
bit.bor = fold(function(a, b) return a | b end)
bit.bxor = fold(function(a, b) return a ~ b end)
local function shift(f)
  return function(...)
    local given = select('#', ...)
    local x, n = ...
    local v, s = u32(x, 1, given), u32(n, 2, given) & 31
    return signed(f(v, s))
  end
end
bit.lshift = shift(function(v, s) return v << s end)
bit.rshift = shift(function(v, s) return v >> s end)
bit.arshift = shift(function(v, s)
  local neg = v >= 0x80000000
  return v >> s | (neg and s > 0 and (0xffffffff << (32 - s)) or 0)
end)
bit.rol = shift(function(v, s) return v << s | v >> (32 - s) end)
bit.ror = shift(function(v, s) return v >> s | v << (32 - s) end)
bit.bswap = function(...)
  local v = u32((...), 1, select('#', ...))
  return signed((v & 0xff) << 24 | (v & 0xff00) << 8 | (v >> 8) & 0xff00 | v >> 24)
end
bit.tohex = function(...)
  local given = select('#', ...)
  local x, n = ...
  n = n == nil and 8 or barg(n, 2, given)
  local upper = n < 0
  if upper then n = -n end
  if n > 8 then n = 8 end
  local s = fmt(upper and '%08X' or '%08x', u32(x, 1, given))
  return sub(s, 9 - n)
end
for name, f in pairs(bit) do bit[name] = api(f) end
G.bit = bit

-- cjson ----------------------------------------------------------------------------------------
local cjson = { _NAME = 'cjson', _VERSION = '2.1.0', null = nullvalue }
local escapes = { ['"'] = '\\"', ['\\'] = '\\\\', ['/'] = '\\/', ['\b'] = '\\b', ['\f'] = '\\f', ['\n'] = '\\n', ['\r'] = '\\r', ['\t'] = '\\t' }
for i = 0, 31 do local c = char(i) if escapes[c] == nil then escapes[c] = fmt('\\u%04x', i) end end
escapes['\127'] = '\\u007f'
local function number(n)
  if n ~= n or n == math.huge or n == -math.huge then error('Cannot serialise number: must not be NaN or Inf', 0) end
  return fmt('%.14g', n)
end
local encodeValue
local function arrayLength(t)
  local max, items = 0, 0
  for k in pairs(t) do
    if type(k) == 'number' and k > 0 and floor(k) == k then
      if k > max then max = k end
      items = items + 1
    else
      return -1
    end
  end
  if max > 10 and max > items * 2 then error('Cannot serialise table: excessively sparse array', 0) end
  return max
end
encodeValue = function(v, depth, out)
  local t = type(v)
  if t == 'string' then out[#out + 1] = '"' .. v:gsub('[%c"\\/]', escapes) .. '"'
  elseif t == 'number' then out[#out + 1] = number(v)
  elseif t == 'boolean' then out[#out + 1] = v and 'true' or 'false'
  elseif t == 'nil' or v == nullvalue then out[#out + 1] = 'null'
  elseif t == 'table' then
    depth = depth + 1
    if depth > 1000 then error(fmt('Cannot serialise, excessive nesting (%d)', depth), 0) end
    local n = arrayLength(v)
    if n > 0 then
      out[#out + 1] = '['
      for i = 1, n do
        if i > 1 then out[#out + 1] = ',' end
        encodeValue(v[i], depth, out)
      end
      out[#out + 1] = ']'
    else
      out[#out + 1] = '{'
      local first = true
      for k, x in pairs(v) do
        local kt = type(k)
        if kt == 'number' then k = number(k)
        elseif kt ~= 'string' then error('Cannot serialise table: table key must be a number or string', 0) end
        if not first then out[#out + 1] = ',' end
        first = false
        out[#out + 1] = '"' .. k:gsub('[%c"\\/]', escapes) .. '":'
        encodeValue(x, depth, out)
      end
      out[#out + 1] = '}'
    end
  else
    error('Cannot serialise ' .. t .. ': type not supported', 0)
  end
end
cjson.encode = function(...)
  if select('#', ...) ~= 1 then argerror(1, 'expected 1 argument') end
  local out = {}
  encodeValue((...), 0, out)
  return concat(out)
end

local unescapes = { ['"'] = '"', ['\\'] = '\\', ['/'] = '/', b = '\b', f = '\f', n = '\n', r = '\r', t = '\t' }
local function utf8char(cp)
  if cp < 0x80 then return char(cp) end
  if cp < 0x800 then return char(0xc0 | cp >> 6, 0x80 | cp & 0x3f) end
  if cp < 0x10000 then return char(0xe0 | cp >> 12, 0x80 | cp >> 6 & 0x3f, 0x80 | cp & 0x3f) end
  return char(0xf0 | cp >> 18, 0x80 | cp >> 12 & 0x3f, 0x80 | cp >> 6 & 0x3f, 0x80 | cp & 0x3f)
end
local decodeValue
-- lua-cjson names what it found by its token type.
local tokens = { ['{'] = 'T_OBJ_BEGIN', ['}'] = 'T_OBJ_END', ['['] = 'T_ARR_BEGIN', [']'] = 'T_ARR_END', ['"'] = 'T_STRING', [':'] = 'T_COLON', [','] = 'T_COMMA' }
local function token(s, pos)
  if pos > #s then return 'T_END' end
  local c = sub(s, pos, pos)
  if tokens[c] then return tokens[c] end
  if find(c, '[-0-9]') then return 'T_NUMBER' end
  if sub(s, pos, pos + 3) == 'true' or sub(s, pos, pos + 4) == 'false' then return 'T_BOOLEAN' end
  if sub(s, pos, pos + 3) == 'null' then return 'T_NULL' end
  return 'invalid token'
end
local function fail(what, pos, s) error(fmt('Expected %s but found %s at character %d', what, token(s, pos), pos), 0) end
local function skip(s, pos) return (find(s, '[^ \t\r\n]', pos)) or #s + 1 end
local function decodeString(s, pos)
  local out, i = {}, pos + 1
  while true do
    local j = find(s, '["\\]', i)
    if j == nil then fail('value', pos, s) end
    out[#out + 1] = sub(s, i, j - 1)
    if byte(s, j) == 34 then return concat(out), j + 1 end
    local e = sub(s, j + 1, j + 1)
    if e == 'u' then
      local cp = tonumber(sub(s, j + 2, j + 5), 16)
      if cp == nil then fail('value', pos, s) end
      i = j + 6
      if cp >= 0xd800 and cp <= 0xdbff and sub(s, i, i + 1) == '\\u' then
        local lo = tonumber(sub(s, i + 2, i + 5), 16)
        if lo and lo >= 0xdc00 and lo <= 0xdfff then
          cp = 0x10000 + (cp - 0xd800) * 0x400 + (lo - 0xdc00)
          i = i + 6
        end
      end
      out[#out + 1] = utf8char(cp)
    elseif unescapes[e] then
      out[#out + 1] = unescapes[e]
      i = j + 2
    else
      fail('value', pos, s)
    end
  end
end
decodeValue = function(s, pos, depth)
  pos = skip(s, pos)
  local c = sub(s, pos, pos)
  if c == '"' then return decodeString(s, pos) end
  if c == '{' or c == '[' then
    depth = depth + 1
    if depth > 1000 then error(fmt('Found too many nested data structures (%d) at character %d', depth, pos), 0) end
    local t = {}
    local close = c == '{' and '}' or ']'
    pos = skip(s, pos + 1)
    if sub(s, pos, pos) == close then return t, pos + 1 end
    local n = 0
    while true do
      if c == '{' then
        pos = skip(s, pos)
        if sub(s, pos, pos) ~= '"' then fail('object key string', pos, s) end
        local k
        k, pos = decodeString(s, pos)
        pos = skip(s, pos)
        if sub(s, pos, pos) ~= ':' then fail('colon', pos, s) end
        t[k], pos = decodeValue(s, pos + 1, depth)
      else
        n = n + 1
        t[n], pos = decodeValue(s, pos, depth)
      end
      pos = skip(s, pos)
      local d = sub(s, pos, pos)
      if d == close then return t, pos + 1 end
      if d ~= ',' then fail(c == '{' and 'comma or object end' or 'comma or array end', pos, s) end
      pos = pos + 1
    end
  end
  local num = s:match('^-?%d+%.?%d*[eE]?[-+]?%d*', pos)
  if num and num ~= '' and num ~= '-' then
    local v = tonumber(num)
    if v == nil then fail('value', pos, s) end
    if not find(num, '[.eE]') and v >= -9007199254740991 and v <= 9007199254740991 then v = tointeger(v) or v
    elseif mathtype(v) == 'integer' then v = v + 0.0 end
    return v, pos + #num
  end
  if sub(s, pos, pos + 3) == 'true' then return true, pos + 4 end
  if sub(s, pos, pos + 4) == 'false' then return false, pos + 5 end
  if sub(s, pos, pos + 3) == 'null' then return nullvalue, pos + 4 end
  fail('value', pos, s)
end
cjson.decode = function(...)
  if select('#', ...) ~= 1 then argerror(1, 'expected 1 argument') end
  local s = ...
  if type(s) ~= 'string' then s = tostring(s) end
  local v, pos = decodeValue(s, 1, 0)
  pos = skip(s, pos)
  if pos <= #s then error(fmt('Expected the end but found %s at character %d', token(s, pos), pos), 0) end
  return v
end
for _, name in ipairs({ 'encode_sparse_array', 'encode_max_depth', 'decode_max_depth', 'encode_number_precision', 'encode_keep_buffer', 'encode_invalid_numbers', 'decode_invalid_numbers' }) do
  cjson[name] = function() end
end
cjson.new = function() return cjson end
cjson.encode, cjson.decode = api(cjson.encode), api(cjson.decode)
G.cjson = cjson
`;

export const LUA_LIBRARIES = [BIT_AND_CJSON, LUA_CMSGPACK, LUA_STRUCT].join('\n');
