/**
 * Lua scripts: EVAL, EVALSHA, EVAL_RO and SCRIPT LOAD/EXISTS over the shared keys, whatever type
 * the other families left there (a script's redis.call then raises WRONGTYPE with the script's
 * sha and line, or its redis.pcall returns the error table). Each script is one of a set of bodies
 * over strings, hashes, sets, sorted sets and lists, with keys in KEYS and values in ARGV drawn
 * from the pools the other families use, so replies, errors and conversions (integers, bulk and
 * nil, status tables, nested arrays) are compared byte for byte.
 *
 * Left out because Lua 5.4 (what runs here) and Redis' Lua 5.1 differ there, as docs/scripting.md
 * lists: integer overflow (5.4 wraps, 5.1 has only doubles), the order of pairs() over a table
 * with several string keys, and floats printed by `..`. Replies whose order Redis leaves to a
 * hash (SMEMBERS, HGETALL) are sorted by the script before returning. cmsgpack and struct bodies
 * pack ARGV values and unpack raw bytes (maps with one key only: a map's key order is the VM's).
 */
import type { Arg, CommandSpec, Family, Gen } from '../gen.js';
import { createHash } from 'node:crypto';

interface Body {
  readonly lua: string;
  /** KEYS the body uses, and its ARGV. */
  readonly keys: number;
  readonly args: (g: Gen) => Arg[];
}

const smallInt = (g: Gen): string => String(g.between(-20, 20));
const member = (g: Gen): string => g.pick(['a', 'b', 'c', '1', '2', '', 'm\x00n']);

/**
 * Values scripts pack: small and boundary integers (each msgpack integer width), floats that do
 * and do not fit a float 32, strings around the fixstr/str 8 limits. Not ones that differ between
 * 5.4 and 5.1 (integers past 2^53 in the source text).
 */
const packable = (g: Gen): Arg => g.pick<Arg>([
  '0', '1', '-1', '127', '128', '-32', '-33', '255', '256', '-128', '-129', '65535', '65536', '-32768', '-32769',
  '4294967295', '4294967296', '-2147483649', '0.5', '-2.25', '0.1', '1e300', '3.4e38', '1e400', '-1e400', '1e14', '123456789012345',
  '', 'a', 'x'.repeat(31), 'y'.repeat(32), 'z'.repeat(256), 'm\x00n',
]);

/** Inputs for cmsgpack.unpack: valid encodings, several values in a row, truncations, bad formats. */
const MSGPACK_FRAGMENTS: readonly number[][] = [
  [0x01], [0xff], [0xc0], [0xc2], [0xc3], [0xcc, 0xc8], [0xcd, 0x01, 0x02], [0xce, 0xff, 0xff, 0xff, 0xff],
  [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff], [0xd0, 0x80], [0xd1, 0x80, 0x00], [0xd2, 0x80, 0, 0, 0],
  [0xd3, 0, 0, 0, 1, 0, 0, 0, 0], [0xca, 0x3f, 0xc0, 0, 0], [0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a],
  [0xa3, 0x61, 0x62, 0x63], [0xd9, 0x02, 0x68, 0x69], [0xda, 0x00, 0x01, 0x7a], [0xdb, 0, 0, 0, 1, 0x77],
  [0x93, 0x01, 0xa1, 0x61, 0xc3], [0x92, 0x91, 0x01, 0x90], [0xdc, 0x00, 0x02, 0x05, 0x06], [0x81, 0xa1, 0x6b, 0x05],
  [0x81, 0x01, 0xa1, 0x76], [0x80], [0xde, 0x00, 0x01, 0x02, 0x03],
  // truncated and malformed
  [0xcd, 0x01], [0xa5, 0x61], [0x92, 0x01], [0xc1], [0xc4, 0x01, 0x61], [0xd4, 0x01, 0x01], [0x81, 0xc0, 0x01], [0xdb, 0, 0, 1],
];
function msgpackBytes(g: Gen): Buffer {
  const parts = Array.from({ length: 1 + g.int(3) }, () => Buffer.from(g.pick(MSGPACK_FRAGMENTS)));
  return Buffer.concat(parts);
}

const STRUCT_FORMATS: readonly string[] = [
  '>i4', '<i4', 'i2', 'I2', '>h', '<H', 'b', 'B', 'l', 'L', 'T', '>i3', 'I5', 'i8', '<i16', 'f', 'd', '>f', '<d',
  'c3', 'c0', 's', 'bc0', 'x', '!4bi', '!bd', '!2bh', 'bxh', '>I2i2', ' i ', 'y', '?', '!3b', 'i40', '',
];

const BODIES: readonly Body[] = [
  // strings
  { lua: "redis.call('set', KEYS[1], ARGV[1]) return redis.call('get', KEYS[1])", keys: 1, args: (g) => [g.value()] },
  { lua: "return redis.call('get', KEYS[1])", keys: 1, args: () => [] },
  { lua: "return redis.call('incrby', KEYS[1], ARGV[1])", keys: 1, args: (g) => [g.integer()] },
  { lua: "local v = redis.call('get', KEYS[1]) if v then return redis.call('append', KEYS[2], v) end return false", keys: 2, args: () => [] },
  { lua: "return {redis.call('strlen', KEYS[1]), redis.call('exists', KEYS[1]), redis.call('type', KEYS[1]).ok}", keys: 1, args: () => [] },
  { lua: "local r = redis.pcall('incr', KEYS[1]) if type(r) == 'table' and r.err then return 'err:' .. r.err end return r", keys: 1, args: () => [] },
  { lua: "local n = 0 for i = 1, #KEYS do n = n + redis.call('exists', KEYS[i]) end return n", keys: 3, args: () => [] },
  { lua: "return redis.call('del', KEYS[1]) + redis.call('exists', KEYS[1])", keys: 1, args: () => [] },
  { lua: 'local n = tonumber(ARGV[1]) if n then return n * 2 end return {ok = ARGV[1]}', keys: 0, args: (g) => [g.pick(['5', '-3', '2.5', '1e3', '0x10', ' 7', 'x', '', '1e400', '-0'])] },
  // hashes
  { lua: "redis.call('hset', KEYS[1], ARGV[1], ARGV[2]) return {redis.call('hget', KEYS[1], ARGV[1]), redis.call('hlen', KEYS[1])}", keys: 1, args: (g) => [g.pick(['f1', 'f2', 'f3']), g.value()] },
  { lua: "local t = redis.call('hgetall', KEYS[1]) local out = {} for i = 1, #t, 2 do out[#out + 1] = t[i] .. '=' .. t[i + 1] end table.sort(out) return out", keys: 1, args: () => [] },
  { lua: "return redis.call('hincrby', KEYS[1], ARGV[1], ARGV[2])", keys: 1, args: (g) => [g.pick(['f1', 'f2']), g.integer()] },
  { lua: "return {redis.call('hexists', KEYS[1], 'f1'), redis.call('hdel', KEYS[1], 'f2')}", keys: 1, args: () => [] },
  // sets
  { lua: "redis.call('sadd', KEYS[1], unpack(ARGV)) local m = redis.call('smembers', KEYS[1]) table.sort(m) return m", keys: 1, args: (g) => Array.from({ length: g.int(4) }, () => member(g)) },
  { lua: "return {redis.call('sismember', KEYS[1], ARGV[1]), redis.call('scard', KEYS[1])}", keys: 1, args: (g) => [member(g)] },
  { lua: "return redis.call('srem', KEYS[1], ARGV[1])", keys: 1, args: (g) => [member(g)] },
  // sorted sets
  { lua: "redis.call('zadd', KEYS[1], ARGV[1], ARGV[2]) return redis.call('zrange', KEYS[1], 0, -1, 'WITHSCORES')", keys: 1, args: (g) => [g.pick(['1', '2.5', '-1', 'inf', 'x', '0']), member(g)] },
  { lua: "return redis.call('zincrby', KEYS[1], ARGV[1], ARGV[2])", keys: 1, args: (g) => [smallInt(g), member(g)] },
  { lua: "return {redis.call('zscore', KEYS[1], ARGV[1]), redis.call('zcard', KEYS[1])}", keys: 1, args: (g) => [member(g)] },
  { lua: "redis.setresp(3) return redis.call('zscore', KEYS[1], ARGV[1])", keys: 1, args: (g) => [member(g)] },
  // lists
  { lua: "redis.call('rpush', KEYS[1], unpack(ARGV)) return redis.call('lrange', KEYS[1], 0, -1)", keys: 1, args: (g) => Array.from({ length: g.int(4) }, () => g.value()) },
  { lua: "return {redis.call('lpop', KEYS[1]), redis.call('llen', KEYS[1])}", keys: 1, args: () => [] },
  { lua: "return redis.call('lmove', KEYS[1], KEYS[2], 'LEFT', 'RIGHT')", keys: 2, args: () => [] },
  // conversions and library
  { lua: "return {1, 'two', {3, false, 4}, nil, 5}", keys: 0, args: () => [] },
  { lua: "return redis.status_reply(ARGV[1])", keys: 0, args: (g) => [g.pick(['OK', 'fine', ''])] },
  { lua: 'return redis.error_reply(ARGV[1])', keys: 0, args: (g) => [g.pick(['oops', '-CODE text', 'two words'])] },
  { lua: 'return cjson.encode(cjson.decode(ARGV[1]))', keys: 0, args: (g) => [g.pick(['[1,2,"a"]', '[]', '{"a":[true,null]}', '"x\\/y"', '[1,', '3.25'])] },
  { lua: 'return {bit.band(ARGV[1], 255), bit.bxor(ARGV[1], 1)}', keys: 0, args: (g) => [smallInt(g)] },
  { lua: 'return #KEYS + #ARGV', keys: 2, args: (g) => Array.from({ length: g.int(3) }, () => g.value()) },
  // cmsgpack: packing values from ARGV (numbers where they parse), round trips through a key,
  // and unpacking raw bytes (valid fragments, truncated ones, bad formats) at offsets.
  { lua: 'local a = {} for i = 1, #ARGV do a[i] = tonumber(ARGV[i]) or ARGV[i] end return cmsgpack.pack(unpack(a))', keys: 0, args: (g) => Array.from({ length: 1 + g.int(4) }, () => packable(g)) },
  { lua: 'local a = {} for i = 1, #ARGV do a[i] = tonumber(ARGV[i]) or ARGV[i] end return cmsgpack.pack(a, {a})', keys: 0, args: (g) => Array.from({ length: g.int(5) }, () => packable(g)) },
  { lua: "redis.call('set', KEYS[1], cmsgpack.pack({ARGV[1], tonumber(ARGV[2]) or ARGV[2], ARGV[1] == ARGV[2]})) local t = cmsgpack.unpack(redis.call('get', KEYS[1])) return {t[1], t[2], t[3]}", keys: 1, args: (g) => [packable(g), packable(g)] },
  { lua: "redis.call('hset', KEYS[1], 'mp', cmsgpack.pack({k = tonumber(ARGV[1]) or ARGV[1]})) return cmsgpack.unpack(redis.call('hget', KEYS[1], 'mp')).k", keys: 1, args: (g) => [packable(g)] },
  { lua: 'return {cmsgpack.unpack(ARGV[1])}', keys: 0, args: (g) => [msgpackBytes(g)] },
  { lua: 'return {cmsgpack.unpack_one(ARGV[1], tonumber(ARGV[2]))}', keys: 0, args: (g) => [msgpackBytes(g), g.pick(['0', '1', '2', '3', '-1', '40'])] },
  { lua: 'return {cmsgpack.unpack_limit(ARGV[1], ARGV[2], ARGV[3])}', keys: 0, args: (g) => [msgpackBytes(g), g.pick(['0', '1', '2', '5', '-1', 'x']), g.pick(['0', '1', '3'])] },
  // struct: formats with every letter, endianness and alignment, packed from numbers/strings,
  // unpacked from raw bytes, sized.
  { lua: 'return struct.pack(ARGV[1], tonumber(ARGV[2]) or ARGV[2], tonumber(ARGV[3]) or ARGV[3])', keys: 0, args: (g) => [g.pick(STRUCT_FORMATS), packable(g), packable(g)] },
  { lua: 'return {struct.unpack(ARGV[1], ARGV[2], tonumber(ARGV[3]))}', keys: 0, args: (g) => [g.pick(STRUCT_FORMATS), g.bytes(g.int(12)), g.pick(['1', '2', '5', '0'])] },
  { lua: 'return struct.size(ARGV[1])', keys: 0, args: (g) => [g.pick(STRUCT_FORMATS)] },
  { lua: "redis.call('set', KEYS[1], struct.pack('>I4c0', tonumber(ARGV[1]) or 0, ARGV[2])) return {struct.unpack('>I4', redis.call('get', KEYS[1]))}", keys: 1, args: (g) => [g.integer(), g.value()] },
];

const sha1 = (s: string): string => createHash('sha1').update(s).digest('hex');

/** EVAL body numkeys keys... args...; numkeys sometimes wrong. */
function evalArgs(g: Gen, script: (body: Body) => Arg): Arg[] {
  const body = g.pick(BODIES);
  const keys = Array.from({ length: body.keys }, () => g.key());
  const args = body.args(g);
  let numkeys: string = String(keys.length);
  if (g.chance(0.03)) numkeys = g.pick(['-1', 'x', '99', '1.5']);
  return [script(body), numkeys, ...keys, ...args];
}

const commands: CommandSpec[] = [
  { name: 'EVAL', weight: 10, args: (g) => evalArgs(g, (b) => b.lua), truncateBelow: 2 },
  // By sha: of a body some EVAL or SCRIPT LOAD cached (both servers cache the same ones), or not.
  { name: 'EVALSHA', weight: 3, args: (g) => evalArgs(g, (b) => (g.chance(0.9) ? sha1(b.lua) : sha1('unknown'))), truncateBelow: 2 },
  { name: 'EVAL_RO', weight: 2, args: (g) => evalArgs(g, (b) => b.lua), truncateBelow: 2 },
  {
    name: 'SCRIPT',
    weight: 1,
    args: (g) => {
      const body = g.pick(BODIES);
      return g.pick<Arg[]>([['LOAD', body.lua], ['EXISTS', sha1(body.lua), sha1('unknown')], ['FLUSH'], ['LOAD', 'return (']]);
    },
    truncateBelow: 1,
  },
];

export const scripting: Family = { name: 'scripting', commands };
