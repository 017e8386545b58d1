/**
 * The `cmsgpack` and `struct` libraries scripts see (and the argument errors and rounding of `bit`
 * and `cjson`), compared byte for byte with a real
 * redis-server 7.0.15: every script below runs with EVAL on both and the raw replies must be
 * equal (packed bytes returned as bulk strings, round trips, the integer/float/string/array/map
 * encodings and their size boundaries, table_is_an_array's choices, the nesting limit,
 * unpack_one / unpack_limit offsets, struct's formats, endianness, alignment and sizes, and the
 * error texts, including the Lua 5.1 stack limits that show through). Maps with more than one
 * key are left out: their order is the VM's hash order (docs/scripting.md).
 * Then what Redis cannot be compared on: replies nested deeper than StrataKV's reply depth give
 * Redis' "reached lua stack limit" error in place, and the VM keeps serving scripts after it.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { RawClient, redisTest, startRedis, startServer, type TestServer } from './helpers.js';

let srv: TestServer;
let redis: TestServer | null = null;

test.before(async () => {
  srv = await startServer();
  redis = await startRedis();
});

test.after(async () => {
  await srv?.stop();
  await redis?.stop();
});

const CASES: readonly string[] = [
  String.raw`return cmsgpack.pack(0, 1, 127, 128, 255, 256, 65535, 65536, 4294967295, 4294967296, 9007199254740993, 2^62)`,
  String.raw`return cmsgpack.pack(-1, -32, -33, -128, -129, -32768, -32769, -2147483648, -2147483649, -2^63, -2^64)`,
  String.raw`return cmsgpack.pack(0.5, 1.5, -2.25, 0.1, 1/3, 3.0, -0.0, 1e300, -1e-300, 2^63, 2^64, 1e38, 3.4e38, 3.5e38)`,
  String.raw`return cmsgpack.pack(math.huge, -math.huge)`,
  String.raw`return cmsgpack.pack(0/0)`,
  String.raw`return cmsgpack.pack('', 'a', string.rep('x', 31), string.rep('y', 32), string.rep('z', 255), string.rep('w', 256), string.rep('v', 65535), string.rep('u', 65536))`,
  String.raw`return cmsgpack.pack(true, false, nil, print == nil, cmsgpack.pack, {})`,
  String.raw`return cmsgpack.pack({1, 2, 3}, {'a', {'b', {'c'}}}, {[1]=1, [3]=3}, {[2]=2}, {[0]=0}, {[1.5]=1}, {x=1}, {[-1]='neg'})`,
  String.raw`local t = {} for i = 1, 16 do t[i] = i end local u = {} for i = 1, 65536 do u[i] = true end return cmsgpack.pack(t, u)`,
  String.raw`local t = {} for i = 1, 15 do t['k'..i] = i end local n = 0 local s = cmsgpack.pack(t) return {string.byte(s, 1), #s}`,
  String.raw`local t = {} for i = 1, 16 do t['k'..i] = i end local s = cmsgpack.pack(t) return {string.byte(s, 1, 3), #s}`,
  String.raw`local t = {} for i = 1, 65536 do t['k'..i] = 1 end local s = cmsgpack.pack(t) return {string.byte(s, 1, 5), #s}`,
  String.raw`local t = {} local c = t for i = 1, 20 do c[1] = {} c = c[1] end return cmsgpack.pack(t)`,
  String.raw`local t = {} t[1] = t return cmsgpack.pack(t)`,
  String.raw`local t = {1, nil, 3} return cmsgpack.pack(t)`,
  String.raw`return cmsgpack.pack({[2147483647]=1}), cmsgpack.pack({[2147483648]=1})`,
  String.raw`return cmsgpack.pack({[2147483648]=1})`,
  String.raw`return cmsgpack.pack(cjson.null)`,
  String.raw`return cmsgpack.pack()`,
  String.raw`local t = {} for i=1,4000 do t[i]=1 end return #cmsgpack.pack(unpack(t))`,
  String.raw`local t = {} for i=1,4001 do t[i]=1 end return #cmsgpack.pack(unpack(t))`,
  String.raw`return {cmsgpack.unpack(cmsgpack.pack(1, -1, 'a', {1, 2, {3}}, {x='y'}, true, 0.5, 1e300, 2^63, -2^63, 2^64 - 1))}`,
  String.raw`local a, b, c = cmsgpack.unpack(cmsgpack.pack(2^53, 2^53 + 2, 18446744073709551615)) return {tostring(a), tostring(b), tostring(c), string.format('%.17g', c)}`,
  String.raw`local x = cmsgpack.unpack(string.char(0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff)) return {tostring(x), x == 2^64}`,
  String.raw`local x = cmsgpack.unpack(string.char(0xd3, 0x80, 0, 0, 0, 0, 0, 0, 0)) return {tostring(x), x == -2^63}`,
  String.raw`local x = cmsgpack.unpack(string.char(0xca, 0x3f, 0xc0, 0, 0)) return tostring(x)`,
  String.raw`local x = cmsgpack.unpack(string.char(0xcb, 0x3f, 0xb9, 0x99, 0x99, 0x99, 0x99, 0x99, 0x9a)) return tostring(x)`,
  String.raw`return {cmsgpack.unpack(string.char(0xd9, 3, 97, 98, 99, 0xda, 0, 1, 100, 0xdb, 0, 0, 0, 2, 101, 102))}`,
  String.raw`return {cmsgpack.unpack(string.char(0xdc, 0, 2, 1, 2, 0xdd, 0, 0, 0, 1, 7))}`,
  String.raw`local t = cmsgpack.unpack(string.char(0xde, 0, 1, 0xa1, 97, 5)) return t.a`,
  String.raw`local t = cmsgpack.unpack(string.char(0xdf, 0, 0, 0, 1, 0xa1, 97, 6)) return t.a`,
  String.raw`return cmsgpack.unpack(string.char(0xc1))`,
  String.raw`return cmsgpack.unpack(string.char(0xc4, 1, 97))`,
  String.raw`return cmsgpack.unpack(string.char(0xd4, 1, 1))`,
  String.raw`return cmsgpack.unpack(string.char(0x92, 1))`,
  String.raw`return cmsgpack.unpack(string.char(0xa5, 97))`,
  String.raw`return cmsgpack.unpack(string.char(0xcd, 1))`,
  String.raw`return cmsgpack.unpack(string.char(0x81, 0xc0, 1))`,
  String.raw`return cmsgpack.unpack(string.char(0x81, 0xcb, 0xff, 0xf8, 0, 0, 0, 0, 0, 0, 1))`,
  String.raw`return {cmsgpack.unpack('')}`,
  String.raw`return cmsgpack.unpack()`,
  String.raw`return cmsgpack.unpack({})`,
  String.raw`return cmsgpack.unpack(12)`,
  String.raw`return {cmsgpack.unpack(cmsgpack.pack(1, 2, 3))}`,
  String.raw`return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3))}`,
  String.raw`return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 1)}`,
  String.raw`return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 2)}`,
  String.raw`return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 3)}`,
  String.raw`return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 4)}`,
  String.raw`return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), -1)}`,
  String.raw`return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), '1')}`,
  String.raw`return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 'x')}`,
  String.raw`return {cmsgpack.unpack_one(cmsgpack.pack(1, 2, 3), 1.7)}`,
  String.raw`return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2)}`,
  String.raw`return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 2, 1)}`,
  String.raw`return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 5, 0)}`,
  String.raw`return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0, 0)}`,
  String.raw`return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 0, 1)}`,
  String.raw`return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), -1)}`,
  String.raw`return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3))}`,
  String.raw`return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), nil, 1)}`,
  String.raw`return {cmsgpack.unpack_one()}`,
  String.raw`return {pcall(cmsgpack.unpack, string.char(0xc1))}`,
  String.raw`local t = {} for i=1,7999 do t[i]=1 end return select('#', cmsgpack.unpack(string.rep(string.char(1), 7999)))`,
  String.raw`return select('#', cmsgpack.unpack(string.rep(string.char(1), 8000)))`,
  String.raw`local ok, t = pcall(cmsgpack.unpack, string.rep(string.char(0x91), 3999)..string.char(1)) return {tostring(ok), type(t)}`,
  String.raw`return {pcall(cmsgpack.unpack, string.rep(string.char(0x91), 4000)..string.char(1))}`,
  String.raw`local ok, t = pcall(cmsgpack.unpack, string.rep(string.char(0x81, 1), 3999)..string.char(1)) return {tostring(ok), type(t)}`,
  String.raw`return {pcall(cmsgpack.unpack, string.rep(string.char(0x81, 1), 4000)..string.char(1))}`,
  String.raw`return {pcall(cmsgpack.unpack_limit, string.rep(string.char(1), 7999), 7999)}`,
  String.raw`return select('#', cmsgpack.unpack_limit(string.rep(string.char(1), 7998), 7998))`,
  String.raw`return cmsgpack.unpack(string.rep(string.char(0x91), 4000)..string.char(1))`,
  String.raw`return cmsgpack._VERSION .. cmsgpack._NAME .. cmsgpack._COPYRIGHT .. cmsgpack._DESCRIPTION`,
  String.raw`cmsgpack.x = 1`,
  String.raw`cmsgpack.pack = 1`,
  String.raw`local s = cmsgpack.pack({a = {b = {1, 2.5, 'c', false}}}) local t = cmsgpack.unpack(s) return cmsgpack.pack(t) == s`,
  String.raw`return cmsgpack.pack('x') .. cmsgpack.pack(12)`,
  String.raw`return cmsgpack.unpack(cmsgpack.pack(0.1)) == 0.1`,
  String.raw`return tostring(cmsgpack.unpack(cmsgpack.pack(0.5))) .. '|' .. tostring(cmsgpack.unpack(cmsgpack.pack(3.0)))`,
  String.raw`return struct.pack('bBhHlLTiI', -1, 255, -2, 65535, -3, 2^40, 7, -4, 4294967295)`,
  String.raw`return struct.pack('>bBhHlLTiI', -1, 255, -2, 65535, -3, 2^40, 7, -4, 4294967295)`,
  String.raw`return struct.pack('<i1i2i3i4i5i6i7i8', 1, -2, 3, -4, 5, -6, 7, -8)`,
  String.raw`return struct.pack('>i1i2i3i4i5i6i7i8', 1, -2, 3, -4, 5, -6, 7, -8)`,
  String.raw`return struct.pack('>i16<I12', -1, 5)`,
  String.raw`return struct.pack('i33', 1)`,
  String.raw`return struct.pack('i99999999999', 1)`,
  String.raw`return struct.pack('I8I8L', 2^63, 2^64, 2^64 + 4096)`,
  String.raw`return struct.pack('l l', 0/0, -(0/0))`,
  String.raw`return struct.pack('ll', math.huge, -math.huge)`,
  String.raw`return struct.pack('ii', 3.9, -3.9)`,
  String.raw`return struct.pack('<fd>fd', 1.5, 0.1, -2.5, 1/3)`,
  String.raw`return struct.pack('f', 1e300)`,
  String.raw`return struct.pack('!bi!2bi!4bd!bd', 1, 2, 3, 4, 5, 6, 7, 8)`,
  String.raw`return struct.pack('!8bxhxi3bl', 1, 2, 3, 4, 5)`,
  String.raw`return struct.pack('!3b', 1)`,
  String.raw`return struct.pack('!', 1)`,
  String.raw`return struct.pack('c3c0s', 'abcdef', 'xyz', 'hello')`,
  String.raw`return struct.pack('c5', 'ab')`,
  String.raw`return struct.pack('ic5', 1, 'ab')`,
  String.raw`return struct.pack('s', 12.5)`,
  String.raw`return struct.pack('i', '42')`,
  String.raw`return struct.pack('i', 'x')`,
  String.raw`return struct.pack('i')`,
  String.raw`return struct.pack('ii', 1)`,
  String.raw`return struct.pack('i', {})`,
  String.raw`return struct.pack('c', nil)`,
  String.raw`return struct.pack('y', 1)`,
  String.raw`return struct.pack('?', 1)`,
  String.raw`return struct.pack()`,
  String.raw`return struct.pack(123, 1)`,
  String.raw`return struct.pack('i\0i', 1, 2)`,
  String.raw`return struct.pack(' < > ! x')`,
  String.raw`return {struct.unpack('bBhHlLTiI', struct.pack('bBhHlLTiI', -1, 255, -2, 65535, -3, 2^40, 7, -4, 4294967295))}`,
  String.raw`return {struct.unpack('>bBhHiI', struct.pack('>bBhHiI', -1, 255, -2, 65535, -4, 4294967295))}`,
  String.raw`local a, b, c, d = struct.unpack('<I8i8l', string.rep('\255', 24)) return {tostring(a), tostring(b), tostring(c), d}`,
  String.raw`local a, b = struct.unpack('>i3I3', '\255\255\254\255\255\254') return {a, b}`,
  String.raw`local a, b = struct.unpack('<i16', string.rep('\255', 16)) return {tostring(a), b}`,
  String.raw`local a, b = struct.unpack('>I12', string.rep('\1', 12)) return {tostring(a), b}`,
  String.raw`local a, b = struct.unpack('<I12', string.rep('\1', 12)) return {tostring(a), b}`,
  String.raw`local a, b, c = struct.unpack('<fd', struct.pack('<fd', 1.5, 0.1)) return {tostring(a), tostring(b), c}`,
  String.raw`local a, b = struct.unpack('>f', struct.pack('>f', 0.1)) return {tostring(a), b}`,
  String.raw`return {struct.unpack('!4bi', struct.pack('!4bi', 1, 2))}`,
  String.raw`return {struct.unpack('c3c2', 'abcdefg')}`,
  String.raw`return {struct.unpack('bc0', '\3abcd')}`,
  String.raw`return {struct.unpack('c0', 'abc')}`,
  String.raw`return {struct.unpack('bc0', '\9abc')}`,
  String.raw`return {struct.unpack('ss', 'ab\0cd\0ef')}`,
  String.raw`return {struct.unpack('s', 'abc')}`,
  String.raw`return {struct.unpack('i', 'abc')}`,
  String.raw`return {struct.unpack('i', 'abcdefgh', 5)}`,
  String.raw`return {struct.unpack('i', 'abcdefgh', 6)}`,
  String.raw`return {struct.unpack('i', 'abcdefgh', '2')}`,
  String.raw`return {struct.unpack('i', 'abcdefgh', 'x')}`,
  String.raw`return {struct.unpack('i', 'abcdefgh', 0)}`,
  String.raw`return {struct.unpack('', 'abc', 0)}`,
  String.raw`return {struct.unpack('', 'abc')}`,
  String.raw`return {struct.unpack('b x b', 'abc')}`,
  String.raw`return {struct.unpack('y', 'abc')}`,
  String.raw`return {struct.unpack('i')}`,
  String.raw`return {struct.unpack()}`,
  String.raw`return {struct.unpack('b', 12)}`,
  String.raw`return {struct.unpack('i5', '\1\2\3\4\5')}`,
  String.raw`return {pcall(struct.unpack, string.rep('b', 7998), string.rep('a', 7998))}`,
  String.raw`return select('#', struct.unpack(string.rep('b', 7997), string.rep('a', 7997)))`,
  String.raw`return struct.unpack(string.rep('b', 7998), string.rep('a', 7998))`,
  String.raw`return {struct.size('bBhHlLTiIfdx'), struct.size('!bd'), struct.size('!4bd'), struct.size('i7'), struct.size('c10'), struct.size('y'), struct.size('<>'), struct.size('b5')}`,
  String.raw`return struct.size('s')`,
  String.raw`return struct.size('c0')`,
  String.raw`return struct.size('?')`,
  String.raw`return struct.size('!3')`,
  String.raw`return struct.size()`,
  String.raw`return struct.size('i40')`,
  String.raw`struct.x = 1`,
  String.raw`return {struct.pack('>I2', 258) == '\1\2', #struct.pack('d', 1)}`,
  String.raw`return {cmsgpack.unpack(string.char(0xce, 0xff, 0xff, 0xff, 0xff))}`,
  String.raw`return tostring(cmsgpack.unpack(string.char(0xcf, 0x80, 0, 0, 0, 0, 0, 0, 1)))`,
  String.raw`return cmsgpack.unpack(cmsgpack.pack(-12345678901234)) .. 'x' .. cmsgpack.unpack(cmsgpack.pack(123456789012345)) .. tostring(cmsgpack.unpack(cmsgpack.pack(2^53)))`,
  String.raw`return cmsgpack.unpack(string.char(0xd0, 0x80)) .. cmsgpack.unpack(string.char(0xd1, 0x80, 0)) .. cmsgpack.unpack(string.char(0xd2, 0x80, 0, 0, 0)) .. cmsgpack.unpack(string.char(0xcd, 0xff, 0xff))`,
  String.raw`return {cmsgpack.unpack_limit(cmsgpack.pack(1, 2, 3), 1.9, '1')}`,
  String.raw`return {cmsgpack.unpack_limit('abc', 1)}`,
  String.raw`return {pcall(cmsgpack.pack)}`,
  String.raw`local t = {} for i = 1, 100 do t[i] = {i, tostring(i)} end return cmsgpack.unpack(cmsgpack.pack(t))[100]`,
  String.raw`local p = struct.pack; return p('y')`,
  String.raw`return {pcall(struct.size, 's')}`,
  String.raw`return struct:size()`,
  String.raw`return struct.size({})`,
  String.raw`local u = cmsgpack.unpack_limit return u('x', 'y')`,
  String.raw`return {pcall(cmsgpack.unpack_one, {})}`,
  String.raw`local s = struct return s.unpack('i', 'ab')`,
  String.raw`return struct.unpack('i', 'ab')`,
  String.raw`return bit.band('x')`,
  String.raw`return bit.tobit({})`,
  String.raw`return bit.tobit()`,
  String.raw`return bit.bor(1, 'y')`,
  String.raw`return {pcall(bit.bnot, 'z')}`,
  String.raw`return bit.tohex('q')`,
  String.raw`return cjson.decode()`,
  String.raw`local e = cjson.encode return e()`,
  String.raw`return {bit.tobit(1.5), bit.tobit(2.5), bit.tobit(-1.5), bit.tobit(-2.5), bit.tobit(0.5), bit.tobit(2^32+1.7), bit.tobit('0x10'), bit.tobit(' 5 '), bit.tobit(-0.5), bit.tohex(1.5, '2')}`,
  String.raw`return {bit.band(0xff, 0x0f, 3), bit.bor(1, 2, 4), bit.bxor(7, 2), bit.bnot(0), bit.lshift(1, 31), bit.rshift(-1, 28), bit.arshift(-256, 4), bit.rol(0x80000001, 1), bit.ror(1, 1), bit.bswap(0x12345678), bit.tohex(-1), bit.tohex(255, -4), bit.tohex(255, 2)}`,
  String.raw`return bit.lshift(1)`,
  String.raw`return bit.band()`,
  String.raw`return {pcall(cjson.decode, '[1,')}`,
  String.raw`return cjson.decode('{}x')`,
  String.raw`return cjson.encode(function() end)`,
  String.raw`local ok, e = pcall(cjson.encode) return e`,
];

redisTest(test, 'cmsgpack and struct replies equal redis-server 7.0 byte for byte', async () => {
  const ours = await RawClient.connect(srv.port);
  const theirs = await RawClient.connect((redis as TestServer).port);
  try {
    const differences: string[] = [];
    for (const body of CASES) {
      const [mine, real] = [await ours.command('EVAL', body, '0'), await theirs.command('EVAL', body, '0')];
      if (!mine.equals(real)) {
        differences.push(`${body}\n  redis:    ${JSON.stringify(real.toString('latin1').slice(0, 400))}\n  stratakv: ${JSON.stringify(mine.toString('latin1').slice(0, 400))}`);
      }
    }
    assert.equal(differences, [], differences.join('\n'));
  } finally {
    ours.close();
    theirs.close();
  }
});

test('a reply nested past the reply depth answers the stack-limit error in place, and the VM goes on', async () => {
  const raw = await RawClient.connect(srv.port);
  try {
    const deep = await raw.command('EVAL', 'local t = {} local c = t for i = 1, 5000 do c[1] = {} c = c[1] end return t', '0');
    const text = deep.toString('latin1');
    assert.ok(text.startsWith('*1\r\n*1\r\n'), text.slice(0, 40));
    assert.ok(text.endsWith('-ERR reached lua stack limit\r\n'), text.slice(-60));
    assert.is(text.split('*1\r\n').length - 1, 1001);
    assert.is((await raw.command('EVAL', 'return cmsgpack.unpack(cmsgpack.pack(42))', '0')).toString(), ':42\r\n');
  } finally {
    raw.close();
  }
});

test.run();
