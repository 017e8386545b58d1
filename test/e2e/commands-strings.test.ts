/**
 * String and bit commands end to end against a real server process: replies compared byte for
 * byte with transcripts recorded from redis-server 7.0.15 (error texts included), expire options
 * checked through PTTL, binary safety, RESP3 shapes, and, when redis-server is installed, a seeded
 * random differential run against it. Set SEED=n to replay the differential run.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { Redis } from 'ioredis';
import { RawClient, redisTest, startRedis, startServer, TestClients, type TestServer } from './helpers.js';
import { replayTranscript, type Transcript } from './transcript.js';
import { Random, seedFromEnv } from '../engine/random.js';


let srv: TestServer;
const clients = new TestClients();

function client(): Redis {
  return clients.connect({ port: srv.port });
}

/** Replays a transcript on an empty database. */
async function replay(transcript: Transcript): Promise<void> {
  await replayTranscript(srv.port, [[['FLUSHALL'], null], ...transcript]);
}

test.before(async () => {
  srv = await startServer();
});

test.after(async () => {
  clients.disconnectAll();
  await srv?.stop();
});

// Recorded with redis-server 7.0.15 (TTL/PTTL replies depend on the clock and are not compared).
const STRINGS: Transcript = [
  [["SET", "a", "1", "EX", "10", "EX", "20"], "+OK\r\n"],
  [["TTL", "a"], null],
  [["SET", "a", "1", "PX", "10", "EX", "20"], "-ERR syntax error\r\n"],
  [["SET", "a", "1", "EX", "0"], "-ERR invalid expire time in 'set' command\r\n"],
  [["SET", "a", "1", "EX", "abc"], "-ERR value is not an integer or out of range\r\n"],
  [["SET", "a", "1", "EX", "9223372036854775"], "-ERR invalid expire time in 'set' command\r\n"],
  [["SET", "a", "1", "NX", "GET"], "$1\r\n1\r\n"],
  [["SET", "a", "2", "XX", "GET"], "$1\r\n1\r\n"],
  [["GET", "a"], "$1\r\n2\r\n"],
  [["SET", "a", "1", "KEEPTTL", "EX", "10"], "-ERR syntax error\r\n"],
  [["SET", "a", "3", "KEEPTTL"], "+OK\r\n"],
  [["TTL", "a"], null],
  [["SET", "a", "4"], "+OK\r\n"],
  [["TTL", "a"], null],
  [["SET", "n", "5", "NX"], "+OK\r\n"],
  [["SET", "n", "6", "NX"], "$-1\r\n"],
  [["SET", "x", "7", "XX"], "$-1\r\n"],
  [["GET", "x"], "$-1\r\n"],
  [["SET", "n", "8", "GET", "NX"], "$1\r\n5\r\n"],
  [["SET", "x", "9", "GET", "XX"], "$-1\r\n"],
  [["SET", "a", "b", "c"], "-ERR syntax error\r\n"],
  [["SET", "a", "b", "EX"], "-ERR syntax error\r\n"],
  [["SET", "a", "b", "GET", "GET"], "$1\r\n4\r\n"],
  [["SET", "a", "b", "NX", "XX"], "-ERR syntax error\r\n"],
  [["SET", "a", "b", "PXAT", "1"], "+OK\r\n"],
  [["EXISTS", "a"], ":0\r\n"],
  [["SET", "a", "b", "EXAT", "99999999999"], "+OK\r\n"],
  [["TTL", "a"], null],
  [["GETSET", "a", "newv"], "$1\r\nb\r\n"],
  [["GETSET", "nokey", "v"], "$-1\r\n"],
  [["TTL", "a"], null],
  [["GETDEL", "a"], "$4\r\nnewv\r\n"],
  [["GETDEL", "a"], "$-1\r\n"],
  [["GET", "a"], "$-1\r\n"],
  [["SETNX", "sn", "1"], ":1\r\n"],
  [["SETNX", "sn", "2"], ":0\r\n"],
  [["GET", "sn"], "$1\r\n1\r\n"],
  [["SETEX", "se", "100", "v"], "+OK\r\n"],
  [["TTL", "se"], null],
  [["SETEX", "se", "0", "v"], "-ERR invalid expire time in 'setex' command\r\n"],
  [["SETEX", "se", "-5", "v"], "-ERR invalid expire time in 'setex' command\r\n"],
  [["SETEX", "se", "abc", "v"], "-ERR value is not an integer or out of range\r\n"],
  [["PSETEX", "pse", "100000", "v"], "+OK\r\n"],
  [["PTTL", "pse"], null],
  [["PSETEX", "pse", "0", "v"], "-ERR invalid expire time in 'psetex' command\r\n"],
  [["GETEX", "se"], "$1\r\nv\r\n"],
  [["GETEX", "se", "PERSIST"], "$1\r\nv\r\n"],
  [["TTL", "se"], null],
  [["GETEX", "se", "EX", "50"], "$1\r\nv\r\n"],
  [["TTL", "se"], null],
  [["GETEX", "se", "PX", "50000"], "$1\r\nv\r\n"],
  [["TTL", "se"], null],
  [["GETEX", "se", "EXAT", "99999999999"], "$1\r\nv\r\n"],
  [["TTL", "se"], null],
  [["GETEX", "se", "PXAT", "99999999999000"], "$1\r\nv\r\n"],
  [["TTL", "se"], null],
  [["GETEX", "se", "EX", "5", "PX", "5"], "-ERR syntax error\r\n"],
  [["GETEX", "se", "NX"], "-ERR syntax error\r\n"],
  [["GETEX", "se", "PERSIST", "EX", "5"], "-ERR syntax error\r\n"],
  [["GETEX", "se", "EX", "0"], "-ERR invalid expire time in 'getex' command\r\n"],
  [["GETEX", "se", "EX", "abc"], "-ERR value is not an integer or out of range\r\n"],
  [["GETEX", "nokey"], "$1\r\nv\r\n"],
  [["GETEX", "nokey", "EX", "10"], "$1\r\nv\r\n"],
  [["GETEX", "se", "PXAT", "1"], "$1\r\nv\r\n"],
  [["EXISTS", "se"], ":0\r\n"],
  [["MGET", "sn", "pse", "nokey", "sn"], "*4\r\n$1\r\n1\r\n$1\r\nv\r\n$1\r\nv\r\n$1\r\n1\r\n"],
  [["MSET", "k1", "v1", "k2", "v2", "k1", "v3"], "+OK\r\n"],
  [["MGET", "k1", "k2"], "*2\r\n$2\r\nv3\r\n$2\r\nv2\r\n"],
  [["MSET", "k1"], "-ERR wrong number of arguments for 'mset' command\r\n"],
  [["MSET", "k1", "v1", "k2"], "-ERR wrong number of arguments for 'mset' command\r\n"],
  [["MSETNX", "k1", "x", "k9", "y"], ":0\r\n"],
  [["MSETNX", "k8", "x", "k9", "y", "k8", "z"], ":1\r\n"],
  [["MGET", "k8", "k9"], "*2\r\n$1\r\nz\r\n$1\r\ny\r\n"],
  [["APPEND", "ap", "hello"], ":5\r\n"],
  [["APPEND", "ap", " world"], ":11\r\n"],
  [["GET", "ap"], "$11\r\nhello world\r\n"],
  [["OBJECT", "ENCODING", "ap"], "$3\r\nraw\r\n"],
  [["APPEND", "n", "12"], ":3\r\n"],
  [["OBJECT", "ENCODING", "n"], "$3\r\nraw\r\n"],
  [["STRLEN", "ap"], ":11\r\n"],
  [["STRLEN", "nokey"], ":1\r\n"],
  [["GETRANGE", "ap", "0", "4"], "$5\r\nhello\r\n"],
  [["GETRANGE", "ap", "-5", "-1"], "$5\r\nworld\r\n"],
  [["GETRANGE", "ap", "5", "2"], "$0\r\n\r\n"],
  [["GETRANGE", "ap", "-1", "-5"], "$0\r\n\r\n"],
  [["GETRANGE", "ap", "0", "-100"], "$1\r\nh\r\n"],
  [["GETRANGE", "ap", "-100", "-100"], "$1\r\nh\r\n"],
  [["GETRANGE", "ap", "0", "1000"], "$11\r\nhello world\r\n"],
  [["GETRANGE", "ap", "100", "200"], "$0\r\n\r\n"],
  [["GETRANGE", "ap", "x", "1"], "-ERR value is not an integer or out of range\r\n"],
  [["GETRANGE", "nokey", "0", "1"], "$1\r\nv\r\n"],
  [["GETRANGE", "ap", "0", "9223372036854775807"], "$11\r\nhello world\r\n"],
  [["GETRANGE", "ap", "-9223372036854775808", "5"], "$6\r\nhello \r\n"],
  [["SUBSTR", "ap", "0", "3"], "$4\r\nhell\r\n"],
  [["SETRANGE", "sr", "5", "abc"], ":8\r\n"],
  [["GET", "sr"], "$8\r\n\u0000\u0000\u0000\u0000\u0000abc\r\n"],
  [["SETRANGE", "sr", "0", "XY"], ":8\r\n"],
  [["GET", "sr"], "$8\r\nXY\u0000\u0000\u0000abc\r\n"],
  [["SETRANGE", "sr", "1", ""], ":8\r\n"],
  [["SETRANGE", "nokey2", "3", ""], ":0\r\n"],
  [["EXISTS", "nokey2"], ":0\r\n"],
  [["SETRANGE", "sr", "-1", "x"], "-ERR offset is out of range\r\n"],
  [["SETRANGE", "sr", "abc", "x"], "-ERR value is not an integer or out of range\r\n"],
  [["SETRANGE", "sr", "536870912", "x"], "-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n"],
  [["OBJECT", "ENCODING", "sr"], "$3\r\nraw\r\n"],
  [["INCR", "c"], ":1\r\n"],
  [["INCR", "c"], ":2\r\n"],
  [["INCRBY", "c", "10"], ":12\r\n"],
  [["INCRBY", "c", "-100"], ":-88\r\n"],
  [["DECR", "c"], ":-89\r\n"],
  [["DECRBY", "c", "5"], ":-94\r\n"],
  [["DECRBY", "c", "-9223372036854775808"], "-ERR decrement would overflow\r\n"],
  [["INCRBY", "c", "abc"], "-ERR value is not an integer or out of range\r\n"],
  [["INCRBY", "c", "1.5"], "-ERR value is not an integer or out of range\r\n"],
  [["SET", "c", "9223372036854775806"], "+OK\r\n"],
  [["INCR", "c"], ":9223372036854775807\r\n"],
  [["INCR", "c"], "-ERR increment or decrement would overflow\r\n"],
  [["SET", "c", "-9223372036854775807"], "+OK\r\n"],
  [["DECR", "c"], ":-9223372036854775808\r\n"],
  [["DECR", "c"], "-ERR increment or decrement would overflow\r\n"],
  [["SET", "c", "007"], "+OK\r\n"],
  [["INCR", "c"], "-ERR value is not an integer or out of range\r\n"],
  [["SET", "c", " 1"], "+OK\r\n"],
  [["INCR", "c"], "-ERR value is not an integer or out of range\r\n"],
  [["SET", "c", "1"], "+OK\r\n"],
  [["INCRBY", "c", "9223372036854775807"], "-ERR increment or decrement would overflow\r\n"],
  [["INCRBY", "c", "-9223372036854775808"], ":-9223372036854775807\r\n"],
  [["OBJECT", "ENCODING", "c"], "$3\r\nint\r\n"],
  [["SET", "c", "10000000000000000"], "+OK\r\n"],
  [["INCR", "c"], ":10000000000000001\r\n"],
  [["INCRBY", "c", "99999999999999999"], ":110000000000000000\r\n"],
  [["SET", "f", "10.50"], "+OK\r\n"],
  [["INCRBYFLOAT", "f", "0.1"], "$4\r\n10.6\r\n"],
  [["INCRBYFLOAT", "f", "-5"], "$3\r\n5.6\r\n"],
  [["SET", "f", "5.0e3"], "+OK\r\n"],
  [["INCRBYFLOAT", "f", "2.0e2"], "$4\r\n5200\r\n"],
  [["INCRBYFLOAT", "f", "1e400"], "$401\r\n10000000000000000000281880683947586514586453433629052038625910693539685534008629862039363994848324160522094053927317616200295822777259255734023828976593340661017797447434546173917862448116674971723778943824391593338047470675026246684401359237513603830343735485505244955964979021825038280091068414947402456898653040951017512658092615827588920183472511643316591362664138176309734806343732497430221946880\r\n"],
  [["INCRBYFLOAT", "f", "1e5000"], "-ERR value is not a valid float\r\n"],
  [["SET", "f", "1"], "+OK\r\n"],
  [["INCRBYFLOAT", "f", "0x10"], "$2\r\n17\r\n"],
  [["INCRBYFLOAT", "f", "0x1.8p3"], "$2\r\n29\r\n"],
  [["INCRBYFLOAT", "f", "inf"], "-ERR increment would produce NaN or Infinity\r\n"],
  [["INCRBYFLOAT", "f", "-inf"], "-ERR increment would produce NaN or Infinity\r\n"],
  [["INCRBYFLOAT", "f", "nan"], "-ERR value is not a valid float\r\n"],
  [["INCRBYFLOAT", "f", " 1"], "-ERR value is not a valid float\r\n"],
  [["INCRBYFLOAT", "f", "1 "], "-ERR value is not a valid float\r\n"],
  [["INCRBYFLOAT", "f", "1e-5000"], "-ERR value is not a valid float\r\n"],
  [["INCRBYFLOAT", "f", "1e-4940"], "$2\r\n29\r\n"],
  [["INCRBYFLOAT", "f", "abc"], "-ERR value is not a valid float\r\n"],
  [["INCRBYFLOAT", "f", ""], "-ERR value is not a valid float\r\n"],
  [["INCRBYFLOAT", "f", ".5"], "$4\r\n29.5\r\n"],
  [["INCRBYFLOAT", "f", "5."], "$4\r\n34.5\r\n"],
  [["INCRBYFLOAT", "f", "-.5e1"], "$4\r\n29.5\r\n"],
  [["INCRBYFLOAT", "f", "1e"], "-ERR value is not a valid float\r\n"],
  [["INCRBYFLOAT", "f", "+3"], "$4\r\n32.5\r\n"],
  [["OBJECT", "ENCODING", "f"], "$6\r\nembstr\r\n"],
  [["SET", "f", "3.0"], "+OK\r\n"],
  [["INCRBYFLOAT", "f", "0"], "$1\r\n3\r\n"],
  [["OBJECT", "ENCODING", "f"], "$6\r\nembstr\r\n"],
  [["INCRBYFLOAT", "f", "-3"], "$1\r\n0\r\n"],
  [["INCRBYFLOAT", "nf", "0.1"], "$3\r\n0.1\r\n"],
  [["INCRBYFLOAT", "nf", "0.2"], "$3\r\n0.3\r\n"],
  [["INCRBYFLOAT", "nf", "1.7976931348623157e308"], "$309\r\n179769313486231569995921046774104434048386446944329178485314420765176628523124396354701868608387085564428793419425520689308708363451136055357897278026477617073498977686288394835618163294045594434929537447290627480669417384648879122776218333598953852832103282504751611691208117720159985926376802466863339536384\r\n"],
  [["INCRBYFLOAT", "nf", "-1.7976931348623157e308"], "$1\r\n0\r\n"],
  [["INCRBYFLOAT", "nf", "3.0000000000000001"], "$18\r\n3.0000000000000001\r\n"],
  [["INCRBYFLOAT", "nf", "1e-20"], "$18\r\n3.0000000000000001\r\n"],
  [["SET", "g", "abc"], "+OK\r\n"],
  [["INCRBYFLOAT", "g", "1"], "-ERR value is not a valid float\r\n"],
  [["INCR", "g"], "-ERR value is not an integer or out of range\r\n"],
  [["SET", "h", "9223372036854775807"], "+OK\r\n"],
  [["INCR", "h"], "-ERR increment or decrement would overflow\r\n"],
  [["SET", "b", "12345678901234567890"], "+OK\r\n"],
  [["OBJECT", "ENCODING", "b"], "$6\r\nembstr\r\n"],
  [["SET", "b", "1234567890123456789"], "+OK\r\n"],
  [["OBJECT", "ENCODING", "b"], "$3\r\nint\r\n"],
  [["SET", "b", "-0"], "+OK\r\n"],
  [["OBJECT", "ENCODING", "b"], "$6\r\nembstr\r\n"],
  [["SET", "b", "0"], "+OK\r\n"],
  [["OBJECT", "ENCODING", "b"], "$3\r\nint\r\n"],
  [["SET", "b", "01"], "+OK\r\n"],
  [["OBJECT", "ENCODING", "b"], "$6\r\nembstr\r\n"],
  [["SET", "b", "123456789012345678901234567890123456789012345"], "+OK\r\n"],
  [["OBJECT", "ENCODING", "b"], "$3\r\nraw\r\n"],
  [["SET", "b", "12345678901234567890123456789012345678901234"], "+OK\r\n"],
  [["OBJECT", "ENCODING", "b"], "$6\r\nembstr\r\n"],
  [["OBJECT", "REFCOUNT", "b"], ":1\r\n"],
  [["SET", "b", "42"], "+OK\r\n"],
  [["OBJECT", "REFCOUNT", "b"], ":2147483647\r\n"],
  [["SET", "l1", "ohmytext"], "+OK\r\n"],
  [["SET", "l2", "mynewtext"], "+OK\r\n"],
  [["LCS", "l1", "l2"], "$6\r\nmytext\r\n"],
  [["LCS", "l1", "l2", "LEN"], ":6\r\n"],
  [["LCS", "l1", "l2", "IDX"], "*4\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n"],
  [["LCS", "l1", "l2", "IDX", "MINMATCHLEN", "4"], "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n$3\r\nlen\r\n:6\r\n"],
  [["LCS", "l1", "l2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"], "*4\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n"],
  [["LCS", "l1", "l2", "IDX", "WITHMATCHLEN"], "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n*3\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:6\r\n"],
  [["LCS", "l1", "l2", "IDX", "LEN"], "-ERR If you want both the length and indexes, please just use IDX.\r\n"],
  [["LCS", "l1", "l2", "foo"], "-ERR syntax error\r\n"],
  [["LCS", "l1", "l2", "MINMATCHLEN"], "-ERR syntax error\r\n"],
  [["LCS", "l1", "l2", "MINMATCHLEN", "x"], "-ERR value is not an integer or out of range\r\n"],
  [["LCS", "l1", "nokey"], "$0\r\n\r\n"],
  [["LCS", "nokey", "nokey", "IDX"], "*4\r\n$7\r\nmatches\r\n*1\r\n*2\r\n*2\r\n:0\r\n:0\r\n*2\r\n:0\r\n:0\r\n$3\r\nlen\r\n:1\r\n"],
  [["SET", "l3", "ABCBDAB"], "+OK\r\n"],
  [["SET", "l4", "BDCABA"], "+OK\r\n"],
  [["LCS", "l3", "l4", "IDX", "WITHMATCHLEN"], "*4\r\n$7\r\nmatches\r\n*2\r\n*3\r\n*2\r\n:5\r\n:6\r\n*2\r\n:3\r\n:4\r\n:2\r\n*3\r\n*2\r\n:3\r\n:4\r\n*2\r\n:0\r\n:1\r\n:2\r\n$3\r\nlen\r\n:4\r\n"],
  [["LCS", "l3", "l4"], "$4\r\nBDAB\r\n"],
];

const BITS: Transcript = [
  [["SETBIT", "z", "4294967296", "1"], "-ERR bit offset is not an integer or out of range\r\n"],
  [["SETBIT", "z", "1", "2"], "-ERR bit is not an integer or out of range\r\n"],
  [["SETBIT", "z", "-1", "1"], "-ERR bit offset is not an integer or out of range\r\n"],
  [["SETBIT", "z", "abc", "1"], "-ERR bit offset is not an integer or out of range\r\n"],
  [["SETBIT", "z", "7", "1"], ":0\r\n"],
  [["SETBIT", "z", "7", "1"], ":1\r\n"],
  [["SETBIT", "z", "7", "0"], ":1\r\n"],
  [["GET", "z"], "$1\r\n\u0000\r\n"],
  [["SETBIT", "b", "100", "1"], ":0\r\n"],
  [["STRLEN", "b"], ":13\r\n"],
  [["GETBIT", "b", "100"], ":1\r\n"],
  [["GETBIT", "b", "101"], ":0\r\n"],
  [["GETBIT", "b", "99999999"], ":0\r\n"],
  [["GETBIT", "nokey", "5"], ":0\r\n"],
  [["GETBIT", "b", "-1"], "-ERR bit offset is not an integer or out of range\r\n"],
  [["SET", "i", "123"], "+OK\r\n"],
  [["SETBIT", "i", "0", "0"], ":0\r\n"],
  [["OBJECT", "ENCODING", "i"], "$3\r\nraw\r\n"],
  [["BITFIELD", "z", "SET", "u8", "#600000000", "1"], "-ERR bit offset is not an integer or out of range\r\n"],
  [["BITFIELD", "z", "GET", "u8", "#600000000"], "-ERR bit offset is not an integer or out of range\r\n"],
  [["BITFIELD", "z", "GET", "u64", "0"], "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"],
  [["BITFIELD", "z", "GET", "i65", "0"], "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"],
  [["BITFIELD", "z", "GET", "I8", "0"], "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"],
  [["BITFIELD", "z", "GET", "i0", "0"], "-ERR Invalid bitfield type. Use something like i16 u8. Note that u64 is not supported but i64 is.\r\n"],
  [["BITFIELD", "z", "OVERFLOW", "foo"], "-ERR Invalid OVERFLOW type specified\r\n"],
  [["BITFIELD", "z", "INCRBY", "i8", "0", "x"], "-ERR value is not an integer or out of range\r\n"],
  [["BITFIELD_RO", "z", "SET", "i8", "0", "1"], "-ERR BITFIELD_RO only supports the GET subcommand\r\n"],
  [["BITFIELD_RO", "z", "GET", "i8", "0"], "*1\r\n:0\r\n"],
  [["BITFIELD", "z"], "*0\r\n"],
  [["BITFIELD", "nokey", "GET", "i8", "0"], "*1\r\n:0\r\n"],
  [["BITFIELD", "bf", "SET", "i8", "0", "100", "INCRBY", "i8", "0", "100", "GET", "u8", "0"], "*3\r\n:0\r\n:-56\r\n:200\r\n"],
  [["BITFIELD", "bf", "OVERFLOW", "SAT", "INCRBY", "i8", "0", "100", "OVERFLOW", "FAIL", "INCRBY", "i8", "0", "100", "OVERFLOW", "WRAP", "INCRBY", "i8", "0", "100"], "*3\r\n:44\r\n$-1\r\n:-112\r\n"],
  [["BITFIELD", "bf", "SET", "u8", "0", "-1", "GET", "u8", "0", "OVERFLOW", "SAT", "SET", "u8", "0", "-1", "GET", "u8", "0", "SET", "u8", "0", "300", "OVERFLOW", "FAIL", "SET", "u8", "0", "300"], "*6\r\n:144\r\n:255\r\n:255\r\n:255\r\n:255\r\n$-1\r\n"],
  [["BITFIELD", "bf", "SET", "i64", "8", "-9223372036854775808", "INCRBY", "i64", "8", "-1", "OVERFLOW", "SAT", "INCRBY", "i64", "8", "-1", "OVERFLOW", "FAIL", "INCRBY", "i64", "8", "-1"], "*4\r\n:0\r\n:9223372036854775807\r\n:9223372036854775806\r\n:9223372036854775805\r\n"],
  [["BITFIELD", "bf", "SET", "u63", "0", "9223372036854775807", "INCRBY", "u63", "0", "1", "OVERFLOW", "SAT", "INCRBY", "u63", "0", "1", "INCRBY", "u63", "0", "-9223372036854775808"], "*4\r\n:9205357638345293823\r\n:0\r\n:1\r\n:0\r\n"],
  [["BITFIELD", "bf", "GET", "i5", "#3", "SET", "i5", "#3", "-7", "GET", "u5", "#3", "INCRBY", "u3", "#10", "5"], "*4\r\n:0\r\n:0\r\n:25\r\n:5\r\n"],
  [["GET", "bf"], "$9\r\n\u0000\u0001\u0090\u0002\u0080\u0000\u0000\u0001\u00fd\r\n"],
  [["BITFIELD", "bf", "GET"], "-ERR syntax error\r\n"],
  [["BITFIELD", "bf", "GET", "i8"], "-ERR syntax error\r\n"],
  [["BITFIELD", "bf", "SET", "i8", "0"], "-ERR syntax error\r\n"],
  [["BITFIELD", "bf", "FOO"], "-ERR syntax error\r\n"],
  [["BITFIELD", "bf", "GET", "i8", "-1"], "-ERR bit offset is not an integer or out of range\r\n"],
  [["SET", "s", "foobar"], "+OK\r\n"],
  [["BITCOUNT", "s"], ":26\r\n"],
  [["BITCOUNT", "s", "0", "0"], ":4\r\n"],
  [["BITCOUNT", "s", "1", "1"], ":6\r\n"],
  [["BITCOUNT", "s", "1", "1", "BYTE"], ":6\r\n"],
  [["BITCOUNT", "s", "5", "30", "BIT"], ":17\r\n"],
  [["BITCOUNT", "s", "-3", "-1", "BIT"], ":1\r\n"],
  [["BITCOUNT", "s", "0"], "-ERR syntax error\r\n"],
  [["BITCOUNT", "s", "0", "1", "foo"], "-ERR syntax error\r\n"],
  [["BITCOUNT", "nokey", "0"], ":0\r\n"],
  [["BITCOUNT", "s", "-1", "-3"], ":0\r\n"],
  [["BITCOUNT", "s", "x", "1"], "-ERR value is not an integer or out of range\r\n"],
  [["BITCOUNT", "s", "2", "1"], ":0\r\n"],
  [["SET", "bp", "\u00ff\u00f0\u0000"], "+OK\r\n"],
  [["BITPOS", "bp", "0"], ":12\r\n"],
  [["BITPOS", "bp", "1"], ":0\r\n"],
  [["BITPOS", "bp", "0", "2"], ":16\r\n"],
  [["BITPOS", "bp", "1", "2"], ":-1\r\n"],
  [["BITPOS", "bp", "0", "0", "0"], ":-1\r\n"],
  [["BITPOS", "bp", "0", "0", "-1"], ":12\r\n"],
  [["BITPOS", "bp", "1", "7", "15", "BIT"], ":7\r\n"],
  [["BITPOS", "bp", "0", "7", "15", "BIT"], ":12\r\n"],
  [["BITPOS", "bp", "0", "16", "23", "BIT"], ":16\r\n"],
  [["BITPOS", "bp", "1", "16", "23", "BIT"], ":-1\r\n"],
  [["BITPOS", "bp", "2"], "-ERR The bit argument must be 1 or 0.\r\n"],
  [["BITPOS", "bp", "1", "x"], "-ERR value is not an integer or out of range\r\n"],
  [["BITPOS", "bp", "1", "0", "1", "foo"], "-ERR syntax error\r\n"],
  [["BITPOS", "nokey", "1"], ":-1\r\n"],
  [["BITPOS", "nokey", "0"], ":0\r\n"],
  [["SET", "full", "\u00ff\u00ff"], "+OK\r\n"],
  [["BITPOS", "full", "0"], ":16\r\n"],
  [["BITPOS", "full", "0", "0"], ":16\r\n"],
  [["BITPOS", "full", "0", "0", "-1"], ":-1\r\n"],
  [["BITPOS", "full", "0", "0", "1", "BIT"], ":-1\r\n"],
  [["SET", "empty", ""], "+OK\r\n"],
  [["BITPOS", "empty", "0"], ":-1\r\n"],
  [["BITPOS", "empty", "1"], ":-1\r\n"],
  [["BITCOUNT", "empty"], ":0\r\n"],
  [["BITOP", "foo", "d", "z"], "-ERR syntax error\r\n"],
  [["BITOP", "NOT", "d", "z", "z"], "-ERR BITOP NOT must be called with a single source key.\r\n"],
  [["BITOP", "AND", "d", "s", "bp"], ":6\r\n"],
  [["GET", "d"], "$6\r\nf`\u0000\u0000\u0000\u0000\r\n"],
  [["BITOP", "OR", "d", "s", "bp", "nokey"], ":6\r\n"],
  [["GET", "d"], "$6\r\n\u00ff\u00ffobar\r\n"],
  [["BITOP", "XOR", "d", "s", "bp", "full"], ":6\r\n"],
  [["GET", "d"], "$6\r\nf`obar\r\n"],
  [["BITOP", "NOT", "d", "s"], ":6\r\n"],
  [["GET", "d"], "$6\r\n\u0099\u0090\u0090\u009d\u009e\u008d\r\n"],
  [["OBJECT", "ENCODING", "d"], "$3\r\nraw\r\n"],
  [["BITOP", "AND", "d", "nokey", "nokey2"], ":0\r\n"],
  [["EXISTS", "d"], ":0\r\n"],
  [["SET", "d", "x", "EX", "100"], "+OK\r\n"],
  [["BITOP", "OR", "d", "s"], ":6\r\n"],
  [["TTL", "d"], ":-1\r\n"],
  [["BITOP", "AND", "d", "s", "i"], ":6\r\n"],
];

const RESP3: Transcript = [
  [["HELLO", "3"], null],
  [["SET", "l1", "ohmytext"], "+OK\r\n"],
  [["SET", "l2", "mynewtext"], "+OK\r\n"],
  [["LCS", "l1", "l2", "IDX", "MINMATCHLEN", "4", "WITHMATCHLEN"], "%2\r\n$7\r\nmatches\r\n*1\r\n*3\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n:4\r\n$3\r\nlen\r\n:6\r\n"],
  [["LCS", "l1", "l2", "IDX"], "%2\r\n$7\r\nmatches\r\n*2\r\n*2\r\n*2\r\n:4\r\n:7\r\n*2\r\n:5\r\n:8\r\n*2\r\n*2\r\n:2\r\n:3\r\n*2\r\n:0\r\n:1\r\n$3\r\nlen\r\n:6\r\n"],
  [["GET", "nokey"], "_\r\n"],
  [["GETEX", "nokey"], "_\r\n"],
  [["GETDEL", "nokey"], "_\r\n"],
  [["MGET", "l1", "nokey"], "*2\r\n$8\r\nohmytext\r\n_\r\n"],
  [["SET", "l1", "x", "NX"], "_\r\n"],
  [["SET", "l1", "x", "NX", "GET"], "$8\r\nohmytext\r\n"],
  [["BITFIELD", "bf", "OVERFLOW", "FAIL", "INCRBY", "u2", "0", "7", "GET", "u2", "0"], "*2\r\n_\r\n:0\r\n"],
  [["OBJECT", "ENCODING", "nokey"], "_\r\n"],
  [["RANDOMKEY"], null],
  [["TYPE", "l1"], "+string\r\n"],
  [["SCAN", "0", "MATCH", "nomatch*"], "*2\r\n$1\r\n0\r\n*0\r\n"],
];

test('string commands: replies identical to redis-server', async () => {
  await replay(STRINGS);
});

test('bit commands: replies identical to redis-server', async () => {
  await replay(BITS);
});

test('RESP3: nulls, LCS IDX as a map', async () => {
  await replay(RESP3);
});

test('expire options set the TTL they name, and KEEPTTL/GETEX/GETSET treat it as Redis', async () => {
  const r = client();
  const pttl = async (key: string) => Number(await r.pttl(key));
  const near = async (key: string, ms: number) => {
    const t = await pttl(key);
    assert.ok(t <= ms && t > ms - 5000, `${key}: pttl ${t}, expected about ${ms}`);
  };
  await r.set('t:ex', 'v', 'EX', 100);
  await near('t:ex', 100_000);
  await r.set('t:px', 'v', 'PX', 100_000);
  await near('t:px', 100_000);
  await r.set('t:exat', 'v', 'EXAT', Math.floor(Date.now() / 1000) + 200);
  await near('t:exat', 200_000);
  await r.set('t:pxat', 'v', 'PXAT', Date.now() + 300_000);
  await near('t:pxat', 300_000);
  await r.set('t:pxat', 'w', 'KEEPTTL');
  await near('t:pxat', 300_000);
  await r.set('t:pxat', 'x');
  assert.is(await pttl('t:pxat'), -1);
  await r.setex('t:setex', 50, '10');
  await near('t:setex', 50_000);
  await r.psetex('t:psetex', 60_000, 'v');
  await near('t:psetex', 60_000);
  await r.getex('t:psetex', 'EX', 70);
  await near('t:psetex', 70_000);
  await r.getex('t:psetex', 'PERSIST');
  assert.is(await pttl('t:psetex'), -1);
  await r.incr('t:setex');
  await near('t:setex', 50_000);
  await r.append('t:setex', '0');
  await near('t:setex', 50_000);
  await r.getset('t:setex', 'new');
  assert.is(await pttl('t:setex'), -1);
  await r.set('t:short', 'v', 'PX', 30);
  await new Promise((res) => setTimeout(res, 60));
  assert.is(await r.get('t:short'), null);
  assert.is(await pttl('t:short'), -2);
});

test('binary keys and values travel unchanged', async () => {
  const r = client();
  const key = Buffer.from([0, 13, 10, 0xff, 0x80, 0x20]);
  const value = Buffer.from([0xff, 0, 13, 10, 0x7f, 0xc3, 0x28]);
  await r.set(key, value);
  assert.equal([...((await r.getBuffer(key)) as Buffer)], [...value]);
  await r.append(key, Buffer.from([0]));
  assert.is(await r.strlen(key), value.length + 1);
  assert.equal([...((await r.getrangeBuffer(key, 1, 3)) as Buffer)], [0, 13, 10]);
  const keys = (await r.callBuffer('KEYS', Buffer.concat([key.subarray(0, 3), Buffer.from('*')]))) as Buffer[];
  assert.equal(keys.map((k) => [...k]), [[...key]]);
});

function randomBytes(rnd: Random): Buffer {
  const n = rnd.int(6);
  const out = Buffer.alloc(n);
  const pick = [0, 255, 0xf0, 0x0f];
  for (let i = 0; i < n; i++) out[i] = rnd.int(5) === 0 ? rnd.int(256) : pick[rnd.int(4)];
  return out;
}

function randomCommand(rnd: Random): Buffer[] {
  const keys = ['k1', 'k2', 'k3'];
  const k = keys[rnd.int(3)];
  const ints = [0, 1, -1, 2, -2, 3, 5, 7, 8, 9, 15, 16, 17, 23, 24, 31, 40, -8, -9, -17, -100, 100];
  const int = () => String(rnd.int(3) === 0 ? rnd.int(100) - 50 : ints[rnd.int(ints.length)]);
  const b = (s: string) => Buffer.from(s, 'latin1');
  switch (rnd.int(13)) {
    case 0: return [b('SET'), b(k), randomBytes(rnd)];
    case 1: return [b('SETBIT'), b(k), b(String(rnd.int(60))), b(String(rnd.int(2)))];
    case 2: return [b('BITCOUNT'), b(k), b(int()), b(int()), ...(rnd.int(3) === 0 ? [] : [b(rnd.int(2) ? 'BIT' : 'BYTE')])];
    case 3: {
      const extra = [[], [int()], [int(), int()], [int(), int(), 'BIT'], [int(), int(), 'BYTE']][rnd.int(5)];
      return [b('BITPOS'), b(k), b(String(rnd.int(2))), ...extra.map(b)];
    }
    case 4: return [b('GETRANGE'), b(k), b(int()), b(int())];
    case 5: {
      const type = (rnd.int(2) ? 'i' : 'u') + String(1 + rnd.int(63));
      const op = ['GET', 'SET', 'INCRBY'][rnd.int(3)];
      const overflow = ['', 'WRAP', 'SAT', 'FAIL'][rnd.int(4)];
      const values = ['0', '1', '-1', '127', '128', '-128', '255', '2147483648', '-2147483648', '4611686018427387904', '-9223372036854775808', '9223372036854775807', String(rnd.int(2000) - 1000)];
      const offset = rnd.int(2) ? String(rnd.int(40)) : `#${rnd.int(5)}`;
      const args = ['BITFIELD', k, ...(overflow ? ['OVERFLOW', overflow] : []), op, type, offset, ...(op === 'GET' ? [] : [values[rnd.int(values.length)]]), 'GET', type, offset];
      return args.map(b);
    }
    case 6: return ['BITOP', ['AND', 'OR', 'XOR'][rnd.int(3)], k, keys[rnd.int(3)], keys[rnd.int(3)]].map(b);
    case 7: return ['BITOP', 'NOT', k, keys[rnd.int(3)]].map(b);
    case 8: return [b('GET'), b(k)];
    case 9: return [b('SETRANGE'), b(k), b(String(rnd.int(10))), randomBytes(rnd)];
    case 10: return [b('APPEND'), b(k), randomBytes(rnd)];
    case 11: return ['LCS', k, keys[rnd.int(3)], ...[[], ['LEN'], ['IDX'], ['IDX', 'WITHMATCHLEN'], ['IDX', 'MINMATCHLEN', '2', 'WITHMATCHLEN']][rnd.int(5)]].map(b);
    default: return ['INCRBYFLOAT', k, ['0.1', '-1.5', '1e3', '0x10', '3'][rnd.int(5)]].map(b);
  }
}

redisTest(test, 'random string and bit operations agree with a live redis-server', async () => {
  const redis = await startRedis();
  if (redis === null) {
    console.log('  (redis-server not installed: differential run skipped)');
    return;
  }
  const seed = seedFromEnv();
  const rnd = new Random(seed);
  const ours = await RawClient.connect(srv.port);
  const theirs = await RawClient.connect(redis.port);
  try {
    await ours.command('FLUSHALL');
    for (let i = 0; i < 1500; i++) {
      const cmd = randomCommand(rnd);
      const [a, b] = await Promise.all([ours.command(...cmd), theirs.command(...cmd)]);
      assert.is(a.toString('latin1'), b.toString('latin1'), `SEED=${seed} step ${i}: ${cmd.map((x) => x.toString('latin1')).join(' ')}`);
    }
  } finally {
    ours.close();
    theirs.close();
    await redis.stop();
  }
});

test.run();
