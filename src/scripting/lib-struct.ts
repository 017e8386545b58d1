/**
 * `struct` as Redis 7.0 ships it (Roberto Ierusalimschy's struct.c 1.4 with Redis' fixes), written
 * in Lua 5.4 over string.pack/unpack for the float and integer bytes.
 *
 * Format letters: `>` big endian, `<` little endian (the default is the build's native order:
 * little endian on x86-64), `![n]` maximum alignment (default 8, must be a power of 2), `x` a zero
 * byte, `b/B` 1-byte, `h/H` 2-byte, `l/L` and `T` 8-byte, `i/I[n]` n-byte (default 4, at most 32)
 * signed/unsigned integers, `f` float, `d` double, `c[n]` n chars (c0: the whole string when
 * packing, the previous number read as the length when unpacking), `s` a zero-terminated string,
 * ` ` ignored. What shows through from the C original and is kept:
 * - numbers are 5.1 doubles: integers are packed from the truncated double (negative through a
 *   signed long, positive through an unsigned long: 2^64 and up and inf pack as 0, NaN as -2^63);
 *   integers wider than 8 bytes carry the value in their low 8 bytes; unpacked integers are
 *   doubles (kept 5.4 integers below 10^14, where 5.1 prints them as integers too);
 * - `struct.size` ignores unknown letters and digits (it only checks non-alphanumeric options);
 * - the "string too short" argument error names the argument after the string (C's arg++);
 * - a missing argument to pack is reported as "got nil" (pack pushes a nil mark after its args);
 * - unpack returns at most 7997 values before the 5.1 stack limit (`stack overflow (too many
 *   results)`).
 * Runs inside LUA_LIBRARIES' chunk (./libraries.ts), with its locals G, api and argerror (the error
 * helpers: argument errors worded and placed as luaL_argerror / luaL_error do).
 */
export const LUA_STRUCT = String.raw`
do
local spack, sunpack, byte, char, sub, find, rep, fmt = string.pack, string.unpack, string.byte, string.char, string.sub, string.find, string.rep, string.format
local type, error, select, pcall, tonumber, tointeger, floor, concat, tunpack = type, error, select, pcall, tonumber, math.tointeger, math.floor, table.concat, table.unpack
local mininteger = math.mininteger
local MAXINTSIZE, MAXALIGN, MAXCSTACK = 32, 8, 8000
local LITTLE, BIG = 1, 0

-- A C string: the format ends at its first zero byte.
local function cstring(f)
  local z = find(f, '\0', 1, true)
  if z then return sub(f, 1, z - 1) end
  return f
end

-- luaL_checkstring / luaL_checknumber / luaL_optinteger of Lua 5.1 (numbers and strings convert).
local function checkString(v, n, name, given)
  local t = type(v)
  if t == 'string' then return v end
  if t == 'number' then return fmt('%.14g', v) end
  argerror(n, 'string expected, got ' .. (n > given and 'no value' or t))
end
local function checkNumber(v, n, name, given)
  local x = (type(v) == 'number' or type(v) == 'string') and tonumber(v) or nil
  if x == nil then argerror(n, 'number expected, got ' .. (n > given and 'no value' or type(v))) end
  return x + 0.0
end

local function isdigit(c) return c ~= nil and c >= 48 and c <= 57 end
-- getnum: the digits after an option, or df; with Redis' overflow check.
local function getnum(f, i, df)
  local c = byte(f, i)
  if not isdigit(c) then return df, i end
  local a = 0
  repeat
    if a > 214748364 or a * 10 > 2147483647 - (c - 48) then error('integral size overflow', 0) end
    a = a * 10 + c - 48
    i = i + 1
    c = byte(f, i)
  until not isdigit(c)
  return a, i
end

-- optsize: the byte size of option opt (0 for those that take no room); i is after opt.
local function optsize(opt, f, i)
  if opt == 'b' or opt == 'B' or opt == 'x' then return 1, i end
  if opt == 'h' or opt == 'H' then return 2, i end
  if opt == 'l' or opt == 'L' or opt == 'T' or opt == 'd' then return 8, i end
  if opt == 'f' then return 4, i end
  if opt == 'c' then return getnum(f, i, 1) end
  if opt == 'i' or opt == 'I' then
    local sz
    sz, i = getnum(f, i, 4)
    if sz > MAXINTSIZE then error(fmt('integral size %d is larger than limit of %d', sz, MAXINTSIZE), 0) end
    return sz, i
  end
  return 0, i
end

-- gettoalign, with C's arithmetic (sizes that are not powers of 2 give its odd paddings too).
local function gettoalign(len, h, opt, size)
  if size == 0 or opt == 'c' then return 0 end
  if size > h.align then size = h.align end
  return (size - (len & (size - 1))) & (size - 1)
end

local function controloptions(opt, f, i, h, name)
  if opt == ' ' then return i end
  if opt == '>' then h.endian = BIG return i end
  if opt == '<' then h.endian = LITTLE return i end
  if opt == '!' then
    local a
    a, i = getnum(f, i, MAXALIGN)
    if not (a > 0 and a & (a - 1) == 0) then error(fmt('alignment %d is not a power of 2', a), 0) end
    h.align = a
    return i
  end
  argerror(1, fmt("invalid format option '%s'", opt))
end

local function isInteger(opt)
  return opt == 'b' or opt == 'B' or opt == 'h' or opt == 'H' or opt == 'l' or opt == 'L' or opt == 'T' or opt == 'i' or opt == 'I'
end

-- C's conversion of a double to the unsigned long putinteger writes (x86-64 behaviour for values
-- out of range), as a 64-bit pattern.
local function toUint(n)
  if n ~= n then return mininteger end
  if n < 0 then
    local t = -floor(-n)
    if t < -9223372036854775808.0 then return mininteger end
    return tointeger(t)
  end
  if not (n < 18446744073709551616.0) then return 0 end
  local t = floor(n)
  if t >= 9223372036854775808.0 then return tointeger(t - 9223372036854775808.0) | mininteger end
  return tointeger(t)
end

local function putinteger(n, endian, size)
  local le = spack('<i8', toUint(n))
  if size > 8 then le = le .. rep('\0', size - 8) else le = sub(le, 1, size) end
  if endian == LITTLE then return le end
  return le:reverse()
end

local function pack(...)
  local given = select('#', ...)
  local f = cstring(checkString((...), 1, 'pack', given))
  -- Arguments past the last one read as nil: C pushes a nil mark right after them.
  if given < 1 then given = 1 end
  local h = { endian = LITTLE, align = 1 }
  local arg, total, out, i = 2, 0, {}, 1
  while i <= #f do
    local opt = sub(f, i, i)
    local size
    size, i = optsize(opt, f, i + 1)
    local toalign = gettoalign(total, h, opt, size)
    total = total + toalign
    if toalign > 0 then out[#out + 1] = rep('\0', toalign) end
    if isInteger(opt) then
      out[#out + 1] = putinteger(checkNumber((select(arg, ...)), arg, 'pack', given + 1), h.endian, size)
      arg = arg + 1
    elseif opt == 'x' then
      out[#out + 1] = '\0'
    elseif opt == 'f' or opt == 'd' then
      local n = checkNumber((select(arg, ...)), arg, 'pack', given + 1)
      arg = arg + 1
      out[#out + 1] = spack((h.endian == LITTLE and '<' or '>') .. opt, n)
    elseif opt == 'c' or opt == 's' then
      local s = checkString((select(arg, ...)), arg, 'pack', given + 1)
      arg = arg + 1
      if size == 0 then size = #s end
      if #s < size then argerror(arg, 'string too short') end
      out[#out + 1] = sub(s, 1, size)
      if opt == 's' then
        out[#out + 1] = '\0'
        size = size + 1
      end
    else
      i = controloptions(opt, f, i, h, 'pack')
    end
    total = total + size
  end
  return concat(out)
end

-- A 5.1 number from a 64-bit pattern: signed, or unsigned (values past 2^63 as doubles).
-- Kept a 5.4 integer while 5.1 would print the double as one (%.14g: under 10^14).
local function number(l, signed)
  if not signed and l < 0 then return l + 18446744073709551616.0 end
  if l >= 100000000000000 or l <= -100000000000000 then return l + 0.0 end
  return l
end

local function getinteger(data, p, endian, signed, size)
  local l = 0
  if endian == BIG then
    for k = 0, size - 1 do l = l << 8 | byte(data, p + k) end
  else
    for k = size - 1, 0, -1 do l = l << 8 | byte(data, p + k) end
  end
  if signed then
    local mask = -1 << ((size * 8 - 1) & 63)
    if l & mask ~= 0 then l = l | mask end
  end
  return number(l, signed)
end

local function unpack(...)
  local given = select('#', ...)
  local f, data, init = ...
  f = cstring(checkString(f, 1, 'unpack', given))
  data = checkString(data, 2, 'unpack', given)
  local ld = #data
  local pos = 0
  if init ~= nil then
    local x = checkNumber(init, 3, 'unpack', given)
    pos = (x < 0 and -floor(-x) or floor(x)) - 1
    if pos < 0 then argerror(3, 'offset must be 1 or greater') end
  end
  local function fits(size) return pos + size <= ld end
  local h = { endian = LITTLE, align = 1 }
  local out, n, i = {}, 0, 1
  while i <= #f do
    local opt = sub(f, i, i)
    local size
    size, i = optsize(opt, f, i + 1)
    pos = pos + gettoalign(pos, h, opt, size)
    if not fits(size) then argerror(2, 'data string too short') end
    if 2 + n + 2 > MAXCSTACK then error('stack overflow (too many results)', 0) end
    if isInteger(opt) then
      n = n + 1
      out[n] = getinteger(data, pos + 1, h.endian, opt == opt:lower(), size)
    elseif opt == 'x' then
      -- padding
    elseif opt == 'f' or opt == 'd' then
      n = n + 1
      out[n] = sunpack((h.endian == LITTLE and '<' or '>') .. opt, data, pos + 1)
    elseif opt == 'c' then
      if size == 0 then
        local prev = n > 0 and tonumber(out[n]) or nil
        if prev == nil or (type(out[n]) ~= 'number' and type(out[n]) ~= 'string') then error("format 'c0' needs a previous size", 0) end
        size = prev < 0 and -1 or floor(prev)
        out[n] = nil
        n = n - 1
        if size < 0 or not fits(size) then argerror(2, 'data string too short') end
      end
      n = n + 1
      out[n] = sub(data, pos + 1, pos + size)
    elseif opt == 's' then
      local e = find(data, '\0', pos + 1, true)
      if e == nil then error('unfinished string in data', 0) end
      size = e - pos
      n = n + 1
      out[n] = sub(data, pos + 1, e - 1)
    else
      i = controloptions(opt, f, i, h, 'unpack')
    end
    pos = pos + size
  end
  n = n + 1
  out[n] = pos + 1
  return tunpack(out, 1, n)
end

local function size(...)
  local f = cstring(checkString((...), 1, 'size', select('#', ...)))
  local h = { endian = LITTLE, align = 1 }
  local pos, i = 0, 1
  while i <= #f do
    local opt = sub(f, i, i)
    local sz
    sz, i = optsize(opt, f, i + 1)
    pos = pos + gettoalign(pos, h, opt, sz)
    if opt == 's' then argerror(1, "option 's' has no fixed size")
    elseif opt == 'c' and sz == 0 then argerror(1, "option 'c0' has no fixed size") end
    if not find(opt, '%w') then i = controloptions(opt, f, i, h, 'size') end
    pos = pos + sz
  end
  return pos
end

G.struct = { pack = api(pack), unpack = api(unpack), size = api(size) }
end
`;
