/**
 * `cmsgpack` as Redis 7.0 ships it (lua-cmsgpack 0.4.0, built against Lua 5.1), written in Lua 5.4
 * (whose string.pack/unpack do the byte work; the prelude hides them from scripts afterwards).
 *
 * What has to match Redis, byte for byte:
 * - numbers are 5.1 doubles: any number with an integral value that fits in int64 is packed as the
 *   smallest msgpack integer (fixnum, uint 8/16/32/64, int 8/16/32/64), others as float 32 when
 *   the value survives a round trip through a C float, else float 64;
 * - strings: fixstr, str 8, str 16, str 32; true/false; nil and any other type (functions,
 *   userdata...) pack as nil;
 * - a table is an array when its keys are exactly the integers 1..n (lua-cmsgpack's
 *   table_is_an_array; the empty table is an empty array), otherwise a map; tables nested 16 deep
 *   pack as nil (level 16, counted from 0 at each argument);
 * - decoding gives numbers (5.4 integers below 10^14, floats above, so both print as 5.1's
 *   doubles do; uint 64 is read as signed, as Redis does), and refuses bin, ext and the reserved 0xc1 with "Bad data format in input.";
 * - the Lua 5.1 stack limit (8000 slots per C call) shows through: pack of more than 4000
 *   arguments, unpack of more than 7999 values or nesting past it raise Redis' "stack overflow"
 *   texts. The model below counts the slots Redis' C code would use.
 *
 * Errors are raised at the caller's level, as luaL_error in a C function does.
 * Runs inside LUA_LIBRARIES' chunk (./libraries.ts), with its locals G, api, argerror and typename
 * (the error helpers: argument errors worded and placed as luaL_argerror / luaL_error do).
 */
export const LUA_CMSGPACK = String.raw`
do
local spack, sunpack, byte, char, sub, fmt = string.pack, string.unpack, string.byte, string.char, string.sub, string.format
local type, error, pairs, select, pcall, tointeger, floor, huge, concat = type, error, pairs, select, pcall, math.tointeger, math.floor, math.huge, table.concat
local tonumber, maxinteger, tunpack = tonumber, math.maxinteger, table.unpack
local MAX_NESTING = 16
-- LUAI_MAXCSTACK of Lua 5.1: a C function may use this many stack slots.
local MAXCSTACK = 8000

-- Packing ---------------------------------------------------------------------------------------
local function packInt(n, out)
  if n >= 0 then
    if n <= 127 then out[#out + 1] = char(n)
    elseif n <= 0xff then out[#out + 1] = char(0xcc, n)
    elseif n <= 0xffff then out[#out + 1] = spack('>BI2', 0xcd, n)
    elseif n <= 0xffffffff then out[#out + 1] = spack('>BI4', 0xce, n)
    else out[#out + 1] = spack('>Bi8', 0xcf, n) end
  else
    if n >= -32 then out[#out + 1] = char(n & 0xff)
    elseif n >= -128 then out[#out + 1] = spack('>Bi1', 0xd0, n)
    elseif n >= -32768 then out[#out + 1] = spack('>Bi2', 0xd1, n)
    elseif n >= -2147483648 then out[#out + 1] = spack('>Bi4', 0xd2, n)
    else out[#out + 1] = spack('>Bi8', 0xd3, n) end
  end
end

-- A 5.1 number: integral values within int64 pack as integers (IS_INT64_EQUIVALENT).
local function packNumber(v, out)
  local d = v + 0.0
  if d == d and d ~= huge and d ~= -huge and d == floor(d) and d >= -9223372036854775808.0 and d < 9223372036854775808.0 then
    return packInt(tointeger(d), out)
  end
  if sunpack('>f', spack('>f', d)) == d then
    out[#out + 1] = spack('>Bf', 0xca, d)
  else
    out[#out + 1] = spack('>Bd', 0xcb, d)
  end
end

local function packString(s, out)
  local n = #s
  if n < 32 then out[#out + 1] = char(0xa0 | n)
  elseif n <= 0xff then out[#out + 1] = char(0xd9, n)
  elseif n <= 0xffff then out[#out + 1] = spack('>BI2', 0xda, n)
  else out[#out + 1] = spack('>BI4', 0xdb, n) end
  out[#out + 1] = s
end

-- table_is_an_array: every key a positive integer (one that fits a C int) and no holes.
local function isArray(t)
  local count, max = 0, 0
  for k in pairs(t) do
    if type(k) ~= 'number' or k <= 0 or k ~= floor(k) or k > 2147483647 then return false end
    if k > max then max = k end
    count = count + 1
  end
  return max == count, max
end

local packValue
local function packTable(t, level, out)
  local array, n = isArray(t)
  if array then
    if n <= 15 then out[#out + 1] = char(0x90 | n)
    elseif n <= 0xffff then out[#out + 1] = spack('>BI2', 0xdc, n)
    else out[#out + 1] = spack('>BI4', 0xdd, n) end
    for i = 1, n do packValue(t[i], level + 1, out) end
  else
    n = 0
    for _ in pairs(t) do n = n + 1 end
    if n <= 15 then out[#out + 1] = char(0x80 | n)
    elseif n <= 0xffff then out[#out + 1] = spack('>BI2', 0xde, n)
    else out[#out + 1] = spack('>BI4', 0xdf, n) end
    for k, v in pairs(t) do
      packValue(k, level + 1, out)
      packValue(v, level + 1, out)
    end
  end
end

packValue = function(v, level, out)
  local t = type(v)
  if t == 'table' and level == MAX_NESTING then t = 'nil' end
  if t == 'string' then packString(v, out)
  elseif t == 'boolean' then out[#out + 1] = v and '\xc3' or '\xc2'
  elseif t == 'number' then packNumber(v, out)
  elseif t == 'table' then packTable(v, level, out)
  else out[#out + 1] = '\xc0' end
end

local function pack(...)
  local n = select('#', ...)
  if n == 0 then argerror(0, 'MessagePack pack needs input.') end
  if n + n > MAXCSTACK then argerror(0, 'Too many arguments for MessagePack pack.') end
  local out = {}
  for i = 1, n do packValue((select(i, ...)), 0, out) end
  return concat(out)
end

-- Unpacking -------------------------------------------------------------------------------------
-- Decoding errors are thrown as these markers, turned into Redis' texts by unpackFull.
local EOF, BADFMT = {}, {}
local function overflow(what) error('stack overflow (' .. what .. ')', 0) end
local TOO_MANY = 'too many return values at once; use unpack_one or unpack_limit instead.'

-- A decoded integer is a 5.1 double. It stays a 5.4 integer while 5.1 would print it as one
-- (%.14g: under 10^14); past that a 5.4 float prints as 5.1 does (1.2345678901234e+14).
local function number(i)
  if i >= 100000000000000 or i <= -100000000000000 then return i + 0.0 end
  return i
end

local decode
-- s: the input, p: position of the value (1-based), e: last byte, top: the C stack slots in use.
-- Returns the value and the position after it.
local function decodeArray(s, p, e, top, n)
  local t = {}
  top = top + 1
  if top + 1 > MAXCSTACK then overflow('in function mp_decode_to_lua_array') end
  for i = 1, n do t[i], p = decode(s, p, e, top + 1) end
  return t, p
end
local function decodeMap(s, p, e, top, n)
  local t = {}
  top = top + 1
  for _ = 1, n do
    local k, v
    k, p = decode(s, p, e, top)
    v, p = decode(s, p, e, top + 1)
    if k == nil then error({ plain = 'table index is nil' }, 0) end
    if k ~= k then error({ plain = 'table index is NaN' }, 0) end
    t[k] = v
  end
  return t, p
end
local function need(p, e, n) if e - p + 1 < n then error(EOF, 0) end end

decode = function(s, p, e, top)
  if p > e then error(EOF, 0) end
  if top + 1 > MAXCSTACK then overflow(TOO_MANY) end
  local c = byte(s, p)
  if c < 0x80 then return c, p + 1 end
  if c >= 0xe0 then return c - 256, p + 1 end
  if c >= 0xa0 and c < 0xc0 then
    local n = c & 0x1f
    need(p, e, 1 + n)
    return sub(s, p + 1, p + n), p + 1 + n
  end
  if c < 0x90 then return decodeMap(s, p + 1, e, top, c & 0xf) end
  if c < 0xa0 then return decodeArray(s, p + 1, e, top, c & 0xf) end
  if c == 0xc0 then return nil, p + 1 end
  if c == 0xc2 then return false, p + 1 end
  if c == 0xc3 then return true, p + 1 end
  if c == 0xcc then need(p, e, 2) return byte(s, p + 1), p + 2 end
  if c == 0xcd then need(p, e, 3) return sunpack('>I2', s, p + 1), p + 3 end
  if c == 0xce then need(p, e, 5) return sunpack('>I4', s, p + 1), p + 5 end
  -- uint 64 is read as a signed 64-bit integer, as Redis' build does (0xff..ff is -1).
  if c == 0xcf then need(p, e, 9) return number(sunpack('>i8', s, p + 1)), p + 9 end
  if c == 0xd0 then need(p, e, 2) return sunpack('>i1', s, p + 1), p + 2 end
  if c == 0xd1 then need(p, e, 3) return sunpack('>i2', s, p + 1), p + 3 end
  if c == 0xd2 then need(p, e, 5) return sunpack('>i4', s, p + 1), p + 5 end
  if c == 0xd3 then need(p, e, 9) return number(sunpack('>i8', s, p + 1)), p + 9 end
  if c == 0xca then need(p, e, 5) return sunpack('>f', s, p + 1), p + 5 end
  if c == 0xcb then need(p, e, 9) return sunpack('>d', s, p + 1), p + 9 end
  if c == 0xd9 or c == 0xda or c == 0xdb then
    local w = c == 0xd9 and 1 or c == 0xda and 2 or 4
    need(p, e, 1 + w)
    local n = sunpack('>I' .. w, s, p + 1)
    need(p, e, 1 + w + n)
    return sub(s, p + 1 + w, p + w + n), p + 1 + w + n
  end
  if c == 0xdc or c == 0xdd or c == 0xde or c == 0xdf then
    local w = (c == 0xdc or c == 0xde) and 2 or 4
    need(p, e, 1 + w)
    local n = sunpack('>I' .. w, s, p + 1)
    if c <= 0xdd then return decodeArray(s, p + 1 + w, e, top, n) end
    return decodeMap(s, p + 1 + w, e, top, n)
  end
  error(BADFMT, 0)
end

-- mp_unpack_full: limit/offset 0 and 0 decode everything and return only the values; otherwise
-- the values come after the next offset (-1 once the input is used up).
local function unpackFull(s, limit, offset)
  local len = #s
  if offset < 0 or limit < 0 then
    error(fmt('Invalid request to unpack with offset of %d and limit of %d.', offset, len), 0)
  elseif offset > len then
    error(fmt('Start offset %d greater than input length %d.', offset, len), 0)
  end
  local all = limit == 0 and offset == 0
  if all then limit = maxinteger end
  local out, n, p = {}, 0, offset + 1
  while p <= len and n < limit do
    local ok, v, q = pcall(decode, s, p, len, 1 + n)
    if not ok then
      if v == EOF then error('Missing bytes in input.', 0) end
      if v == BADFMT then error('Bad data format in input.', 0) end
      error(v, 0)
    end
    n = n + 1
    out[n], p = v, q
  end
  if all then return tunpack(out, 1, n) end
  if 1 + n + 1 > MAXCSTACK then overflow('in function mp_unpack_full') end
  return p > len and -1 or p - 1, tunpack(out, 1, n)
end

-- luaL_checklstring / luaL_checkinteger / luaL_optinteger of Lua 5.1.
local function checkString(v, n, given, name)
  local t = type(v)
  if t == 'string' then return v end
  if t == 'number' then return fmt('%.14g', v) end
  argerror(n, 'string expected, got ' .. typename(v, n, given))
end
local function checkInteger(v, n, given, name)
  local x = tonumber(v)
  if x == nil or type(v) ~= 'number' and type(v) ~= 'string' then argerror(n, 'number expected, got ' .. typename(v, n, given)) end
  x = x + 0.0
  if x ~= x or x >= 2147483648.0 or x < -2147483648.0 then return -2147483648 end
  return tointeger(x < 0 and -floor(-x) or floor(x))
end
local function optInteger(v, n, given, name, default)
  if v == nil then return default end
  return checkInteger(v, n, given, name)
end

local cmsgpack = {
  _NAME = 'cmsgpack',
  _VERSION = 'lua-cmsgpack 0.4.0',
  _COPYRIGHT = 'Copyright (C) 2012, Salvatore Sanfilippo',
  _DESCRIPTION = 'MessagePack C implementation for Lua',
}
cmsgpack.pack = api(pack)
cmsgpack.unpack = api(function(...)
  return unpackFull(checkString((...), 1, select('#', ...), 'unpack'), 0, 0)
end)
cmsgpack.unpack_one = api(function(...)
  local given = select('#', ...)
  local s, offset = ...
  offset = optInteger(offset, 2, given, 'unpack_one', 0)
  return unpackFull(checkString(s, 1, given, 'unpack_one'), 1, offset)
end)
cmsgpack.unpack_limit = api(function(...)
  local given = select('#', ...)
  local s, limit, offset = ...
  limit = checkInteger(limit, 2, given, 'unpack_limit')
  offset = optInteger(offset, 3, given, 'unpack_limit', 0)
  return unpackFull(checkString(s, 1, given, 'unpack_limit'), limit, offset)
end)
G.cmsgpack = cmsgpack
end
`;
