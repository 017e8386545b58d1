/**
 * Sorted sets end to end against a real server process: replies compared byte for byte with
 * transcripts recorded from redis-server 7.0.15 (every command and option, error texts and their
 * order, WRONGTYPE both ways, score parsing and printing, -0, OBJECT ENCODING conversions and
 * *STORE encodings, a skiplist-encoded set, lex ranges over mixed scores, RESP3 shapes, COMMAND
 * INFO and DOCS), random and paged replies checked by their properties, a real client's round
 * trip, a 50 000-member set read near both ends and in the middle, and every acknowledged change
 * surviving a SIGKILL under appendfsync always.
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { RawClient, startServer, TestClients, type TestServer } from './helpers.js';
import { replayTranscript, type Transcript } from './transcript.js';


let srv: TestServer;
const clients = new TestClients();

test.before(async () => {
  srv = await startServer();
});

test.after(async () => {
  clients.disconnectAll();
  await srv?.stop();
});

// The transcripts below were recorded with redis-server 7.0.15 (no config file: listpack up to 128
// members of up to 64 bytes), each on a fresh connection. null: not compared (FLUSHALL, HELLO's
// client id, random members, ZSCAN of a skiplist-encoded set, which Redis lists in hash order).

/** WRONGTYPE from every sorted-set command and from other types' commands on a sorted set, arity errors. */
const ERRORS: Transcript = [
  [["FLUSHALL"], null],
  [["SET","str","x"], "+OK\r\n"],
  [["ZADD","z","1","a"], ":1\r\n"],
  [["ZADD","str","1","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZINCRBY","str","1","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZREM","str","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZCARD","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZSCORE","str","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZMSCORE","str","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZRANK","str","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZREVRANK","str","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZCOUNT","str","-inf","+inf"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZLEXCOUNT","str","-","+"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZRANGE","str","0","-1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZRANGESTORE","d","str","0","-1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZREVRANGE","str","0","-1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZRANGEBYSCORE","str","-inf","+inf"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZREVRANGEBYSCORE","str","+inf","-inf"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZRANGEBYLEX","str","-","+"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZREVRANGEBYLEX","str","+","-"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZREMRANGEBYRANK","str","0","-1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZREMRANGEBYSCORE","str","-inf","+inf"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZREMRANGEBYLEX","str","-","+"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZPOPMIN","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZPOPMAX","str","2"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZMPOP","1","str","MIN"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZRANDMEMBER","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZRANDMEMBER","str","2"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZUNION","1","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZINTER","2","z","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZDIFF","2","z","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZUNIONSTORE","d","1","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZINTERSTORE","d","1","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZDIFFSTORE","d","1","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZINTERCARD","1","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZSCAN","str","0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["GET","z"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["APPEND","z","x"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["INCR","z"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["STRLEN","z"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["GETRANGE","z","0","1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["SETBIT","z","1","1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["BITCOUNT","z"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["HSET","z","f","v"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["HGET","z","f"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["HGETALL","z"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["LCS","z","str"], "-ERR The specified keys must contain string values\r\n"],
  [["MGET","z","str"], "*2\r\n$-1\r\n$1\r\nx\r\n"],
  [["GETDEL","z"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["TYPE","z"], "+zset\r\n"],
  [["OBJECT","ENCODING","z"], "$8\r\nlistpack\r\n"],
  [["ZADD","k"], "-ERR wrong number of arguments for 'zadd' command\r\n"],
  [["ZINCRBY","k","1"], "-ERR wrong number of arguments for 'zincrby' command\r\n"],
  [["ZREM","k"], "-ERR wrong number of arguments for 'zrem' command\r\n"],
  [["ZCARD"], "-ERR wrong number of arguments for 'zcard' command\r\n"],
  [["ZSCORE","k"], "-ERR wrong number of arguments for 'zscore' command\r\n"],
  [["ZMSCORE","k"], "-ERR wrong number of arguments for 'zmscore' command\r\n"],
  [["ZRANK","k"], "-ERR wrong number of arguments for 'zrank' command\r\n"],
  [["ZCOUNT","k","1"], "-ERR wrong number of arguments for 'zcount' command\r\n"],
  [["ZLEXCOUNT","k","-"], "-ERR wrong number of arguments for 'zlexcount' command\r\n"],
  [["ZRANGE","k","0"], "-ERR wrong number of arguments for 'zrange' command\r\n"],
  [["ZRANGESTORE","d","k","0"], "-ERR wrong number of arguments for 'zrangestore' command\r\n"],
  [["ZREVRANGE","k","0"], "-ERR wrong number of arguments for 'zrevrange' command\r\n"],
  [["ZRANGEBYSCORE","k","0"], "-ERR wrong number of arguments for 'zrangebyscore' command\r\n"],
  [["ZRANGEBYLEX","k","-"], "-ERR wrong number of arguments for 'zrangebylex' command\r\n"],
  [["ZREMRANGEBYRANK","k","0"], "-ERR wrong number of arguments for 'zremrangebyrank' command\r\n"],
  [["ZPOPMIN"], "-ERR wrong number of arguments for 'zpopmin' command\r\n"],
  [["ZMPOP","1","k"], "-ERR wrong number of arguments for 'zmpop' command\r\n"],
  [["ZRANDMEMBER"], "-ERR wrong number of arguments for 'zrandmember' command\r\n"],
  [["ZUNION","1"], "-ERR wrong number of arguments for 'zunion' command\r\n"],
  [["ZINTERSTORE","d","1"], "-ERR wrong number of arguments for 'zinterstore' command\r\n"],
  [["ZDIFF","1"], "-ERR wrong number of arguments for 'zdiff' command\r\n"],
  [["ZINTERCARD","1"], "-ERR wrong number of arguments for 'zintercard' command\r\n"],
  [["ZSCAN","k"], "-ERR wrong number of arguments for 'zscan' command\r\n"],
];

/** ZADD and ZINCRBY: options and their conflicts, scores as strtod reads them, -0 (kept by skiplists, not by listpacks), how ZSCAN of a listpack prints scores. */
const SCORES: Transcript = [
  [["FLUSHALL"], null],
  [["ZADD","z"], "-ERR wrong number of arguments for 'zadd' command\r\n"],
  [["ZADD","z","1"], "-ERR wrong number of arguments for 'zadd' command\r\n"],
  [["ZADD","z","1","a","2"], "-ERR syntax error\r\n"],
  [["ZADD","z","NX","XX","1","a"], "-ERR XX and NX options at the same time are not compatible\r\n"],
  [["ZADD","z","GT","LT","1","a"], "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"],
  [["ZADD","z","GT","NX","1","a"], "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"],
  [["ZADD","z","LT","NX","1","a"], "-ERR GT, LT, and/or NX options at the same time are not compatible\r\n"],
  [["ZADD","z","INCR","1","a","2","b"], "-ERR INCR option supports a single increment-element pair\r\n"],
  [["ZADD","z","x","a"], "-ERR value is not a valid float\r\n"],
  [["ZADD","z","nan","a"], "-ERR value is not a valid float\r\n"],
  [["ZADD","z","1","a","x","b"], "-ERR value is not a valid float\r\n"],
  [["ZADD","z","NX"], "-ERR wrong number of arguments for 'zadd' command\r\n"],
  [["ZADD","z","NX","1"], "-ERR syntax error\r\n"],
  [["ZADD","z","nx","ch","1","a"], ":1\r\n"],
  [["ZADD","z","CH","1","a","2","b"], ":1\r\n"],
  [["ZADD","z","CH","GT","0","a","3","b","5","c"], ":2\r\n"],
  [["ZRANGE","z","0","-1","WITHSCORES"], "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n3\r\n$1\r\nc\r\n$1\r\n5\r\n"],
  [["ZADD","z","LT","CH","0","a","3","b"], ":1\r\n"],
  [["ZADD","z","XX","CH","9","nope","9","a"], ":1\r\n"],
  [["ZADD","z","INCR","inf","a"], "$3\r\ninf\r\n"],
  [["ZADD","z","INCR","-inf","a"], "-ERR resulting score is not a number (NaN)\r\n"],
  [["ZSCORE","z","a"], "$3\r\ninf\r\n"],
  [["ZINCRBY","z","+inf","a"], "$3\r\ninf\r\n"],
  [["ZINCRBY","z","x","a"], "-ERR value is not a valid float\r\n"],
  [["ZINCRBY","z","1"], "-ERR wrong number of arguments for 'zincrby' command\r\n"],
  [["ZADD","z","GT","INCR","-1","b"], "$-1\r\n"],
  [["ZADD","z","GT","INCR","1","b"], "$1\r\n4\r\n"],
  [["ZADD","z","LT","INCR","1","b"], "$-1\r\n"],
  [["ZADD","z","XX","INCR","1","nope"], "$-1\r\n"],
  [["ZADD","z","GT","CH","INCR","1","b"], "$1\r\n5\r\n"],
  [["ZADD","z","1e400","q"], "-ERR value is not a valid float\r\n"],
  [["ZADD","z","0x10","q"], ":1\r\n"],
  [["ZADD","z"," 1","q2"], "-ERR value is not a valid float\r\n"],
  [["ZADD","z","1 ","q3"], "-ERR value is not a valid float\r\n"],
  [["ZADD","z","","q4"], "-ERR value is not a valid float\r\n"],
  [["ZADD","z","4e-320","q5"], ":1\r\n"],
  [["ZADD","z","1e-400","q6"], "-ERR value is not a valid float\r\n"],
  [["ZADD","z","infinity","q7"], ":1\r\n"],
  [["ZADD","z","-Infinity","q8"], ":1\r\n"],
  [["ZADD","z","nan(123)","q9"], "-ERR value is not a valid float\r\n"],
  [["ZADD","z","0x1p-1","q10"], ":1\r\n"],
  [["ZADD","z","0x1.8P1","q11"], ":1\r\n"],
  [["ZADD","z","1e","q12"], "-ERR value is not a valid float\r\n"],
  [["ZADD","z","+.5","q13"], ":1\r\n"],
  [["ZADD","z",".5e+1","q14"], ":1\r\n"],
  [["ZADD","z","0X","q15"], "-ERR value is not a valid float\r\n"],
  [["ZADD","z","5.","q16"], ":1\r\n"],
  [["ZADD","z","1_0","q17"], "-ERR value is not a valid float\r\n"],
  [["ZRANGE","z","0","-1","WITHSCORES"], "*24\r\n$2\r\nq8\r\n$4\r\n-inf\r\n$2\r\nq5\r\n$22\r\n3.999955468730732e-320\r\n$3\r\nq10\r\n$3\r\n0.5\r\n$3\r\nq13\r\n$3\r\n0.5\r\n$3\r\nq11\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n5\r\n$1\r\nc\r\n$1\r\n5\r\n$3\r\nq14\r\n$1\r\n5\r\n$3\r\nq16\r\n$1\r\n5\r\n$1\r\nq\r\n$2\r\n16\r\n$1\r\na\r\n$3\r\ninf\r\n$2\r\nq7\r\n$3\r\ninf\r\n"],
  [["ZCARD","z"], ":12\r\n"],
  [["ZCARD","nokey"], ":0\r\n"],
  [["ZREM","z","q","q","nope","q2"], ":1\r\n"],
  [["ZREM","nokey","a"], ":0\r\n"],
  [["ZREM","z"], "-ERR wrong number of arguments for 'zrem' command\r\n"],
  [["ZSCORE","nokey","a"], "$-1\r\n"],
  [["ZMSCORE","nokey","a","b"], "*2\r\n$-1\r\n$-1\r\n"],
  [["ZMSCORE","z"], "-ERR wrong number of arguments for 'zmscore' command\r\n"],
  [["ZINCRBY","newk","1.5","m"], "$3\r\n1.5\r\n"],
  [["OBJECT","ENCODING","newk"], "$8\r\nlistpack\r\n"],
  [["SET","str","x"], "+OK\r\n"],
  [["ZADD","str","1","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZADD","str","XX","1","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZINCRBY","str","1","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZSCORE","str","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["CONFIG","SET","zset-max-listpack-entries","0"], "+OK\r\n"],
  [["DEL","s"], ":0\r\n"],
  [["ZADD","s","-0","m","0.1","a","123456789012345678","c","1e-300","b"], ":4\r\n"],
  [["OBJECT","ENCODING","s"], "$8\r\nskiplist\r\n"],
  [["ZSCORE","s","m"], "$2\r\n-0\r\n"],
  [["ZSCAN","s","0"], null],
  [["ZRANGE","s","0","-1","WITHSCORES"], "*8\r\n$1\r\nm\r\n$2\r\n-0\r\n$1\r\nb\r\n$6\r\n1e-300\r\n$1\r\na\r\n$19\r\n0.10000000000000001\r\n$1\r\nc\r\n$22\r\n1.2345678901234568e+17\r\n"],
  [["ZINCRBY","s","-0","m"], "$2\r\n-0\r\n"],
  [["ZINCRBY","s","0","m"], "$1\r\n0\r\n"],
  [["ZADD","s","INCR","-0","m"], "$2\r\n-0\r\n"],
  [["CONFIG","SET","zset-max-listpack-entries","128"], "+OK\r\n"],
  [["DEL","l"], ":0\r\n"],
  [["ZADD","l","-0","m"], ":1\r\n"],
  [["ZSCAN","l","0"], "*2\r\n$1\r\n0\r\n*2\r\n$1\r\nm\r\n$1\r\n0\r\n"],
  [["ZINCRBY","l","-0","m"], "$1\r\n0\r\n"],
  [["ZADD","l","-0.0","m2","-1e-400","m3"], "-ERR value is not a valid float\r\n"],
  [["ZADD","l","-0.0","m2"], ":1\r\n"],
  [["ZSCORE","l","m2"], "$1\r\n0\r\n"],
  [["ZSCAN","l","0"], "*2\r\n$1\r\n0\r\n*4\r\n$1\r\nm\r\n$1\r\n0\r\n$2\r\nm2\r\n$1\r\n0\r\n"],
  [["DEL","l"], ":1\r\n"],
  [["ZADD","l","4503599627370495","a","4503599627370496","b","9007199254740993","c","100000000000000000","d","4611686018427387904","e","4611686018427387903","f","9223372036854775807","g","1e19","h","-4503599627370495","i","-4503599627370496","j","-4611686018427387904","k","-100000000000000000","l","1.5","m","-0.5","n","inf","o","-inf","p","1e20","q"], ":17\r\n"],
  [["ZSCAN","l","0"], "*2\r\n$1\r\n0\r\n*34\r\n$1\r\np\r\n$4\r\n-inf\r\n$1\r\nk\r\n$20\r\n-4611686018427387904\r\n$1\r\nl\r\n$19\r\n-100000000000000000\r\n$1\r\nj\r\n$17\r\n-4503599627370496\r\n$1\r\ni\r\n$17\r\n-4503599627370495\r\n$1\r\nn\r\n$4\r\n-0.5\r\n$1\r\nm\r\n$3\r\n1.5\r\n$1\r\na\r\n$16\r\n4503599627370495\r\n$1\r\nb\r\n$16\r\n4503599627370496\r\n$1\r\nc\r\n$16\r\n9007199254740992\r\n$1\r\nd\r\n$18\r\n100000000000000000\r\n$1\r\ne\r\n$19\r\n4611686018427387904\r\n$1\r\nf\r\n$19\r\n4611686018427387904\r\n$1\r\ng\r\n$22\r\n9.2233720368547758e+18\r\n$1\r\nh\r\n$5\r\n1e+19\r\n$1\r\nq\r\n$5\r\n1e+20\r\n$1\r\no\r\n$3\r\ninf\r\n"],
  [["ZRANGE","l","0","-1","WITHSCORES"], "*34\r\n$1\r\np\r\n$4\r\n-inf\r\n$1\r\nk\r\n$23\r\n-4.6116860184273879e+18\r\n$1\r\nl\r\n$6\r\n-1e+17\r\n$1\r\nj\r\n$17\r\n-4503599627370496\r\n$1\r\ni\r\n$17\r\n-4503599627370495\r\n$1\r\nn\r\n$4\r\n-0.5\r\n$1\r\nm\r\n$3\r\n1.5\r\n$1\r\na\r\n$16\r\n4503599627370495\r\n$1\r\nb\r\n$16\r\n4503599627370496\r\n$1\r\nc\r\n$16\r\n9007199254740992\r\n$1\r\nd\r\n$5\r\n1e+17\r\n$1\r\ne\r\n$22\r\n4.6116860184273879e+18\r\n$1\r\nf\r\n$22\r\n4.6116860184273879e+18\r\n$1\r\ng\r\n$22\r\n9.2233720368547758e+18\r\n$1\r\nh\r\n$5\r\n1e+19\r\n$1\r\nq\r\n$5\r\n1e+20\r\n$1\r\no\r\n$3\r\ninf\r\n"],
  [["DEL","l"], ":1\r\n"],
  [["ZADD","l","6e18","a","-6e18","b","4611686018427388928","c","9223372036854774784","d","-9223372036854775808","e","0.1","f","1e-5","g","123.456","h"], ":8\r\n"],
  [["ZSCAN","l","0"], "*2\r\n$1\r\n0\r\n*16\r\n$1\r\ne\r\n$23\r\n-9.2233720368547758e+18\r\n$1\r\nb\r\n$6\r\n-6e+18\r\n$1\r\ng\r\n$22\r\n1.0000000000000001e-05\r\n$1\r\nf\r\n$19\r\n0.10000000000000001\r\n$1\r\nh\r\n$7\r\n123.456\r\n$1\r\nc\r\n$22\r\n4.6116860184273889e+18\r\n$1\r\na\r\n$5\r\n6e+18\r\n$1\r\nd\r\n$22\r\n9.2233720368547748e+18\r\n"],
];

/** the ZRANGE family, ZCOUNT, ZLEXCOUNT, ZREMRANGEBY*, ZPOP*, ZMPOP, ZRANK, argument errors of ZRANDMEMBER and ZSCAN. */
const RANGES: Transcript = [
  [["FLUSHALL"], null],
  [["ZADD","z","1","a","2","b","3","c","4","d","5","e"], ":5\r\n"],
  [["ZRANGE","z","0","-1","LIMIT","0","1"], "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n"],
  [["ZRANGE","z","0","-1","BYLEX","WITHSCORES"], "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n"],
  [["ZRANGE","z","[a","[c","BYLEX","BYSCORE"], "-ERR syntax error\r\n"],
  [["ZRANGE","z","0","-1","REV","REV"], "-ERR syntax error\r\n"],
  [["ZRANGE","z","x","1"], "-ERR value is not an integer or out of range\r\n"],
  [["ZRANGE","z","0","1","LIMIT","0"], "-ERR syntax error\r\n"],
  [["ZRANGE","z","0","1","LIMIT","x","1"], "-ERR value is not an integer or out of range\r\n"],
  [["ZRANGE","z","0","1","BYSCORE","LIMIT","1","x"], "-ERR value is not an integer or out of range\r\n"],
  [["ZRANGE","z","(1","(x","BYSCORE"], "-ERR min or max is not a float\r\n"],
  [["ZRANGE","z","a","c","BYLEX"], "-ERR min or max not valid string range item\r\n"],
  [["ZRANGE","z","-inf","+inf","BYSCORE","LIMIT","-1","10"], "*0\r\n"],
  [["ZRANGE","z","-inf","+inf","BYSCORE","LIMIT","1","-5"], "*4\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"],
  [["ZRANGE","z","-inf","+inf","BYSCORE","LIMIT","5","1"], "*0\r\n"],
  [["ZRANGE","z","-inf","+inf","BYSCORE","LIMIT","4","1"], "*1\r\n$1\r\ne\r\n"],
  [["ZRANGE","z","-inf","+inf","BYSCORE","LIMIT","0","0"], "*0\r\n"],
  [["ZRANGE","z","+inf","-inf","BYSCORE","REV","LIMIT","1","2","WITHSCORES"], "*4\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n"],
  [["ZRANGE","z","","","BYSCORE"], "*0\r\n"],
  [["ZRANGE","z"," 2"," 3","BYSCORE"], "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["ZRANGE","z","(","5","BYSCORE"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"],
  [["ZRANGE","z","2 ","3","BYSCORE"], "-ERR min or max is not a float\r\n"],
  [["ZRANGE","z","1e400","-1e400","BYSCORE","REV"], "*5\r\n$1\r\ne\r\n$1\r\nd\r\n$1\r\nc\r\n$1\r\nb\r\n$1\r\na\r\n"],
  [["ZRANGE","z","nan","1","BYSCORE"], "-ERR min or max is not a float\r\n"],
  [["ZRANGE","z","0x2","0x1p2","BYSCORE"], "*3\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n"],
  [["ZRANGE","z","-1","-100"], "*0\r\n"],
  [["ZRANGE","z","-100","100"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"],
  [["ZRANGE","z","2","1"], "*0\r\n"],
  [["ZRANGE","z","9223372036854775807","9223372036854775807"], "*0\r\n"],
  [["ZRANGE","z","-9223372036854775808","9223372036854775807"], "*5\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"],
  [["ZRANGE","z","1","3","REV","WITHSCORES"], "*6\r\n$1\r\nd\r\n$1\r\n4\r\n$1\r\nc\r\n$1\r\n3\r\n$1\r\nb\r\n$1\r\n2\r\n"],
  [["ZREVRANGE","z","0","1","REV"], "-ERR syntax error\r\n"],
  [["ZREVRANGE","z","0","1","LIMIT","0","1"], "-ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX\r\n"],
  [["ZRANGEBYSCORE","z","1","2","BYSCORE"], "-ERR syntax error\r\n"],
  [["ZRANGEBYSCORE","z","1","2","REV"], "-ERR syntax error\r\n"],
  [["ZRANGEBYSCORE","z","(1","2","WITHSCORES","LIMIT","0","5"], "*2\r\n$1\r\nb\r\n$1\r\n2\r\n"],
  [["ZREVRANGEBYSCORE","z","2","1"], "*2\r\n$1\r\nb\r\n$1\r\na\r\n"],
  [["ZREVRANGEBYSCORE","z","1","2"], "*0\r\n"],
  [["ZRANGEBYLEX","z","-","+","WITHSCORES"], "-ERR syntax error, WITHSCORES not supported in combination with BYLEX\r\n"],
  [["ZRANGEBYLEX","z","-","+","LIMIT","1","2"], "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["ZREVRANGEBYLEX","z","+","-","LIMIT","1","2"], "*2\r\n$1\r\nd\r\n$1\r\nc\r\n"],
  [["ZRANGEBYLEX","z","+","-"], "*0\r\n"],
  [["ZRANGEBYLEX","z","[b","(d"], "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["ZRANGEBYLEX","z","","+"], "-ERR min or max not valid string range item\r\n"],
  [["ZRANGEBYLEX","z","-x","+"], "-ERR min or max not valid string range item\r\n"],
  [["ZRANGESTORE","dst","z","0","-1","WITHSCORES"], "-ERR syntax error\r\n"],
  [["ZRANGESTORE","dst","z","0","2"], ":3\r\n"],
  [["ZRANGE","dst","0","-1","WITHSCORES"], "*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"],
  [["ZRANGESTORE","dst","nokey","0","-1"], ":0\r\n"],
  [["EXISTS","dst"], ":0\r\n"],
  [["ZRANGESTORE","dst","z","(2","+inf","BYSCORE","LIMIT","1","1"], ":1\r\n"],
  [["ZRANGE","dst","0","-1","WITHSCORES"], "*2\r\n$1\r\nd\r\n$1\r\n4\r\n"],
  [["ZRANGESTORE","dst","z","5","0"], ":0\r\n"],
  [["EXISTS","dst"], ":0\r\n"],
  [["SET","str","v"], "+OK\r\n"],
  [["ZRANGESTORE","str","z","0","0"], ":1\r\n"],
  [["TYPE","str"], "+zset\r\n"],
  [["ZRANGESTORE","dst","str","0","0"], ":1\r\n"],
  [["ZRANGE","str","0","1"], "*1\r\n$1\r\na\r\n"],
  [["ZRANGE","nokey","0","1","WITHSCORES"], "*0\r\n"],
  [["ZRANGE","nokey","x","1"], "-ERR value is not an integer or out of range\r\n"],
  [["ZRANGE","str","x","1"], "-ERR value is not an integer or out of range\r\n"],
  [["ZCOUNT","z","-inf","+inf"], ":5\r\n"],
  [["ZCOUNT","z","(1","(5"], ":3\r\n"],
  [["ZCOUNT","z","x","5"], "-ERR min or max is not a float\r\n"],
  [["ZCOUNT","nokey","x","5"], "-ERR min or max is not a float\r\n"],
  [["ZCOUNT","str","1","5"], ":1\r\n"],
  [["ZCOUNT","nokey","1","5"], ":0\r\n"],
  [["ZLEXCOUNT","z","-","+"], ":5\r\n"],
  [["ZLEXCOUNT","z","[b","+"], ":4\r\n"],
  [["ZLEXCOUNT","z","b","+"], "-ERR min or max not valid string range item\r\n"],
  [["ZLEXCOUNT","str","-","+"], ":1\r\n"],
  [["FLUSHALL"], null],
  [["ZADD","z","1","a","2","b","3","c","4","d","5","e"], ":5\r\n"],
  [["SET","str","v"], "+OK\r\n"],
  [["ZREMRANGEBYRANK","z","x","1"], "-ERR value is not an integer or out of range\r\n"],
  [["ZREMRANGEBYRANK","nokey","x","1"], "-ERR value is not an integer or out of range\r\n"],
  [["ZREMRANGEBYRANK","str","0","1"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZREMRANGEBYRANK","nokey","0","1"], ":0\r\n"],
  [["ZREMRANGEBYRANK","z","3","1"], ":0\r\n"],
  [["ZREMRANGEBYRANK","z","-1","-1"], ":1\r\n"],
  [["ZREMRANGEBYSCORE","z","x","1"], "-ERR min or max is not a float\r\n"],
  [["ZREMRANGEBYSCORE","z","(1","2"], ":1\r\n"],
  [["ZREMRANGEBYLEX","z","a","b"], "-ERR min or max not valid string range item\r\n"],
  [["ZREMRANGEBYLEX","z","[a","[a"], ":1\r\n"],
  [["ZRANGE","z","0","-1"], "*2\r\n$1\r\nc\r\n$1\r\nd\r\n"],
  [["ZREMRANGEBYSCORE","z","-inf","+inf"], ":2\r\n"],
  [["EXISTS","z"], ":0\r\n"],
  [["ZADD","z","1","a","2","b","3","c","4","d","5","e"], ":5\r\n"],
  [["ZPOPMIN","z","x"], "-ERR value is out of range, must be positive\r\n"],
  [["ZPOPMIN","z","-1"], "-ERR value is out of range, must be positive\r\n"],
  [["ZPOPMIN","z","0"], "*0\r\n"],
  [["ZPOPMIN","str","0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZPOPMIN","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZPOPMIN","nokey","x"], "-ERR value is out of range, must be positive\r\n"],
  [["ZPOPMIN","z","1","2"], "-ERR syntax error\r\n"],
  [["ZPOPMIN","z"], "*2\r\n$1\r\na\r\n$1\r\n1\r\n"],
  [["ZPOPMAX","z","2"], "*4\r\n$1\r\ne\r\n$1\r\n5\r\n$1\r\nd\r\n$1\r\n4\r\n"],
  [["ZPOPMIN","z","9223372036854775807"], "*4\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"],
  [["EXISTS","z"], ":0\r\n"],
  [["ZADD","z","1","a","2","b","3","c","4","d","5","e"], ":5\r\n"],
  [["ZMPOP","0","z","MIN"], "-ERR numkeys should be greater than 0\r\n"],
  [["ZMPOP","-1","z","MIN"], "-ERR numkeys should be greater than 0\r\n"],
  [["ZMPOP","x","z","MIN"], "-ERR numkeys should be greater than 0\r\n"],
  [["ZMPOP","1","z"], "-ERR wrong number of arguments for 'zmpop' command\r\n"],
  [["ZMPOP","2","z","MIN"], "-ERR syntax error\r\n"],
  [["ZMPOP","1","z","MID"], "-ERR syntax error\r\n"],
  [["ZMPOP","1","z","MIN","COUNT"], "-ERR syntax error\r\n"],
  [["ZMPOP","1","z","MIN","COUNT","0"], "-ERR count should be greater than 0\r\n"],
  [["ZMPOP","1","z","MIN","COUNT","-1"], "-ERR count should be greater than 0\r\n"],
  [["ZMPOP","1","z","MIN","COUNT","x"], "-ERR count should be greater than 0\r\n"],
  [["ZMPOP","1","z","MIN","COUNT","1","COUNT","1"], "-ERR syntax error\r\n"],
  [["ZMPOP","1","z","MIN","FOO"], "-ERR syntax error\r\n"],
  [["ZMPOP","1","z","min","count","2"], "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n*2\r\n$1\r\nb\r\n$1\r\n2\r\n"],
  [["ZMPOP","2","str","z","MIN"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZMPOP","2","nokey","str","MIN"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZMPOP","1","nokey","MIN"], "*-1\r\n"],
  [["ZMPOP","2","z","str","MAX"], "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\ne\r\n$1\r\n5\r\n"],
  [["ZMPOP","1","z","MAX","COUNT","100"], "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nd\r\n$1\r\n4\r\n*2\r\n$1\r\nc\r\n$1\r\n3\r\n"],
  [["EXISTS","z"], ":0\r\n"],
  [["ZADD","z","1","a","2","b","3","c"], ":3\r\n"],
  [["ZRANDMEMBER","z","x"], "-ERR value is not an integer or out of range\r\n"],
  [["ZRANDMEMBER","z","1","2"], "-ERR syntax error\r\n"],
  [["ZRANDMEMBER","z","1","WITHSCORES","x"], "-ERR syntax error\r\n"],
  [["ZRANDMEMBER","z","1","WITH"], "-ERR syntax error\r\n"],
  [["ZRANDMEMBER","z","0"], "*0\r\n"],
  [["ZRANDMEMBER","z","0","WITHSCORES"], "*0\r\n"],
  [["ZRANDMEMBER","nokey","5"], "*0\r\n"],
  [["ZRANDMEMBER","nokey","x"], "-ERR value is not an integer or out of range\r\n"],
  [["ZRANDMEMBER","str","5"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZRANDMEMBER","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZRANDMEMBER","z","-9223372036854775808"], "-ERR value is out of range, value must between -9223372036854775807 and 9223372036854775807\r\n"],
  [["ZRANDMEMBER","z","-9223372036854775807","WITHSCORES"], "-ERR value is out of range\r\n"],
  [["ZRANDMEMBER","z","4611686018427387904","WITHSCORES"], "-ERR value is out of range\r\n"],
  [["ZRANDMEMBER","z","-4611686018427387904","WITHSCORES"], "-ERR value is out of range\r\n"],
  [["ZRANDMEMBER","z","9223372036854775807"], null],
  [["ZRANK","z","c"], ":2\r\n"],
  [["ZREVRANK","z","c"], ":0\r\n"],
  [["ZRANK","z","c","WITHSCORE"], "-ERR wrong number of arguments for 'zrank' command\r\n"],
  [["ZRANK","nokey","c"], "$-1\r\n"],
  [["ZREVRANK","str","c"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZSCAN","z","x"], "-ERR invalid cursor\r\n"],
  [["ZSCAN","nokey","x"], "-ERR invalid cursor\r\n"],
  [["ZSCAN","nokey","0","FOO"], "*2\r\n$1\r\n0\r\n*0\r\n"],
  [["ZSCAN","z","0","COUNT","0"], "-ERR syntax error\r\n"],
  [["ZSCAN","z","0","COUNT","x"], "-ERR value is not an integer or out of range\r\n"],
  [["ZSCAN","z","0","MATCH"], "-ERR syntax error\r\n"],
  [["ZSCAN","z","0","TYPE","zset"], "-ERR syntax error\r\n"],
  [["ZSCAN","z","7","MATCH","a*"], "*2\r\n$1\r\n0\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"],
  [["ZSCAN","z","-1"], "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"],
  [["ZSCAN","str","0"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZSCAN","z","0","NOVALUES"], "-ERR syntax error\r\n"],
];

/** ZUNION, ZINTER, ZDIFF, their *STORE forms and ZINTERCARD; sums in the order Redis adds them (smallest input first, equal sizes in argument order). */
const SET_OPERATIONS: Transcript = [
  [["FLUSHALL"], null],
  [["ZADD","a","1","x","2","y","3","z"], ":3\r\n"],
  [["ZADD","b","10","y","20","z","30","w"], ":3\r\n"],
  [["SET","str","v"], "+OK\r\n"],
  [["ZUNION","0","a"], "-ERR at least 1 input key is needed for 'zunion' command\r\n"],
  [["ZUNION","-1","a"], "-ERR at least 1 input key is needed for 'zunion' command\r\n"],
  [["ZUNION","x","a"], "-ERR value is not an integer or out of range\r\n"],
  [["ZUNION","3","a","b"], "-ERR syntax error\r\n"],
  [["ZUNION","2","a","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZUNION","2","a","str","BADOPT"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZUNION","2","a","b","BADOPT"], "-ERR syntax error\r\n"],
  [["ZUNION","2","a","b","WEIGHTS","1"], "-ERR syntax error\r\n"],
  [["ZUNION","2","a","b","WEIGHTS","1","x"], "-ERR weight value is not a float\r\n"],
  [["ZUNION","2","a","b","WEIGHTS","1","2","WITHSCORES"], "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n22\r\n$1\r\nz\r\n$2\r\n43\r\n$1\r\nw\r\n$2\r\n60\r\n"],
  [["ZUNION","2","a","b","AGGREGATE","AVG"], "-ERR syntax error\r\n"],
  [["ZUNION","2","a","b","AGGREGATE"], "-ERR syntax error\r\n"],
  [["ZUNION","2","a","b","AGGREGATE","max","WITHSCORES"], "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n10\r\n$1\r\nz\r\n$2\r\n20\r\n$1\r\nw\r\n$2\r\n30\r\n"],
  [["ZUNION","2","a","b","AGGREGATE","min","WITHSCORES"], "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n$1\r\nw\r\n$2\r\n30\r\n"],
  [["ZUNION","2","a","b","WEIGHTS","2","-1","AGGREGATE","sum","WITHSCORES","WITHSCORES"], "*8\r\n$1\r\nw\r\n$3\r\n-30\r\n$1\r\nz\r\n$3\r\n-14\r\n$1\r\ny\r\n$2\r\n-6\r\n$1\r\nx\r\n$1\r\n2\r\n"],
  [["ZUNION","2","a","b","WEIGHTS","0","inf","WITHSCORES"], "*8\r\n$1\r\nx\r\n$1\r\n0\r\n$1\r\nw\r\n$3\r\ninf\r\n$1\r\ny\r\n$3\r\ninf\r\n$1\r\nz\r\n$3\r\ninf\r\n"],
  [["ZUNION","2","a","nokey","WITHSCORES"], "*6\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$1\r\n2\r\n$1\r\nz\r\n$1\r\n3\r\n"],
  [["ZUNION","1","nokey","WITHSCORES"], "*0\r\n"],
  [["ZINTER","2","a","b","WITHSCORES"], "*4\r\n$1\r\ny\r\n$2\r\n12\r\n$1\r\nz\r\n$2\r\n23\r\n"],
  [["ZINTER","2","a","b","WEIGHTS","1","-1","WITHSCORES"], "*4\r\n$1\r\nz\r\n$3\r\n-17\r\n$1\r\ny\r\n$2\r\n-8\r\n"],
  [["ZINTER","2","a","nokey","WITHSCORES"], "*0\r\n"],
  [["ZINTER","0","a"], "-ERR at least 1 input key is needed for 'zinter' command\r\n"],
  [["ZDIFF","2","a","b","WITHSCORES"], "*2\r\n$1\r\nx\r\n$1\r\n1\r\n"],
  [["ZDIFF","2","a","b","WEIGHTS","1","1"], "-ERR syntax error\r\n"],
  [["ZDIFF","2","a","b","AGGREGATE","SUM"], "-ERR syntax error\r\n"],
  [["ZDIFF","0","a"], "-ERR at least 1 input key is needed for 'zdiff' command\r\n"],
  [["ZDIFF","1","nokey"], "*0\r\n"],
  [["ZDIFF","2","a","a"], "*0\r\n"],
  [["ZUNIONSTORE","d","0","a"], "-ERR at least 1 input key is needed for 'zunionstore' command\r\n"],
  [["ZUNIONSTORE","d","2","a","b","WITHSCORES"], "-ERR syntax error\r\n"],
  [["ZUNIONSTORE","d","2","a","b","WEIGHTS","1","2"], ":4\r\n"],
  [["ZRANGE","d","0","-1","WITHSCORES"], "*8\r\n$1\r\nx\r\n$1\r\n1\r\n$1\r\ny\r\n$2\r\n22\r\n$1\r\nz\r\n$2\r\n43\r\n$1\r\nw\r\n$2\r\n60\r\n"],
  [["ZINTERSTORE","d","2","a","b","AGGREGATE","MAX"], ":2\r\n"],
  [["ZRANGE","d","0","-1","WITHSCORES"], "*4\r\n$1\r\ny\r\n$2\r\n10\r\n$1\r\nz\r\n$2\r\n20\r\n"],
  [["ZINTERSTORE","d","2","a","nokey"], ":0\r\n"],
  [["EXISTS","d"], ":0\r\n"],
  [["ZDIFFSTORE","d","2","a","b"], ":1\r\n"],
  [["ZRANGE","d","0","-1","WITHSCORES"], "*2\r\n$1\r\nx\r\n$1\r\n1\r\n"],
  [["ZDIFFSTORE","d","1","nokey"], ":0\r\n"],
  [["EXISTS","d"], ":0\r\n"],
  [["ZDIFFSTORE","str","1","a"], ":3\r\n"],
  [["TYPE","str"], "+zset\r\n"],
  [["SET","str","v"], "+OK\r\n"],
  [["ZDIFFSTORE","d","2","a","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZINTERCARD","0","a"], "-ERR at least 1 input key is needed for 'zintercard' command\r\n"],
  [["ZINTERCARD","x","a"], "-ERR value is not an integer or out of range\r\n"],
  [["ZINTERCARD","3","a","b"], "-ERR syntax error\r\n"],
  [["ZINTERCARD","2","a","b"], ":2\r\n"],
  [["ZINTERCARD","2","a","b","LIMIT","1"], ":1\r\n"],
  [["ZINTERCARD","2","a","b","LIMIT","0"], ":2\r\n"],
  [["ZINTERCARD","2","a","b","LIMIT","-1"], "-ERR LIMIT can't be negative\r\n"],
  [["ZINTERCARD","2","a","b","LIMIT","x"], "-ERR LIMIT can't be negative\r\n"],
  [["ZINTERCARD","2","a","b","LIMIT"], "-ERR syntax error\r\n"],
  [["ZINTERCARD","2","a","b","WITHSCORES"], "-ERR syntax error\r\n"],
  [["ZINTERCARD","2","a","str"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["ZINTERCARD","1","nokey"], ":0\r\n"],
  [["ZUNIONSTORE","d","1","a","WEIGHTS","0.5"], ":3\r\n"],
  [["ZRANGE","d","0","-1","WITHSCORES"], "*6\r\n$1\r\nx\r\n$3\r\n0.5\r\n$1\r\ny\r\n$1\r\n1\r\n$1\r\nz\r\n$3\r\n1.5\r\n"],
  [["ZUNIONSTORE","d","1","a","WEIGHTS","x"], "-ERR weight value is not a float\r\n"],
  [["ZINTER","2","a","b","WEIGHTS","1","2","WEIGHTS","3","4","WITHSCORES"], "*4\r\n$1\r\ny\r\n$2\r\n46\r\n$1\r\nz\r\n$2\r\n89\r\n"],
  [["FLUSHALL"], null],
  [["ZADD","a","0.1","x"], ":1\r\n"],
  [["ZADD","b","0.2","x"], ":1\r\n"],
  [["ZADD","c","0.3","x"], ":1\r\n"],
  [["ZADD","big","0.3","x","1","y"], ":2\r\n"],
  [["ZUNION","3","a","b","c","WITHSCORES"], "*2\r\n$1\r\nx\r\n$19\r\n0.60000000000000009\r\n"],
  [["ZUNION","3","c","b","a","WITHSCORES"], "*2\r\n$1\r\nx\r\n$19\r\n0.59999999999999998\r\n"],
  [["ZUNION","3","big","b","a","WITHSCORES"], "*4\r\n$1\r\nx\r\n$19\r\n0.60000000000000009\r\n$1\r\ny\r\n$1\r\n1\r\n"],
  [["ZUNION","3","a","b","big","WITHSCORES"], "*4\r\n$1\r\nx\r\n$19\r\n0.60000000000000009\r\n$1\r\ny\r\n$1\r\n1\r\n"],
  [["ZINTER","3","a","b","c","WITHSCORES"], "*2\r\n$1\r\nx\r\n$19\r\n0.60000000000000009\r\n"],
  [["ZINTER","3","c","b","a","WITHSCORES"], "*2\r\n$1\r\nx\r\n$19\r\n0.59999999999999998\r\n"],
  [["ZINTER","3","big","b","a","WITHSCORES"], "*2\r\n$1\r\nx\r\n$19\r\n0.60000000000000009\r\n"],
  [["ZINTER","3","big","a","b","WITHSCORES"], "*2\r\n$1\r\nx\r\n$19\r\n0.60000000000000009\r\n"],
  [["ZINTER","5","a","b","c","a","b","WITHSCORES"], "*2\r\n$1\r\nx\r\n$19\r\n0.90000000000000013\r\n"],
  [["ZINTER","5","c","b","a","c","b","WITHSCORES"], "*2\r\n$1\r\nx\r\n$18\r\n1.0999999999999999\r\n"],
  [["ZUNION","6","c","b","a","c","b","a","WITHSCORES"], "*2\r\n$1\r\nx\r\n$3\r\n1.2\r\n"],
];

/** a 200-member (skiplist) set by rank near both ends and in the middle, by score with LIMIT, pops and removals, *STORE encodings; a 300-member single-score set by lex. */
const SKIPLIST: Transcript = [
  [["FLUSHALL"], null],
  [["ZADD","big","0.5","m000","37","m001","74","m002","11","m003","48","m004","85","m005","22","m006","59.5","m007","96","m008","33","m009","70","m010","7","m011","44","m012","81","m013","18.5","m014","55","m015","92","m016","29","m017","66","m018","3","m019","40","m020","77.5","m021","14","m022","51","m023","88","m024","25","m025","62","m026","99","m027","36.5","m028","73","m029","10","m030","47","m031","84","m032","21","m033","58","m034","95.5","m035","32","m036","69","m037","6","m038","43","m039","80","m040","17","m041","54.5","m042","91","m043","28","m044","65","m045","2","m046","39","m047","76","m048","13.5","m049","50","m050","87","m051","24","m052","61","m053","98","m054","35","m055","72.5","m056","9","m057","46","m058","83","m059","20","m060","57","m061","94","m062","31.5","m063","68","m064","5","m065","42","m066","79","m067","16","m068","53","m069","90.5","m070","27","m071","64","m072","1","m073","38","m074","75","m075","12","m076","49.5","m077","86","m078","23","m079","60","m080","97","m081","34","m082","71","m083","8.5","m084","45","m085","82","m086","19","m087","56","m088","93","m089","30","m090","67.5","m091","4","m092","41","m093","78","m094","15","m095","52","m096","89","m097","26.5","m098","63","m099","0","m100","37","m101","74","m102","11","m103","48","m104","85.5","m105","22","m106","59","m107","96","m108","33","m109","70","m110","7","m111","44.5","m112","81","m113","18","m114","55","m115","92","m116","29","m117","66","m118","3.5","m119","40","m120","77","m121","14","m122","51","m123","88","m124","25","m125","62.5","m126","99","m127","36","m128","73","m129","10","m130","47","m131","84","m132","21.5","m133","58","m134","95","m135","32","m136","69","m137","6","m138","43","m139","80.5","m140","17","m141","54","m142","91","m143","28","m144","65","m145","2","m146","39.5","m147","76","m148","13","m149","50","m150","87","m151","24","m152","61","m153","98.5","m154","35","m155","72","m156","9","m157","46","m158","83","m159","20","m160","57.5","m161","94","m162","31","m163","68","m164","5","m165","42","m166","79","m167","16.5","m168","53","m169","90","m170","27","m171","64","m172","1","m173","38","m174","75.5","m175","12","m176","49","m177","86","m178","23","m179","60","m180","97","m181","34.5","m182","71","m183","8","m184","45","m185","82","m186","19","m187","56","m188","93.5","m189","30","m190","67","m191","4","m192","41","m193","78","m194","15","m195","52.5","m196","89","m197","26","m198","63","m199"], ":200\r\n"],
  [["ZCARD","big"], ":200\r\n"],
  [["OBJECT","ENCODING","big"], "$8\r\nskiplist\r\n"],
  [["ZRANGE","big","0","4","WITHSCORES"], "*10\r\n$4\r\nm100\r\n$1\r\n0\r\n$4\r\nm000\r\n$3\r\n0.5\r\n$4\r\nm073\r\n$1\r\n1\r\n$4\r\nm173\r\n$1\r\n1\r\n$4\r\nm046\r\n$1\r\n2\r\n"],
  [["ZREVRANGE","big","0","4"], "*5\r\n$4\r\nm127\r\n$4\r\nm027\r\n$4\r\nm154\r\n$4\r\nm054\r\n$4\r\nm181\r\n"],
  [["ZRANGE","big","-5","-1","WITHSCORES"], "*10\r\n$4\r\nm181\r\n$2\r\n97\r\n$4\r\nm054\r\n$2\r\n98\r\n$4\r\nm154\r\n$4\r\n98.5\r\n$4\r\nm027\r\n$2\r\n99\r\n$4\r\nm127\r\n$2\r\n99\r\n"],
  [["ZREVRANGE","big","-5","-1"], "*5\r\n$4\r\nm046\r\n$4\r\nm173\r\n$4\r\nm073\r\n$4\r\nm000\r\n$4\r\nm100\r\n"],
  [["ZRANGE","big","95","104","WITHSCORES"], "*20\r\n$4\r\nm131\r\n$2\r\n47\r\n$4\r\nm004\r\n$2\r\n48\r\n$4\r\nm104\r\n$2\r\n48\r\n$4\r\nm177\r\n$2\r\n49\r\n$4\r\nm077\r\n$4\r\n49.5\r\n$4\r\nm050\r\n$2\r\n50\r\n$4\r\nm150\r\n$2\r\n50\r\n$4\r\nm023\r\n$2\r\n51\r\n$4\r\nm123\r\n$2\r\n51\r\n$4\r\nm096\r\n$2\r\n52\r\n"],
  [["ZREVRANGE","big","95","104"], "*10\r\n$4\r\nm096\r\n$4\r\nm123\r\n$4\r\nm023\r\n$4\r\nm150\r\n$4\r\nm050\r\n$4\r\nm077\r\n$4\r\nm177\r\n$4\r\nm104\r\n$4\r\nm004\r\n$4\r\nm131\r\n"],
  [["ZRANGE","big","198","250","WITHSCORES"], "*4\r\n$4\r\nm027\r\n$2\r\n99\r\n$4\r\nm127\r\n$2\r\n99\r\n"],
  [["ZREVRANGE","big","198","250"], "*2\r\n$4\r\nm000\r\n$4\r\nm100\r\n"],
  [["ZRANGE","big","-300","2","WITHSCORES"], "*6\r\n$4\r\nm100\r\n$1\r\n0\r\n$4\r\nm000\r\n$3\r\n0.5\r\n$4\r\nm073\r\n$1\r\n1\r\n"],
  [["ZREVRANGE","big","-300","2"], "*3\r\n$4\r\nm127\r\n$4\r\nm027\r\n$4\r\nm154\r\n"],
  [["ZRANGE","big","100","99","WITHSCORES"], "*0\r\n"],
  [["ZREVRANGE","big","100","99"], "*0\r\n"],
  [["ZRANK","big","m000"], ":1\r\n"],
  [["ZREVRANK","big","m000"], ":198\r\n"],
  [["ZSCORE","big","m000"], "$3\r\n0.5\r\n"],
  [["ZRANK","big","m199"], ":127\r\n"],
  [["ZREVRANK","big","m199"], ":72\r\n"],
  [["ZSCORE","big","m199"], "$2\r\n63\r\n"],
  [["ZRANK","big","m100"], ":0\r\n"],
  [["ZREVRANK","big","m100"], ":199\r\n"],
  [["ZSCORE","big","m100"], "$1\r\n0\r\n"],
  [["ZRANK","big","m057"], ":18\r\n"],
  [["ZREVRANK","big","m057"], ":181\r\n"],
  [["ZSCORE","big","m057"], "$1\r\n9\r\n"],
  [["ZRANK","big","nope"], "$-1\r\n"],
  [["ZREVRANK","big","nope"], "$-1\r\n"],
  [["ZSCORE","big","nope"], "$-1\r\n"],
  [["ZRANGEBYSCORE","big","(49","51","WITHSCORES"], "*10\r\n$4\r\nm077\r\n$4\r\n49.5\r\n$4\r\nm050\r\n$2\r\n50\r\n$4\r\nm150\r\n$2\r\n50\r\n$4\r\nm023\r\n$2\r\n51\r\n$4\r\nm123\r\n$2\r\n51\r\n"],
  [["ZRANGEBYSCORE","big","-inf","+inf","LIMIT","100","5"], "*5\r\n$4\r\nm050\r\n$4\r\nm150\r\n$4\r\nm023\r\n$4\r\nm123\r\n$4\r\nm096\r\n"],
  [["ZREVRANGEBYSCORE","big","+inf","-inf","WITHSCORES","LIMIT","195","10"], "*10\r\n$4\r\nm046\r\n$1\r\n2\r\n$4\r\nm173\r\n$1\r\n1\r\n$4\r\nm073\r\n$1\r\n1\r\n$4\r\nm000\r\n$3\r\n0.5\r\n$4\r\nm100\r\n$1\r\n0\r\n"],
  [["ZRANGEBYSCORE","big","-inf","+inf","LIMIT","199","5"], "*1\r\n$4\r\nm127\r\n"],
  [["ZRANGEBYSCORE","big","-inf","+inf","LIMIT","200","5"], "*0\r\n"],
  [["ZCOUNT","big","-inf","+inf"], ":200\r\n"],
  [["ZCOUNT","big","(10","20"], ":20\r\n"],
  [["ZCOUNT","big","99","(99.5"], ":2\r\n"],
  [["ZCOUNT","big","0","0.5"], ":2\r\n"],
  [["ZCOUNT","big","5","(5"], ":0\r\n"],
  [["ZRANGE","big","(98","+inf","BYSCORE","WITHSCORES"], "*6\r\n$4\r\nm154\r\n$4\r\n98.5\r\n$4\r\nm027\r\n$2\r\n99\r\n$4\r\nm127\r\n$2\r\n99\r\n"],
  [["ZRANGE","big","+inf","(98","BYSCORE","REV","LIMIT","0","3"], "*3\r\n$4\r\nm127\r\n$4\r\nm027\r\n$4\r\nm154\r\n"],
  [["ZRANGESTORE","small","big","0","9"], ":10\r\n"],
  [["OBJECT","ENCODING","small"], "$8\r\nlistpack\r\n"],
  [["ZRANGE","small","0","-1","WITHSCORES"], "*20\r\n$4\r\nm100\r\n$1\r\n0\r\n$4\r\nm000\r\n$3\r\n0.5\r\n$4\r\nm073\r\n$1\r\n1\r\n$4\r\nm173\r\n$1\r\n1\r\n$4\r\nm046\r\n$1\r\n2\r\n$4\r\nm146\r\n$1\r\n2\r\n$4\r\nm019\r\n$1\r\n3\r\n$4\r\nm119\r\n$3\r\n3.5\r\n$4\r\nm092\r\n$1\r\n4\r\n$4\r\nm192\r\n$1\r\n4\r\n"],
  [["ZRANGESTORE","large","big","0","150"], ":151\r\n"],
  [["OBJECT","ENCODING","large"], "$8\r\nskiplist\r\n"],
  [["ZCARD","large"], ":151\r\n"],
  [["ZRANGESTORE","large2","big","-inf","+inf","BYSCORE"], ":200\r\n"],
  [["OBJECT","ENCODING","large2"], "$8\r\nskiplist\r\n"],
  [["ZUNIONSTORE","u","2","small","large","WEIGHTS","2","1"], ":151\r\n"],
  [["OBJECT","ENCODING","u"], "$8\r\nskiplist\r\n"],
  [["ZRANGE","u","0","9","WITHSCORES"], "*20\r\n$4\r\nm100\r\n$1\r\n0\r\n$4\r\nm000\r\n$3\r\n1.5\r\n$4\r\nm073\r\n$1\r\n3\r\n$4\r\nm173\r\n$1\r\n3\r\n$4\r\nm065\r\n$1\r\n5\r\n$4\r\nm165\r\n$1\r\n5\r\n$4\r\nm038\r\n$1\r\n6\r\n$4\r\nm046\r\n$1\r\n6\r\n$4\r\nm138\r\n$1\r\n6\r\n$4\r\nm146\r\n$1\r\n6\r\n"],
  [["ZINTERSTORE","i","2","big","small","AGGREGATE","MAX"], ":10\r\n"],
  [["OBJECT","ENCODING","i"], "$8\r\nlistpack\r\n"],
  [["ZRANGE","i","0","-1","WITHSCORES"], "*20\r\n$4\r\nm100\r\n$1\r\n0\r\n$4\r\nm000\r\n$3\r\n0.5\r\n$4\r\nm073\r\n$1\r\n1\r\n$4\r\nm173\r\n$1\r\n1\r\n$4\r\nm046\r\n$1\r\n2\r\n$4\r\nm146\r\n$1\r\n2\r\n$4\r\nm019\r\n$1\r\n3\r\n$4\r\nm119\r\n$3\r\n3.5\r\n$4\r\nm092\r\n$1\r\n4\r\n$4\r\nm192\r\n$1\r\n4\r\n"],
  [["ZDIFFSTORE","df","2","big","large"], ":49\r\n"],
  [["OBJECT","ENCODING","df"], "$8\r\nlistpack\r\n"],
  [["ZRANGE","df","0","-1","WITHSCORES"], "*98\r\n$4\r\nm175\r\n$4\r\n75.5\r\n$4\r\nm048\r\n$2\r\n76\r\n$4\r\nm148\r\n$2\r\n76\r\n$4\r\nm121\r\n$2\r\n77\r\n$4\r\nm021\r\n$4\r\n77.5\r\n$4\r\nm094\r\n$2\r\n78\r\n$4\r\nm194\r\n$2\r\n78\r\n$4\r\nm067\r\n$2\r\n79\r\n$4\r\nm167\r\n$2\r\n79\r\n$4\r\nm040\r\n$2\r\n80\r\n$4\r\nm140\r\n$4\r\n80.5\r\n$4\r\nm013\r\n$2\r\n81\r\n$4\r\nm113\r\n$2\r\n81\r\n$4\r\nm086\r\n$2\r\n82\r\n$4\r\nm186\r\n$2\r\n82\r\n$4\r\nm059\r\n$2\r\n83\r\n$4\r\nm159\r\n$2\r\n83\r\n$4\r\nm032\r\n$2\r\n84\r\n$4\r\nm132\r\n$2\r\n84\r\n$4\r\nm005\r\n$2\r\n85\r\n$4\r\nm105\r\n$4\r\n85.5\r\n$4\r\nm078\r\n$2\r\n86\r\n$4\r\nm178\r\n$2\r\n86\r\n$4\r\nm051\r\n$2\r\n87\r\n$4\r\nm151\r\n$2\r\n87\r\n$4\r\nm024\r\n$2\r\n88\r\n$4\r\nm124\r\n$2\r\n88\r\n$4\r\nm097\r\n$2\r\n89\r\n$4\r\nm197\r\n$2\r\n89\r\n$4\r\nm170\r\n$2\r\n90\r\n$4\r\nm070\r\n$4\r\n90.5\r\n$4\r\nm043\r\n$2\r\n91\r\n$4\r\nm143\r\n$2\r\n91\r\n$4\r\nm016\r\n$2\r\n92\r\n$4\r\nm116\r\n$2\r\n92\r\n$4\r\nm089\r\n$2\r\n93\r\n$4\r\nm189\r\n$4\r\n93.5\r\n$4\r\nm062\r\n$2\r\n94\r\n$4\r\nm162\r\n$2\r\n94\r\n$4\r\nm135\r\n$2\r\n95\r\n$4\r\nm035\r\n$4\r\n95.5\r\n$4\r\nm008\r\n$2\r\n96\r\n$4\r\nm108\r\n$2\r\n96\r\n$4\r\nm081\r\n$2\r\n97\r\n$4\r\nm181\r\n$2\r\n97\r\n$4\r\nm054\r\n$2\r\n98\r\n$4\r\nm154\r\n$4\r\n98.5\r\n$4\r\nm027\r\n$2\r\n99\r\n$4\r\nm127\r\n$2\r\n99\r\n"],
  [["ZINTERCARD","2","big","large"], ":151\r\n"],
  [["ZINTERCARD","2","big","large","LIMIT","7"], ":7\r\n"],
  [["ZPOPMIN","big","3"], "*6\r\n$4\r\nm100\r\n$1\r\n0\r\n$4\r\nm000\r\n$3\r\n0.5\r\n$4\r\nm073\r\n$1\r\n1\r\n"],
  [["ZPOPMAX","big","3"], "*6\r\n$4\r\nm127\r\n$2\r\n99\r\n$4\r\nm027\r\n$2\r\n99\r\n$4\r\nm154\r\n$4\r\n98.5\r\n"],
  [["ZPOPMAX","big"], "*2\r\n$4\r\nm054\r\n$2\r\n98\r\n"],
  [["ZMPOP","2","nokey","big","MAX","COUNT","2"], "*2\r\n$3\r\nbig\r\n*2\r\n*2\r\n$4\r\nm181\r\n$2\r\n97\r\n*2\r\n$4\r\nm081\r\n$2\r\n97\r\n"],
  [["ZREMRANGEBYRANK","big","0","9"], ":10\r\n"],
  [["ZREMRANGEBYRANK","big","-10","-1"], ":10\r\n"],
  [["ZREMRANGEBYRANK","big","50","59"], ":10\r\n"],
  [["ZREMRANGEBYSCORE","big","(20","30"], ":20\r\n"],
  [["ZCARD","big"], ":141\r\n"],
  [["ZRANGE","big","0","-1"], "*141\r\n$4\r\nm138\r\n$4\r\nm011\r\n$4\r\nm111\r\n$4\r\nm184\r\n$4\r\nm084\r\n$4\r\nm057\r\n$4\r\nm157\r\n$4\r\nm030\r\n$4\r\nm130\r\n$4\r\nm003\r\n$4\r\nm103\r\n$4\r\nm076\r\n$4\r\nm176\r\n$4\r\nm149\r\n$4\r\nm049\r\n$4\r\nm022\r\n$4\r\nm122\r\n$4\r\nm095\r\n$4\r\nm195\r\n$4\r\nm068\r\n$4\r\nm168\r\n$4\r\nm041\r\n$4\r\nm141\r\n$4\r\nm114\r\n$4\r\nm014\r\n$4\r\nm087\r\n$4\r\nm187\r\n$4\r\nm060\r\n$4\r\nm160\r\n$4\r\nm163\r\n$4\r\nm028\r\n$4\r\nm001\r\n$4\r\nm101\r\n$4\r\nm074\r\n$4\r\nm174\r\n$4\r\nm047\r\n$4\r\nm147\r\n$4\r\nm020\r\n$4\r\nm120\r\n$4\r\nm093\r\n$4\r\nm193\r\n$4\r\nm066\r\n$4\r\nm166\r\n$4\r\nm039\r\n$4\r\nm139\r\n$4\r\nm012\r\n$4\r\nm112\r\n$4\r\nm085\r\n$4\r\nm185\r\n$4\r\nm058\r\n$4\r\nm158\r\n$4\r\nm031\r\n$4\r\nm131\r\n$4\r\nm004\r\n$4\r\nm104\r\n$4\r\nm177\r\n$4\r\nm077\r\n$4\r\nm050\r\n$4\r\nm150\r\n$4\r\nm023\r\n$4\r\nm123\r\n$4\r\nm096\r\n$4\r\nm196\r\n$4\r\nm069\r\n$4\r\nm169\r\n$4\r\nm142\r\n$4\r\nm042\r\n$4\r\nm015\r\n$4\r\nm115\r\n$4\r\nm088\r\n$4\r\nm188\r\n$4\r\nm061\r\n$4\r\nm161\r\n$4\r\nm034\r\n$4\r\nm134\r\n$4\r\nm107\r\n$4\r\nm007\r\n$4\r\nm080\r\n$4\r\nm180\r\n$4\r\nm053\r\n$4\r\nm153\r\n$4\r\nm026\r\n$4\r\nm126\r\n$4\r\nm099\r\n$4\r\nm199\r\n$4\r\nm072\r\n$4\r\nm172\r\n$4\r\nm045\r\n$4\r\nm145\r\n$4\r\nm018\r\n$4\r\nm118\r\n$4\r\nm191\r\n$4\r\nm091\r\n$4\r\nm064\r\n$4\r\nm164\r\n$4\r\nm037\r\n$4\r\nm137\r\n$4\r\nm010\r\n$4\r\nm110\r\n$4\r\nm083\r\n$4\r\nm183\r\n$4\r\nm156\r\n$4\r\nm056\r\n$4\r\nm029\r\n$4\r\nm129\r\n$4\r\nm002\r\n$4\r\nm102\r\n$4\r\nm075\r\n$4\r\nm175\r\n$4\r\nm048\r\n$4\r\nm148\r\n$4\r\nm121\r\n$4\r\nm021\r\n$4\r\nm094\r\n$4\r\nm194\r\n$4\r\nm067\r\n$4\r\nm167\r\n$4\r\nm040\r\n$4\r\nm140\r\n$4\r\nm013\r\n$4\r\nm113\r\n$4\r\nm086\r\n$4\r\nm186\r\n$4\r\nm059\r\n$4\r\nm159\r\n$4\r\nm032\r\n$4\r\nm132\r\n$4\r\nm005\r\n$4\r\nm105\r\n$4\r\nm078\r\n$4\r\nm178\r\n$4\r\nm051\r\n$4\r\nm151\r\n$4\r\nm024\r\n$4\r\nm124\r\n$4\r\nm097\r\n$4\r\nm197\r\n$4\r\nm170\r\n$4\r\nm070\r\n$4\r\nm043\r\n$4\r\nm143\r\n"],
  [["ZREM","big","m050","m051","m052"], ":2\r\n"],
  [["OBJECT","ENCODING","big"], "$8\r\nskiplist\r\n"],
  [["ZREMRANGEBYRANK","big","0","-1"], ":139\r\n"],
  [["EXISTS","big"], ":0\r\n"],
  [["ZADD","lex","0","w000","0","w001","0","w002","0","w003","0","w004","0","w005","0","w006","0","w007","0","w008","0","w009","0","w010","0","w011","0","w012","0","w013","0","w014","0","w015","0","w016","0","w017","0","w018","0","w019","0","w020","0","w021","0","w022","0","w023","0","w024","0","w025","0","w026","0","w027","0","w028","0","w029","0","w030","0","w031","0","w032","0","w033","0","w034","0","w035","0","w036","0","w037","0","w038","0","w039","0","w040","0","w041","0","w042","0","w043","0","w044","0","w045","0","w046","0","w047","0","w048","0","w049","0","w050","0","w051","0","w052","0","w053","0","w054","0","w055","0","w056","0","w057","0","w058","0","w059","0","w060","0","w061","0","w062","0","w063","0","w064","0","w065","0","w066","0","w067","0","w068","0","w069","0","w070","0","w071","0","w072","0","w073","0","w074","0","w075","0","w076","0","w077","0","w078","0","w079","0","w080","0","w081","0","w082","0","w083","0","w084","0","w085","0","w086","0","w087","0","w088","0","w089","0","w090","0","w091","0","w092","0","w093","0","w094","0","w095","0","w096","0","w097","0","w098","0","w099","0","w100","0","w101","0","w102","0","w103","0","w104","0","w105","0","w106","0","w107","0","w108","0","w109","0","w110","0","w111","0","w112","0","w113","0","w114","0","w115","0","w116","0","w117","0","w118","0","w119","0","w120","0","w121","0","w122","0","w123","0","w124","0","w125","0","w126","0","w127","0","w128","0","w129","0","w130","0","w131","0","w132","0","w133","0","w134","0","w135","0","w136","0","w137","0","w138","0","w139","0","w140","0","w141","0","w142","0","w143","0","w144","0","w145","0","w146","0","w147","0","w148","0","w149","0","w150","0","w151","0","w152","0","w153","0","w154","0","w155","0","w156","0","w157","0","w158","0","w159","0","w160","0","w161","0","w162","0","w163","0","w164","0","w165","0","w166","0","w167","0","w168","0","w169","0","w170","0","w171","0","w172","0","w173","0","w174","0","w175","0","w176","0","w177","0","w178","0","w179","0","w180","0","w181","0","w182","0","w183","0","w184","0","w185","0","w186","0","w187","0","w188","0","w189","0","w190","0","w191","0","w192","0","w193","0","w194","0","w195","0","w196","0","w197","0","w198","0","w199","0","w200","0","w201","0","w202","0","w203","0","w204","0","w205","0","w206","0","w207","0","w208","0","w209","0","w210","0","w211","0","w212","0","w213","0","w214","0","w215","0","w216","0","w217","0","w218","0","w219","0","w220","0","w221","0","w222","0","w223","0","w224","0","w225","0","w226","0","w227","0","w228","0","w229","0","w230","0","w231","0","w232","0","w233","0","w234","0","w235","0","w236","0","w237","0","w238","0","w239","0","w240","0","w241","0","w242","0","w243","0","w244","0","w245","0","w246","0","w247","0","w248","0","w249","0","w250","0","w251","0","w252","0","w253","0","w254","0","w255","0","w256","0","w257","0","w258","0","w259","0","w260","0","w261","0","w262","0","w263","0","w264","0","w265","0","w266","0","w267","0","w268","0","w269","0","w270","0","w271","0","w272","0","w273","0","w274","0","w275","0","w276","0","w277","0","w278","0","w279","0","w280","0","w281","0","w282","0","w283","0","w284","0","w285","0","w286","0","w287","0","w288","0","w289","0","w290","0","w291","0","w292","0","w293","0","w294","0","w295","0","w296","0","w297","0","w298","0","w299"], ":300\r\n"],
  [["OBJECT","ENCODING","lex"], "$8\r\nskiplist\r\n"],
  [["ZRANGEBYLEX","lex","[w100","(w105"], "*5\r\n$4\r\nw100\r\n$4\r\nw101\r\n$4\r\nw102\r\n$4\r\nw103\r\n$4\r\nw104\r\n"],
  [["ZREVRANGEBYLEX","lex","(w105","[w100"], "*5\r\n$4\r\nw104\r\n$4\r\nw103\r\n$4\r\nw102\r\n$4\r\nw101\r\n$4\r\nw100\r\n"],
  [["ZRANGEBYLEX","lex","-","+","LIMIT","290","20"], "*10\r\n$4\r\nw290\r\n$4\r\nw291\r\n$4\r\nw292\r\n$4\r\nw293\r\n$4\r\nw294\r\n$4\r\nw295\r\n$4\r\nw296\r\n$4\r\nw297\r\n$4\r\nw298\r\n$4\r\nw299\r\n"],
  [["ZREVRANGEBYLEX","lex","+","-","LIMIT","295","20"], "*5\r\n$4\r\nw004\r\n$4\r\nw003\r\n$4\r\nw002\r\n$4\r\nw001\r\n$4\r\nw000\r\n"],
  [["ZLEXCOUNT","lex","-","+"], ":300\r\n"],
  [["ZLEXCOUNT","lex","[w010","[w289"], ":280\r\n"],
  [["ZLEXCOUNT","lex","(w010","(w011"], ":0\r\n"],
  [["ZLEXCOUNT","lex","[x","+"], ":0\r\n"],
  [["ZLEXCOUNT","lex","-","[a"], ":0\r\n"],
  [["ZRANGE","lex","[w299","-","BYLEX","REV","LIMIT","0","2"], "*2\r\n$4\r\nw299\r\n$4\r\nw298\r\n"],
  [["ZRANGESTORE","lexs","lex","[w200","+","BYLEX"], ":100\r\n"],
  [["OBJECT","ENCODING","lexs"], "$8\r\nlistpack\r\n"],
  [["ZCARD","lexs"], ":100\r\n"],
  [["ZREMRANGEBYLEX","lex","[w000","(w100"], ":100\r\n"],
  [["ZCARD","lex"], ":200\r\n"],
  [["ZRANGE","lex","0","0"], "*1\r\n$4\r\nw100\r\n"],
  [["ZRANK","lex","w100"], ":0\r\n"],
  [["ZREVRANK","lex","w100"], ":199\r\n"],
  [["ZADD","lex","-0","negzero"], ":1\r\n"],
  [["ZSCORE","lex","negzero"], "$2\r\n-0\r\n"],
  [["ZRANGE","lex","0","1","WITHSCORES"], "*4\r\n$7\r\nnegzero\r\n$2\r\n-0\r\n$4\r\nw100\r\n$1\r\n0\r\n"],
  [["ZREMRANGEBYLEX","lex","-","+"], ":201\r\n"],
  [["EXISTS","lex"], ":0\r\n"],
];

/** lex ranges over mixed scores (as Redis' listpack walks them: the first member not below min starts the range even when it is beyond max, LIMIT skips without looking), -0 through *STORE, conversions by zset-max-listpack-*, then RESP3 shapes. */
const ENCODINGS_AND_RESP3: Transcript = [
  [["FLUSHALL"], null],
  [["ZADD","k","1","b","1","d","2","a","2","c"], ":4\r\n"],
  [["ZRANGEBYLEX","k","[c","[c"], "*0\r\n"],
  [["ZRANGEBYLEX","k","[c","[c","LIMIT","1","5"], "*0\r\n"],
  [["ZRANGEBYLEX","k","[c","+","LIMIT","1","5"], "*2\r\n$1\r\na\r\n$1\r\nc\r\n"],
  [["ZRANGEBYLEX","k","[b","[c","LIMIT","1","5"], "*0\r\n"],
  [["ZREVRANGEBYLEX","k","[b","[b","LIMIT","1","5"], "*0\r\n"],
  [["ZREVRANGEBYLEX","k","[c","-","LIMIT","1","5"], "*3\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\nb\r\n"],
  [["ZREVRANGEBYLEX","k","(b","-"], "*0\r\n"],
  [["ZLEXCOUNT","k","[c","[c"], ":0\r\n"],
  [["ZLEXCOUNT","k","[b","[c"], ":1\r\n"],
  [["ZREMRANGEBYLEX","k","[c","[c"], ":0\r\n"],
  [["ZREMRANGEBYLEX","k","[b","[c"], ":1\r\n"],
  [["ZRANGE","k","0","-1","WITHSCORES"], "*6\r\n$1\r\nd\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n2\r\n"],
  [["FLUSHALL"], null],
  [["ZADD","many","-1","a","0","c00","1","c01","2","c02","3","c03","4","c04","5","c05","6","c06","7","c07","8","c08","9","c09","10","c10","11","c11","12","c12","13","c13","14","c14","15","c15","16","c16","17","c17","18","c18","19","c19","20","c20","21","c21","22","c22","23","c23","24","c24","25","c25","26","c26","27","c27","28","c28","29","c29","30","c30","31","c31","32","c32","33","c33","34","c34","35","c35","36","c36","37","c37","38","c38","39","c39","40","c40","41","c41","42","c42","43","c43","44","c44","45","c45","46","c46","47","c47","48","c48","49","c49","50","c50","51","c51","52","c52","53","c53","54","c54","55","c55","56","c56","57","c57","58","c58","59","c59","60","c60","61","c61","62","c62","63","c63","64","c64","65","c65","66","c66","67","c67","68","c68","69","c69","70","c70","71","c71","72","c72","73","c73","74","c74","75","c75","76","c76","77","c77","78","c78","79","c79","80","c80","81","c81","82","c82","83","c83","84","c84","85","c85","86","c86","87","c87","88","c88","89","c89","90","c90","91","c91","92","c92","93","c93","94","c94","95","c95","96","c96","97","c97","98","c98","99","c99","100","y","101","d","102","z"], ":104\r\n"],
  [["ZRANGEBYLEX","many","[x","+"], "*3\r\n$1\r\ny\r\n$1\r\nd\r\n$1\r\nz\r\n"],
  [["ZREVRANGEBYLEX","many","[b","-"], "*1\r\n$1\r\na\r\n"],
  [["ZRANGEBYLEX","many","[d","[e"], "*0\r\n"],
  [["ZRANGEBYLEX","many","[d","[e","LIMIT","1","-1"], "*0\r\n"],
  [["ZREVRANGEBYLEX","many","[b","(a","LIMIT","1","-1"], "*0\r\n"],
  [["ZRANGEBYLEX","many","[c50","[c60"], "*11\r\n$3\r\nc50\r\n$3\r\nc51\r\n$3\r\nc52\r\n$3\r\nc53\r\n$3\r\nc54\r\n$3\r\nc55\r\n$3\r\nc56\r\n$3\r\nc57\r\n$3\r\nc58\r\n$3\r\nc59\r\n$3\r\nc60\r\n"],
  [["ZREVRANGEBYLEX","many","[c60","[c50","LIMIT","2","-1"], "*9\r\n$3\r\nc58\r\n$3\r\nc57\r\n$3\r\nc56\r\n$3\r\nc55\r\n$3\r\nc54\r\n$3\r\nc53\r\n$3\r\nc52\r\n$3\r\nc51\r\n$3\r\nc50\r\n"],
  [["ZRANGEBYLEX","many","(c99","+"], "*3\r\n$1\r\ny\r\n$1\r\nd\r\n$1\r\nz\r\n"],
  [["OBJECT","ENCODING","many"], "$8\r\nlistpack\r\n"],
  [["FLUSHALL"], null],
  [["ZADD","m","1","b","1","d","2","a","2","c","3","a1","0","zz"], ":6\r\n"],
  [["ZRANGEBYLEX","m","-","+"], "*6\r\n$2\r\nzz\r\n$1\r\nb\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nc\r\n$2\r\na1\r\n"],
  [["ZRANGEBYLEX","m","[b","+"], "*0\r\n"],
  [["ZRANGEBYLEX","m","[c","+"], "*0\r\n"],
  [["ZRANGEBYLEX","m","(a","[c"], "*0\r\n"],
  [["ZRANGEBYLEX","m","[a","[b"], "*0\r\n"],
  [["ZRANGEBYLEX","m","-","[b"], "*0\r\n"],
  [["ZRANGEBYLEX","m","[e","+"], "*0\r\n"],
  [["ZRANGEBYLEX","m","[a","[zz"], "*6\r\n$2\r\nzz\r\n$1\r\nb\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nc\r\n$2\r\na1\r\n"],
  [["ZRANGEBYLEX","m","-","+","LIMIT","2","3"], "*3\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nc\r\n"],
  [["ZREVRANGEBYLEX","m","+","-"], "*6\r\n$2\r\na1\r\n$1\r\nc\r\n$1\r\na\r\n$1\r\nd\r\n$1\r\nb\r\n$2\r\nzz\r\n"],
  [["ZREVRANGEBYLEX","m","[c","-"], "*0\r\n"],
  [["ZREVRANGEBYLEX","m","(c","[a"], "*0\r\n"],
  [["ZREVRANGEBYLEX","m","[b","-"], "*0\r\n"],
  [["ZREVRANGEBYLEX","m","+","[c","LIMIT","1","10"], "*0\r\n"],
  [["ZLEXCOUNT","m","-","+"], ":6\r\n"],
  [["ZLEXCOUNT","m","[b","+"], ":0\r\n"],
  [["ZLEXCOUNT","m","[c","[d"], ":0\r\n"],
  [["ZLEXCOUNT","m","(a","(e"], ":0\r\n"],
  [["ZRANGE","m","[c","-","BYLEX","REV"], "*0\r\n"],
  [["ZRANGE","m","-","+","BYLEX","LIMIT","1","2"], "*2\r\n$1\r\nb\r\n$1\r\nd\r\n"],
  [["ZREMRANGEBYLEX","m","[b","[c"], ":0\r\n"],
  [["ZRANGE","m","0","-1","WITHSCORES"], "*12\r\n$2\r\nzz\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n1\r\n$1\r\nd\r\n$1\r\n1\r\n$1\r\na\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n2\r\n$2\r\na1\r\n$1\r\n3\r\n"],
  [["ZADD","e","0","a","0","b","0","c","0","d","0","e","0","f"], ":6\r\n"],
  [["ZRANGEBYLEX","e","(b","[e"], "*3\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n"],
  [["ZRANGEBYLEX","e","-","(c"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n"],
  [["ZRANGEBYLEX","e","[aa","(cc"], "*2\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["ZRANGEBYLEX","e","+","+"], "*0\r\n"],
  [["ZRANGEBYLEX","e","-","-"], "*0\r\n"],
  [["ZRANGEBYLEX","e","[a","[a"], "*1\r\n$1\r\na\r\n"],
  [["ZRANGEBYLEX","e","(a","[a"], "*0\r\n"],
  [["ZRANGEBYLEX","e","[z","+"], "*0\r\n"],
  [["ZREVRANGEBYLEX","e","(e","(b"], "*2\r\n$1\r\nd\r\n$1\r\nc\r\n"],
  [["ZREVRANGEBYLEX","e","(e","(b","LIMIT","-1","2"], "*0\r\n"],
  [["ZRANGEBYLEX","e","-","+","LIMIT","0","-1"], "*6\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n$1\r\nd\r\n$1\r\ne\r\n$1\r\nf\r\n"],
  [["ZLEXCOUNT","e","(b","[e"], ":3\r\n"],
  [["ZLEXCOUNT","e","-","+"], ":6\r\n"],
  [["ZLEXCOUNT","e","+","-"], ":0\r\n"],
  [["ZLEXCOUNT","e","[a","[a"], ":1\r\n"],
  [["ZLEXCOUNT","nokey","-","+"], ":0\r\n"],
  [["ZREMRANGEBYLEX","e","(b","(e"], ":2\r\n"],
  [["ZRANGE","e","0","-1"], "*4\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\ne\r\n$1\r\nf\r\n"],
  [["ZREMRANGEBYLEX","e","-","+"], ":4\r\n"],
  [["EXISTS","e"], ":0\r\n"],
  [["ZADD","n","-0","a"], ":1\r\n"],
  [["ZSCORE","n","a"], "$1\r\n0\r\n"],
  [["ZINCRBY","n","-0","new"], "$2\r\n-0\r\n"],
  [["ZSCORE","n","new"], "$1\r\n0\r\n"],
  [["ZADD","n","INCR","-0","new2"], "$2\r\n-0\r\n"],
  [["ZUNION","1","n","WEIGHTS","-1","WITHSCORES"], "*6\r\n$1\r\na\r\n$2\r\n-0\r\n$3\r\nnew\r\n$2\r\n-0\r\n$4\r\nnew2\r\n$2\r\n-0\r\n"],
  [["ZUNIONSTORE","nd","1","n","WEIGHTS","-1"], ":3\r\n"],
  [["ZRANGE","nd","0","-1","WITHSCORES"], "*6\r\n$1\r\na\r\n$1\r\n0\r\n$3\r\nnew\r\n$1\r\n0\r\n$4\r\nnew2\r\n$1\r\n0\r\n"],
  [["CONFIG","SET","zset-max-listpack-entries","2"], "+OK\r\n"],
  [["ZUNIONSTORE","nd2","1","n","WEIGHTS","-1"], ":3\r\n"],
  [["OBJECT","ENCODING","nd2"], "$8\r\nskiplist\r\n"],
  [["ZRANGE","nd2","0","-1","WITHSCORES"], "*6\r\n$1\r\na\r\n$2\r\n-0\r\n$3\r\nnew\r\n$2\r\n-0\r\n$4\r\nnew2\r\n$2\r\n-0\r\n"],
  [["ZADD","sk","-0","a","-0","b","1","c"], ":3\r\n"],
  [["OBJECT","ENCODING","sk"], "$8\r\nskiplist\r\n"],
  [["ZRANGE","sk","0","-1","WITHSCORES"], "*6\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nc\r\n$1\r\n1\r\n"],
  [["ZRANGESTORE","rs","sk","0","-1"], ":3\r\n"],
  [["OBJECT","ENCODING","rs"], "$8\r\nskiplist\r\n"],
  [["ZRANGE","rs","0","-1","WITHSCORES"], "*6\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nc\r\n$1\r\n1\r\n"],
  [["ZRANGESTORE","rs2","sk","-inf","+inf","BYSCORE"], ":3\r\n"],
  [["OBJECT","ENCODING","rs2"], "$8\r\nskiplist\r\n"],
  [["ZRANGE","rs2","0","-1","WITHSCORES"], "*6\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nc\r\n$1\r\n1\r\n"],
  [["ZRANGESTORE","rs3","sk","+inf","-inf","BYSCORE","REV"], ":3\r\n"],
  [["ZRANGE","rs3","0","-1","WITHSCORES"], "*6\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nc\r\n$1\r\n1\r\n"],
  [["ZRANGESTORE","rs4","sk","0","1"], ":2\r\n"],
  [["OBJECT","ENCODING","rs4"], "$8\r\nlistpack\r\n"],
  [["ZRANGE","rs4","0","-1","WITHSCORES"], "*4\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n0\r\n"],
  [["ZDIFF","1","sk","WITHSCORES"], "*6\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nc\r\n$1\r\n1\r\n"],
  [["ZINTER","1","sk","WITHSCORES"], "*6\r\n$1\r\na\r\n$1\r\n0\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nc\r\n$1\r\n1\r\n"],
  [["ZMSCORE","sk","a","b","c"], "*3\r\n$1\r\n0\r\n$1\r\n0\r\n$1\r\n1\r\n"],
  [["ZPOPMIN","sk"], "*2\r\n$1\r\na\r\n$1\r\n0\r\n"],
  [["ZSCAN","sk","0","COUNT","100"], null],
  [["ZCOUNT","sk","-0","0"], ":1\r\n"],
  [["ZCOUNT","sk","(-0","1"], ":1\r\n"],
  [["ZRANGEBYSCORE","sk","0","0","WITHSCORES"], "*2\r\n$1\r\nb\r\n$1\r\n0\r\n"],
  [["CONFIG","SET","zset-max-listpack-entries","128"], "+OK\r\n"],
  [["CONFIG","SET","zset-max-listpack-value","3"], "+OK\r\n"],
  [["ZADD","v","1","abc"], ":1\r\n"],
  [["OBJECT","ENCODING","v"], "$8\r\nlistpack\r\n"],
  [["ZADD","v","1","abcd"], ":1\r\n"],
  [["OBJECT","ENCODING","v"], "$8\r\nskiplist\r\n"],
  [["ZREM","v","abcd"], ":1\r\n"],
  [["OBJECT","ENCODING","v"], "$8\r\nskiplist\r\n"],
  [["ZADD","v2","1","abcd","2","a"], ":2\r\n"],
  [["OBJECT","ENCODING","v2"], "$8\r\nskiplist\r\n"],
  [["ZRANGESTORE","v3","v2","0","0","REV"], ":1\r\n"],
  [["OBJECT","ENCODING","v3"], "$8\r\nlistpack\r\n"],
  [["ZRANGESTORE","v3","v2","0","-1"], ":2\r\n"],
  [["OBJECT","ENCODING","v3"], "$8\r\nskiplist\r\n"],
  [["ZUNIONSTORE","v4","1","v2"], ":2\r\n"],
  [["OBJECT","ENCODING","v4"], "$8\r\nskiplist\r\n"],
  [["ZINTERSTORE","v4","1","v2"], ":2\r\n"],
  [["OBJECT","ENCODING","v4"], "$8\r\nskiplist\r\n"],
  [["ZDIFFSTORE","v4","2","v2","v"], ":2\r\n"],
  [["OBJECT","ENCODING","v4"], "$8\r\nskiplist\r\n"],
  [["ZRANGE","v4","0","-1"], "*2\r\n$4\r\nabcd\r\n$1\r\na\r\n"],
  [["CONFIG","SET","zset-max-listpack-value","64"], "+OK\r\n"],
  [["CONFIG","SET","zset-max-listpack-entries","0"], "+OK\r\n"],
  [["ZADD","w","1","a"], ":1\r\n"],
  [["OBJECT","ENCODING","w"], "$8\r\nskiplist\r\n"],
  [["ZUNIONSTORE","w2","1","w"], ":1\r\n"],
  [["OBJECT","ENCODING","w2"], "$8\r\nskiplist\r\n"],
  [["CONFIG","SET","zset-max-listpack-entries","128"], "+OK\r\n"],
  [["ZADD","big","1","a"], ":1\r\n"],
  [["COPY","big","big2"], ":1\r\n"],
  [["OBJECT","ENCODING","big2"], "$8\r\nlistpack\r\n"],
  [["RENAME","sk","sk2"], "+OK\r\n"],
  [["OBJECT","ENCODING","sk2"], "$8\r\nskiplist\r\n"],
  [["ZRANGE","sk2","0","-1","WITHSCORES"], "*4\r\n$1\r\nb\r\n$1\r\n0\r\n$1\r\nc\r\n$1\r\n1\r\n"],
  [["TYPE","sk2"], "+zset\r\n"],
  [["HELLO","3"], null],
  [["ZRANGE","sk2","0","-1","WITHSCORES"], "*2\r\n*2\r\n$1\r\nb\r\n,0\r\n*2\r\n$1\r\nc\r\n,1\r\n"],
  [["ZSCORE","sk2","a"], "_\r\n"],
  [["ZINCRBY","sk2","0.5","c"], ",1.5\r\n"],
  [["ZPOPMAX","sk2"], "*2\r\n$1\r\nc\r\n,1.5\r\n"],
  [["ZPOPMAX","sk2","1"], "*1\r\n*2\r\n$1\r\nb\r\n,0\r\n"],
  [["ZPOPMAX","sk2","0"], "*0\r\n"],
  [["ZPOPMAX","nokey","0"], "*0\r\n"],
  [["ZMPOP","1","nokey","MIN"], "_\r\n"],
  [["ZRANGEBYSCORE","e","-inf","+inf","WITHSCORES"], "*0\r\n"],
  [["ZADD","r3","1","a","2","b","3","c"], ":3\r\n"],
  [["ZINTER","1","r3","WITHSCORES"], "*3\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\nc\r\n,3\r\n"],
  [["ZUNION","1","r3"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["ZDIFF","1","r3","WITHSCORES"], "*3\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\nc\r\n,3\r\n"],
  [["ZRANGE","r3","0","-1","WITHSCORES"], "*3\r\n*2\r\n$1\r\na\r\n,1\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\nc\r\n,3\r\n"],
  [["ZREVRANGEBYSCORE","r3","+inf","-inf","WITHSCORES","LIMIT","1","1"], "*1\r\n*2\r\n$1\r\nb\r\n,2\r\n"],
  [["ZRANGESTORE","x","r3","0","-1"], ":3\r\n"],
  [["ZMSCORE","r3","a","zz"], "*2\r\n,1\r\n_\r\n"],
  [["ZRANK","r3","zz"], "_\r\n"],
  [["ZSCAN","r3","0"], "*2\r\n$1\r\n0\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n"],
  [["ZADD","r3","XX","INCR","1","zz"], "_\r\n"],
  [["ZADD","r3","INCR","1","a"], ",2\r\n"],
  [["ZMPOP","1","r3","MAX","COUNT","2"], "*2\r\n$2\r\nr3\r\n*2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2\r\n"],
  [["ZRANDMEMBER","nokey"], "_\r\n"],
  [["ZRANDMEMBER","nokey","1"], "*0\r\n"],
  [["HELLO","3"], null],
  [["DEL","z","z2","d"], ":0\r\n"],
  [["ZADD","z","1","a","2","b","3","c"], ":3\r\n"],
  [["ZADD","z2","1","a","5","x"], ":2\r\n"],
  [["ZSCORE","z","a"], ",1\r\n"],
  [["ZSCORE","z","nope"], "_\r\n"],
  [["ZMSCORE","z","a","nope"], "*2\r\n,1\r\n_\r\n"],
  [["ZINCRBY","z","1","a"], ",2\r\n"],
  [["ZADD","z","INCR","1","a"], ",3\r\n"],
  [["ZADD","z","NX","INCR","1","a"], "_\r\n"],
  [["ZRANGE","z","0","-1","WITHSCORES"], "*3\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,3\r\n*2\r\n$1\r\nc\r\n,3\r\n"],
  [["ZRANGE","z","0","-1"], "*3\r\n$1\r\nb\r\n$1\r\na\r\n$1\r\nc\r\n"],
  [["ZRANGEBYSCORE","z","-inf","+inf","WITHSCORES"], "*3\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\na\r\n,3\r\n*2\r\n$1\r\nc\r\n,3\r\n"],
  [["ZREVRANGE","z","0","-1","WITHSCORES"], "*3\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\na\r\n,3\r\n*2\r\n$1\r\nb\r\n,2\r\n"],
  [["ZPOPMIN","z"], "*2\r\n$1\r\nb\r\n,2\r\n"],
  [["ZPOPMIN","z","1"], "*1\r\n*2\r\n$1\r\na\r\n,3\r\n"],
  [["ZPOPMAX","z","5"], "*1\r\n*2\r\n$1\r\nc\r\n,3\r\n"],
  [["ZPOPMAX","nokey"], "*0\r\n"],
  [["ZPOPMAX","nokey","2"], "*0\r\n"],
  [["ZADD","z","1","a","2","b","3","c"], ":3\r\n"],
  [["ZRANDMEMBER","z"], null],
  [["ZRANDMEMBER","nokey"], "_\r\n"],
  [["ZRANDMEMBER","z","1","WITHSCORES"], null],
  [["ZRANDMEMBER","z","-2","WITHSCORES"], null],
  [["ZRANDMEMBER","z","5","WITHSCORES"], null],
  [["ZUNION","2","z","z2","WITHSCORES"], "*4\r\n*2\r\n$1\r\na\r\n,2\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nx\r\n,5\r\n"],
  [["ZINTER","2","z","z2","WITHSCORES"], "*1\r\n*2\r\n$1\r\na\r\n,2\r\n"],
  [["ZDIFF","2","z","z2","WITHSCORES"], "*2\r\n*2\r\n$1\r\nb\r\n,2\r\n*2\r\n$1\r\nc\r\n,3\r\n"],
  [["ZMPOP","1","z","MIN"], "*2\r\n$1\r\nz\r\n*1\r\n*2\r\n$1\r\na\r\n,1\r\n"],
  [["ZMPOP","2","nokey","z","MAX","COUNT","5"], "*2\r\n$1\r\nz\r\n*2\r\n*2\r\n$1\r\nc\r\n,3\r\n*2\r\n$1\r\nb\r\n,2\r\n"],
  [["ZMPOP","1","nokey","MAX"], "_\r\n"],
  [["ZSCAN","z2","0"], "*2\r\n$1\r\n0\r\n*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nx\r\n$1\r\n5\r\n"],
  [["ZRANK","z2","x"], ":1\r\n"],
  [["ZRANK","z2","nope"], "_\r\n"],
  [["ZADD","z","XX","INCR","1","nope"], "_\r\n"],
];

/** TYPE, EXPIRE, RENAME, COPY, MOVE, SCAN TYPE, MULTI/EXEC, repeated members in one ZADD, binary members. */
const KEYSPACE: Transcript = [
  [["FLUSHALL"], null],
  [["ZADD","z","1","a","2","b"], ":2\r\n"],
  [["TYPE","z"], "+zset\r\n"],
  [["EXISTS","z"], ":1\r\n"],
  [["EXPIRE","z","100"], ":1\r\n"],
  [["RENAME","z","z2"], "+OK\r\n"],
  [["TYPE","z2"], "+zset\r\n"],
  [["ZRANGE","z2","0","-1","WITHSCORES"], "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"],
  [["PERSIST","z2"], ":1\r\n"],
  [["TTL","z2"], ":-1\r\n"],
  [["RENAMENX","z2","z2"], ":0\r\n"],
  [["COPY","z2","z3"], ":1\r\n"],
  [["ZRANGE","z3","0","-1","WITHSCORES"], "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"],
  [["MOVE","z3","1"], ":1\r\n"],
  [["EXISTS","z3"], ":0\r\n"],
  [["SELECT","1"], "+OK\r\n"],
  [["ZRANGE","z3","0","-1","WITHSCORES"], "*4\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n"],
  [["ZCARD","z3"], ":2\r\n"],
  [["SELECT","0"], "+OK\r\n"],
  [["SET","z2","string now"], "+OK\r\n"],
  [["TYPE","z2"], "+string\r\n"],
  [["ZADD","z2","1","a"], "-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"],
  [["DEL","z2"], ":1\r\n"],
  [["ZADD","z2","5","x"], ":1\r\n"],
  [["ZRANGE","z2","0","-1","WITHSCORES"], "*2\r\n$1\r\nx\r\n$1\r\n5\r\n"],
  [["SCAN","0","TYPE","zset","COUNT","100"], "*2\r\n$1\r\n0\r\n*1\r\n$2\r\nz2\r\n"],
  [["DBSIZE"], ":1\r\n"],
  [["MULTI"], "+OK\r\n"],
  [["ZADD","t","1","a","2","b","3","c"], "+QUEUED\r\n"],
  [["ZRANGE","t","0","-1","WITHSCORES"], "+QUEUED\r\n"],
  [["ZPOPMIN","t"], "+QUEUED\r\n"],
  [["ZCARD","t"], "+QUEUED\r\n"],
  [["ZREMRANGEBYSCORE","t","-inf","+inf"], "+QUEUED\r\n"],
  [["EXISTS","t"], "+QUEUED\r\n"],
  [["EXEC"], "*6\r\n:3\r\n*6\r\n$1\r\na\r\n$1\r\n1\r\n$1\r\nb\r\n$1\r\n2\r\n$1\r\nc\r\n$1\r\n3\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n:2\r\n:2\r\n:0\r\n"],
  [["MULTI"], "+OK\r\n"],
  [["ZADD","t","x","a"], "+QUEUED\r\n"],
  [["ZADD","t","1","a"], "+QUEUED\r\n"],
  [["EXEC"], "*2\r\n-ERR value is not a valid float\r\n:1\r\n"],
  [["EXISTS","t"], ":1\r\n"],
  [["MULTI"], "+OK\r\n"],
  [["ZADD","t"], "-ERR wrong number of arguments for 'zadd' command\r\n"],
  [["EXEC"], "-EXECABORT Transaction discarded because of previous errors.\r\n"],
  [["ZADD","dup","1","a","2","a","3","a"], ":1\r\n"],
  [["ZADD","dup","CH","1","a","1","a","4","a"], ":2\r\n"],
  [["ZSCORE","dup","a"], "$1\r\n4\r\n"],
  [["ZADD","dup","NX","5","a","6","b"], ":1\r\n"],
  [["ZADD","dup","XX","CH","7","b","8","c"], ":1\r\n"],
  [["ZRANGE","dup","0","-1","WITHSCORES"], "*4\r\n$1\r\na\r\n$1\r\n4\r\n$1\r\nb\r\n$1\r\n7\r\n"],
  [["ZADD","bin","1","\u0000\u00ff\r\n","2",""], ":2\r\n"],
  [["ZRANGE","bin","0","-1","WITHSCORES"], "*4\r\n$4\r\n\u0000\u00ff\r\n\r\n$1\r\n1\r\n$0\r\n\r\n$1\r\n2\r\n"],
  [["ZRANGEBYLEX","bin","[","+"], "*2\r\n$4\r\n\u0000\u00ff\r\n\r\n$0\r\n\r\n"],
  [["ZSCORE","bin",""], "$1\r\n2\r\n"],
];

/** COMMAND INFO and DOCS of every sorted-set command (RESP2, then a few in RESP3), COMMAND GETKEYS of the numkeys forms. */
const METADATA: Transcript = [
  [["COMMAND","INFO","zadd"], "*1\r\n*10\r\n$4\r\nzadd\r\n:-4\r\n*3\r\n+write\r\n+denyoom\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zadd"], "*2\r\n$4\r\nzadd\r\n*12\r\n$7\r\nsummary\r\n$81\r\nAdd one or more members to a sorted set, or update its score if it already exists\r\n$5\r\nsince\r\n$5\r\n1.2.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$83\r\nO(log(N)) for each item added, where N is the number of elements in the sorted set.\r\n$7\r\nhistory\r\n*3\r\n*2\r\n$5\r\n2.4.0\r\n$26\r\nAccepts multiple elements.\r\n*2\r\n$5\r\n3.0.2\r\n$46\r\nAdded the `XX`, `NX`, `CH` and `INCR` options.\r\n*2\r\n$5\r\n6.2.0\r\n$32\r\nAdded the `GT` and `LT` options.\r\n$9\r\narguments\r\n*6\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*10\r\n$4\r\nname\r\n$9\r\ncondition\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nsince\r\n$5\r\n3.0.2\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$2\r\nnx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nNX\r\n*6\r\n$4\r\nname\r\n$2\r\nxx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nXX\r\n*10\r\n$4\r\nname\r\n$10\r\ncomparison\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$2\r\ngt\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nGT\r\n*6\r\n$4\r\nname\r\n$2\r\nlt\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nLT\r\n*10\r\n$4\r\nname\r\n$6\r\nchange\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nCH\r\n$5\r\nsince\r\n$5\r\n3.0.2\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$9\r\nincrement\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$4\r\nINCR\r\n$5\r\nsince\r\n$5\r\n3.0.2\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$12\r\nscore_member\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\nname\r\n$5\r\nscore\r\n$4\r\ntype\r\n$6\r\ndouble\r\n*4\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n"],
  [["COMMAND","INFO","zincrby"], "*1\r\n*10\r\n$7\r\nzincrby\r\n:4\r\n*3\r\n+write\r\n+denyoom\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zincrby"], "*2\r\n$7\r\nzincrby\r\n*10\r\n$7\r\nsummary\r\n$47\r\nIncrement the score of a member in a sorted set\r\n$5\r\nsince\r\n$5\r\n1.2.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$62\r\nO(log(N)) where N is the number of elements in the sorted set.\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$9\r\nincrement\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*4\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n"],
  [["COMMAND","INFO","zrem"], "*1\r\n*10\r\n$4\r\nzrem\r\n:-3\r\n*2\r\n+write\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zrem"], "*2\r\n$4\r\nzrem\r\n*12\r\n$7\r\nsummary\r\n$44\r\nRemove one or more members from a sorted set\r\n$5\r\nsince\r\n$5\r\n1.2.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$109\r\nO(M*log(N)) with N being the number of elements in the sorted set and M the number of elements to be removed.\r\n$7\r\nhistory\r\n*1\r\n*2\r\n$5\r\n2.4.0\r\n$26\r\nAccepts multiple elements.\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*6\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n"],
  [["COMMAND","INFO","zcard"], "*1\r\n*10\r\n$5\r\nzcard\r\n:2\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*1\r\n+RO\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zcard"], "*2\r\n$5\r\nzcard\r\n*10\r\n$7\r\nsummary\r\n$41\r\nGet the number of members in a sorted set\r\n$5\r\nsince\r\n$5\r\n1.2.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*1\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n"],
  [["COMMAND","INFO","zscore"], "*1\r\n*10\r\n$6\r\nzscore\r\n:3\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zscore"], "*2\r\n$6\r\nzscore\r\n*10\r\n$7\r\nsummary\r\n$62\r\nGet the score associated with the given member in a sorted set\r\n$5\r\nsince\r\n$5\r\n1.2.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$4\r\nO(1)\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n"],
  [["COMMAND","INFO","zmscore"], "*1\r\n*10\r\n$7\r\nzmscore\r\n:-3\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zmscore"], "*2\r\n$7\r\nzmscore\r\n*10\r\n$7\r\nsummary\r\n$63\r\nGet the score associated with the given members in a sorted set\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$54\r\nO(N) where N is the number of members being requested.\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*6\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n"],
  [["COMMAND","INFO","zrank"], "*1\r\n*10\r\n$5\r\nzrank\r\n:3\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zrank"], "*2\r\n$5\r\nzrank\r\n*10\r\n$7\r\nsummary\r\n$47\r\nDetermine the index of a member in a sorted set\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$9\r\nO(log(N))\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n"],
  [["COMMAND","INFO","zrevrank"], "*1\r\n*10\r\n$8\r\nzrevrank\r\n:3\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zrevrank"], "*2\r\n$8\r\nzrevrank\r\n*10\r\n$7\r\nsummary\r\n$85\r\nDetermine the index of a member in a sorted set, with scores ordered from high to low\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$9\r\nO(log(N))\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n"],
  [["COMMAND","INFO","zcount"], "*1\r\n*10\r\n$6\r\nzcount\r\n:4\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zcount"], "*2\r\n$6\r\nzcount\r\n*10\r\n$7\r\nsummary\r\n$69\r\nCount the members in a sorted set with scores within the given values\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$64\r\nO(log(N)) with N being the number of elements in the sorted set.\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$3\r\nmin\r\n$4\r\ntype\r\n$6\r\ndouble\r\n*4\r\n$4\r\nname\r\n$3\r\nmax\r\n$4\r\ntype\r\n$6\r\ndouble\r\n"],
  [["COMMAND","INFO","zlexcount"], "*1\r\n*10\r\n$9\r\nzlexcount\r\n:4\r\n*2\r\n+readonly\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zlexcount"], "*2\r\n$9\r\nzlexcount\r\n*10\r\n$7\r\nsummary\r\n$81\r\nCount the number of members in a sorted set between a given lexicographical range\r\n$5\r\nsince\r\n$5\r\n2.8.9\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$64\r\nO(log(N)) with N being the number of elements in the sorted set.\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$3\r\nmin\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n$3\r\nmax\r\n$4\r\ntype\r\n$6\r\nstring\r\n"],
  [["COMMAND","INFO","zrange"], "*1\r\n*10\r\n$6\r\nzrange\r\n:-4\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zrange"], "*2\r\n$6\r\nzrange\r\n*12\r\n$7\r\nsummary\r\n$41\r\nReturn a range of members in a sorted set\r\n$5\r\nsince\r\n$5\r\n1.2.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$104\r\nO(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.\r\n$7\r\nhistory\r\n*1\r\n*2\r\n$5\r\n6.2.0\r\n$56\r\nAdded the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.\r\n$9\r\narguments\r\n*7\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$5\r\nstart\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n$4\r\nstop\r\n$4\r\ntype\r\n$6\r\nstring\r\n*10\r\n$4\r\nname\r\n$6\r\nsortby\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$7\r\nbyscore\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$7\r\nBYSCORE\r\n*6\r\n$4\r\nname\r\n$5\r\nbylex\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$5\r\nBYLEX\r\n*10\r\n$4\r\nname\r\n$3\r\nrev\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nREV\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*12\r\n$4\r\nname\r\n$12\r\noffset_count\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$5\r\nLIMIT\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*4\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*8\r\n$4\r\nname\r\n$10\r\nwithscores\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$10\r\nWITHSCORES\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"],
  [["COMMAND","INFO","zrangestore"], "*1\r\n*10\r\n$11\r\nzrangestore\r\n:-5\r\n*2\r\n+write\r\n+denyoom\r\n:1\r\n:2\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zrangestore"], "*2\r\n$11\r\nzrangestore\r\n*10\r\n$7\r\nsummary\r\n$57\r\nStore a range of members from sorted set into another key\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$127\r\nO(log(N)+M) with N being the number of elements in the sorted set and M the number of elements stored into the destination key.\r\n$9\r\narguments\r\n*7\r\n*6\r\n$4\r\nname\r\n$3\r\ndst\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*6\r\n$4\r\nname\r\n$3\r\nsrc\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:1\r\n*4\r\n$4\r\nname\r\n$3\r\nmin\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n$3\r\nmax\r\n$4\r\ntype\r\n$6\r\nstring\r\n*8\r\n$4\r\nname\r\n$6\r\nsortby\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$7\r\nbyscore\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$7\r\nBYSCORE\r\n*6\r\n$4\r\nname\r\n$5\r\nbylex\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$5\r\nBYLEX\r\n*8\r\n$4\r\nname\r\n$3\r\nrev\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nREV\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$12\r\noffset_count\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$5\r\nLIMIT\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*4\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n"],
  [["COMMAND","INFO","zrevrange"], "*1\r\n*10\r\n$9\r\nzrevrange\r\n:-4\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zrevrange"], "*2\r\n$9\r\nzrevrange\r\n*16\r\n$7\r\nsummary\r\n$89\r\nReturn a range of members in a sorted set, by index, with scores ordered from high to low\r\n$5\r\nsince\r\n$5\r\n1.2.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$104\r\nO(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.\r\n$9\r\ndoc_flags\r\n*1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n$32\r\n`ZRANGE` with the `REV` argument\r\n$9\r\narguments\r\n*4\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$5\r\nstart\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*4\r\n$4\r\nname\r\n$4\r\nstop\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*8\r\n$4\r\nname\r\n$10\r\nwithscores\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$10\r\nWITHSCORES\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"],
  [["COMMAND","INFO","zrangebyscore"], "*1\r\n*10\r\n$13\r\nzrangebyscore\r\n:-4\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zrangebyscore"], "*2\r\n$13\r\nzrangebyscore\r\n*18\r\n$7\r\nsummary\r\n$51\r\nReturn a range of members in a sorted set, by score\r\n$5\r\nsince\r\n$5\r\n1.0.5\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$217\r\nO(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).\r\n$9\r\ndoc_flags\r\n*1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n$36\r\n`ZRANGE` with the `BYSCORE` argument\r\n$7\r\nhistory\r\n*1\r\n*2\r\n$5\r\n2.0.0\r\n$32\r\nAdded the `WITHSCORES` modifier.\r\n$9\r\narguments\r\n*5\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$3\r\nmin\r\n$4\r\ntype\r\n$6\r\ndouble\r\n*4\r\n$4\r\nname\r\n$3\r\nmax\r\n$4\r\ntype\r\n$6\r\ndouble\r\n*10\r\n$4\r\nname\r\n$10\r\nwithscores\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$10\r\nWITHSCORES\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$12\r\noffset_count\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$5\r\nLIMIT\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*4\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n"],
  [["COMMAND","INFO","zrevrangebyscore"], "*1\r\n*10\r\n$16\r\nzrevrangebyscore\r\n:-4\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zrevrangebyscore"], "*2\r\n$16\r\nzrevrangebyscore\r\n*18\r\n$7\r\nsummary\r\n$89\r\nReturn a range of members in a sorted set, by score, with scores ordered from high to low\r\n$5\r\nsince\r\n$5\r\n2.2.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$217\r\nO(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).\r\n$9\r\ndoc_flags\r\n*1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n$47\r\n`ZRANGE` with the `REV` and `BYSCORE` arguments\r\n$7\r\nhistory\r\n*1\r\n*2\r\n$5\r\n2.1.6\r\n$33\r\n`min` and `max` can be exclusive.\r\n$9\r\narguments\r\n*5\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$3\r\nmax\r\n$4\r\ntype\r\n$6\r\ndouble\r\n*4\r\n$4\r\nname\r\n$3\r\nmin\r\n$4\r\ntype\r\n$6\r\ndouble\r\n*8\r\n$4\r\nname\r\n$10\r\nwithscores\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$10\r\nWITHSCORES\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*10\r\n$4\r\nname\r\n$12\r\noffset_count\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$5\r\nLIMIT\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*4\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n"],
  [["COMMAND","INFO","zrangebylex"], "*1\r\n*10\r\n$11\r\nzrangebylex\r\n:-4\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zrangebylex"], "*2\r\n$11\r\nzrangebylex\r\n*16\r\n$7\r\nsummary\r\n$67\r\nReturn a range of members in a sorted set, by lexicographical range\r\n$5\r\nsince\r\n$5\r\n2.8.9\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$217\r\nO(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).\r\n$9\r\ndoc_flags\r\n*1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n$34\r\n`ZRANGE` with the `BYLEX` argument\r\n$9\r\narguments\r\n*4\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$3\r\nmin\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n$3\r\nmax\r\n$4\r\ntype\r\n$6\r\nstring\r\n*10\r\n$4\r\nname\r\n$12\r\noffset_count\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$5\r\nLIMIT\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*4\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n"],
  [["COMMAND","INFO","zrevrangebylex"], "*1\r\n*10\r\n$14\r\nzrevrangebylex\r\n:-4\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zrevrangebylex"], "*2\r\n$14\r\nzrevrangebylex\r\n*16\r\n$7\r\nsummary\r\n$106\r\nReturn a range of members in a sorted set, by lexicographical range, ordered from higher to lower strings.\r\n$5\r\nsince\r\n$5\r\n2.8.9\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$217\r\nO(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).\r\n$9\r\ndoc_flags\r\n*1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n$45\r\n`ZRANGE` with the `REV` and `BYLEX` arguments\r\n$9\r\narguments\r\n*4\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$3\r\nmax\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n$3\r\nmin\r\n$4\r\ntype\r\n$6\r\nstring\r\n*10\r\n$4\r\nname\r\n$12\r\noffset_count\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$5\r\nLIMIT\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*4\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n"],
  [["COMMAND","INFO","zremrangebyrank"], "*1\r\n*10\r\n$15\r\nzremrangebyrank\r\n:4\r\n*1\r\n+write\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zremrangebyrank"], "*2\r\n$15\r\nzremrangebyrank\r\n*10\r\n$7\r\nsummary\r\n$59\r\nRemove all members in a sorted set within the given indexes\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$120\r\nO(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$5\r\nstart\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*4\r\n$4\r\nname\r\n$4\r\nstop\r\n$4\r\ntype\r\n$7\r\ninteger\r\n"],
  [["COMMAND","INFO","zremrangebyscore"], "*1\r\n*10\r\n$16\r\nzremrangebyscore\r\n:4\r\n*1\r\n+write\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zremrangebyscore"], "*2\r\n$16\r\nzremrangebyscore\r\n*10\r\n$7\r\nsummary\r\n$58\r\nRemove all members in a sorted set within the given scores\r\n$5\r\nsince\r\n$5\r\n1.2.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$120\r\nO(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$3\r\nmin\r\n$4\r\ntype\r\n$6\r\ndouble\r\n*4\r\n$4\r\nname\r\n$3\r\nmax\r\n$4\r\ntype\r\n$6\r\ndouble\r\n"],
  [["COMMAND","INFO","zremrangebylex"], "*1\r\n*10\r\n$14\r\nzremrangebylex\r\n:4\r\n*1\r\n+write\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RW\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zremrangebylex"], "*2\r\n$14\r\nzremrangebylex\r\n*10\r\n$7\r\nsummary\r\n$74\r\nRemove all members in a sorted set between the given lexicographical range\r\n$5\r\nsince\r\n$5\r\n2.8.9\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$120\r\nO(log(N)+M) with N being the number of elements in the sorted set and M the number of elements removed by the operation.\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$3\r\nmin\r\n$4\r\ntype\r\n$6\r\nstring\r\n*4\r\n$4\r\nname\r\n$3\r\nmax\r\n$4\r\ntype\r\n$6\r\nstring\r\n"],
  [["COMMAND","INFO","zpopmin"], "*1\r\n*10\r\n$7\r\nzpopmin\r\n:-2\r\n*2\r\n+write\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zpopmin"], "*2\r\n$7\r\nzpopmin\r\n*10\r\n$7\r\nsummary\r\n$64\r\nRemove and return members with the lowest scores in a sorted set\r\n$5\r\nsince\r\n$5\r\n5.0.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$109\r\nO(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*6\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"],
  [["COMMAND","INFO","zpopmax"], "*1\r\n*10\r\n$7\r\nzpopmax\r\n:-2\r\n*2\r\n+write\r\n+fast\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@fast\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zpopmax"], "*2\r\n$7\r\nzpopmax\r\n*10\r\n$7\r\nsummary\r\n$65\r\nRemove and return members with the highest scores in a sorted set\r\n$5\r\nsince\r\n$5\r\n5.0.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$109\r\nO(log(N)*M) with N being the number of elements in the sorted set, and M being the number of elements popped.\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*6\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"],
  [["COMMAND","INFO","zmpop"], "*1\r\n*10\r\n$5\r\nzmpop\r\n:-4\r\n*2\r\n+write\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n"],
  [["COMMAND","DOCS","zmpop"], "*2\r\n$5\r\nzmpop\r\n*10\r\n$7\r\nsummary\r\n$53\r\nRemove and return members with scores in a sorted set\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$151\r\nO(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.\r\n$9\r\narguments\r\n*4\r\n*4\r\n$4\r\nname\r\n$7\r\nnumkeys\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n*6\r\n$4\r\nname\r\n$5\r\nwhere\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nmin\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nMIN\r\n*6\r\n$4\r\nname\r\n$3\r\nmax\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nMAX\r\n*8\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$5\r\nCOUNT\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"],
  [["COMMAND","INFO","zrandmember"], "*1\r\n*10\r\n$11\r\nzrandmember\r\n:-2\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@slow\r\n*1\r\n$23\r\nnondeterministic_output\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zrandmember"], "*2\r\n$11\r\nzrandmember\r\n*10\r\n$7\r\nsummary\r\n$53\r\nGet one or multiple random elements from a sorted set\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$47\r\nO(N) where N is the number of elements returned\r\n$9\r\narguments\r\n*2\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*8\r\n$4\r\nname\r\n$7\r\noptions\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n*4\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*8\r\n$4\r\nname\r\n$10\r\nwithscores\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$10\r\nWITHSCORES\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"],
  [["COMMAND","INFO","zunion"], "*1\r\n*10\r\n$6\r\nzunion\r\n:-3\r\n*2\r\n+readonly\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@read\r\n+@sortedset\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n"],
  [["COMMAND","DOCS","zunion"], "*2\r\n$6\r\nzunion\r\n*10\r\n$7\r\nsummary\r\n$24\r\nAdd multiple sorted sets\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$140\r\nO(N)+O(M*log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.\r\n$9\r\narguments\r\n*5\r\n*4\r\n$4\r\nname\r\n$7\r\nnumkeys\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n*8\r\n$4\r\nname\r\n$6\r\nweight\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$7\r\nWEIGHTS\r\n$5\r\nflags\r\n*2\r\n+optional\r\n+multiple\r\n*10\r\n$4\r\nname\r\n$9\r\naggregate\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\ntoken\r\n$9\r\nAGGREGATE\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$3\r\nsum\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nSUM\r\n*6\r\n$4\r\nname\r\n$3\r\nmin\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nMIN\r\n*6\r\n$4\r\nname\r\n$3\r\nmax\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nMAX\r\n*8\r\n$4\r\nname\r\n$10\r\nwithscores\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$10\r\nWITHSCORES\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"],
  [["COMMAND","INFO","zinter"], "*1\r\n*10\r\n$6\r\nzinter\r\n:-3\r\n*2\r\n+readonly\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@read\r\n+@sortedset\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n"],
  [["COMMAND","DOCS","zinter"], "*2\r\n$6\r\nzinter\r\n*10\r\n$7\r\nsummary\r\n$30\r\nIntersect multiple sorted sets\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$177\r\nO(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.\r\n$9\r\narguments\r\n*5\r\n*4\r\n$4\r\nname\r\n$7\r\nnumkeys\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n*8\r\n$4\r\nname\r\n$6\r\nweight\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$7\r\nWEIGHTS\r\n$5\r\nflags\r\n*2\r\n+optional\r\n+multiple\r\n*10\r\n$4\r\nname\r\n$9\r\naggregate\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\ntoken\r\n$9\r\nAGGREGATE\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$3\r\nsum\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nSUM\r\n*6\r\n$4\r\nname\r\n$3\r\nmin\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nMIN\r\n*6\r\n$4\r\nname\r\n$3\r\nmax\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nMAX\r\n*8\r\n$4\r\nname\r\n$10\r\nwithscores\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$10\r\nWITHSCORES\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"],
  [["COMMAND","INFO","zdiff"], "*1\r\n*10\r\n$5\r\nzdiff\r\n:-3\r\n*2\r\n+readonly\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@read\r\n+@sortedset\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n"],
  [["COMMAND","DOCS","zdiff"], "*2\r\n$5\r\nzdiff\r\n*10\r\n$7\r\nsummary\r\n$29\r\nSubtract multiple sorted sets\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$155\r\nO(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.\r\n$9\r\narguments\r\n*3\r\n*4\r\n$4\r\nname\r\n$7\r\nnumkeys\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n*8\r\n$4\r\nname\r\n$10\r\nwithscores\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$10\r\nWITHSCORES\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"],
  [["COMMAND","INFO","zunionstore"], "*1\r\n*10\r\n$11\r\nzunionstore\r\n:-4\r\n*3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n"],
  [["COMMAND","DOCS","zunionstore"], "*2\r\n$11\r\nzunionstore\r\n*10\r\n$7\r\nsummary\r\n$72\r\nAdd multiple sorted sets and store the resulting sorted set in a new key\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$140\r\nO(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.\r\n$9\r\narguments\r\n*5\r\n*6\r\n$4\r\nname\r\n$11\r\ndestination\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$7\r\nnumkeys\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:1\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n*8\r\n$4\r\nname\r\n$6\r\nweight\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$7\r\nWEIGHTS\r\n$5\r\nflags\r\n*2\r\n+optional\r\n+multiple\r\n*10\r\n$4\r\nname\r\n$9\r\naggregate\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\ntoken\r\n$9\r\nAGGREGATE\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$3\r\nsum\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nSUM\r\n*6\r\n$4\r\nname\r\n$3\r\nmin\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nMIN\r\n*6\r\n$4\r\nname\r\n$3\r\nmax\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nMAX\r\n"],
  [["COMMAND","INFO","zinterstore"], "*1\r\n*10\r\n$11\r\nzinterstore\r\n:-4\r\n*3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n"],
  [["COMMAND","DOCS","zinterstore"], "*2\r\n$11\r\nzinterstore\r\n*10\r\n$7\r\nsummary\r\n$78\r\nIntersect multiple sorted sets and store the resulting sorted set in a new key\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$177\r\nO(N*K)+O(M*log(M)) worst case with N being the smallest input sorted set, K being the number of input sorted sets and M being the number of elements in the resulting sorted set.\r\n$9\r\narguments\r\n*5\r\n*6\r\n$4\r\nname\r\n$11\r\ndestination\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$7\r\nnumkeys\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:1\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n*8\r\n$4\r\nname\r\n$6\r\nweight\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$7\r\nWEIGHTS\r\n$5\r\nflags\r\n*2\r\n+optional\r\n+multiple\r\n*10\r\n$4\r\nname\r\n$9\r\naggregate\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\ntoken\r\n$9\r\nAGGREGATE\r\n$5\r\nflags\r\n*1\r\n+optional\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$3\r\nsum\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nSUM\r\n*6\r\n$4\r\nname\r\n$3\r\nmin\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nMIN\r\n*6\r\n$4\r\nname\r\n$3\r\nmax\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nMAX\r\n"],
  [["COMMAND","INFO","zdiffstore"], "*1\r\n*10\r\n$10\r\nzdiffstore\r\n:-4\r\n*3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n*0\r\n*2\r\n*6\r\n$5\r\nflags\r\n*2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n"],
  [["COMMAND","DOCS","zdiffstore"], "*2\r\n$10\r\nzdiffstore\r\n*10\r\n$7\r\nsummary\r\n$77\r\nSubtract multiple sorted sets and store the resulting sorted set in a new key\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$155\r\nO(L + (N-K)log(N)) worst case where L is the total number of elements in all the sets, N is the size of the first set, and K is the size of the result set.\r\n$9\r\narguments\r\n*3\r\n*6\r\n$4\r\nname\r\n$11\r\ndestination\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$7\r\nnumkeys\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:1\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n"],
  [["COMMAND","INFO","zintercard"], "*1\r\n*10\r\n$10\r\nzintercard\r\n:-3\r\n*2\r\n+readonly\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n*3\r\n+@read\r\n+@sortedset\r\n+@slow\r\n*0\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n*6\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n*0\r\n"],
  [["COMMAND","DOCS","zintercard"], "*2\r\n$10\r\nzintercard\r\n*10\r\n$7\r\nsummary\r\n$71\r\nIntersect multiple sorted sets and return the cardinality of the result\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$102\r\nO(N*K) worst case with N being the smallest input sorted set, K being the number of input sorted sets.\r\n$9\r\narguments\r\n*3\r\n*4\r\n$4\r\nname\r\n$7\r\nnumkeys\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*8\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n$5\r\nflags\r\n*1\r\n+multiple\r\n*8\r\n$4\r\nname\r\n$5\r\nlimit\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$5\r\nLIMIT\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"],
  [["COMMAND","INFO","zscan"], "*1\r\n*10\r\n$5\r\nzscan\r\n:-3\r\n*1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n*3\r\n+@read\r\n+@sortedset\r\n+@slow\r\n*1\r\n$23\r\nnondeterministic_output\r\n*1\r\n*6\r\n$5\r\nflags\r\n*2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n*4\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n*2\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n*4\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n*6\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n*0\r\n"],
  [["COMMAND","DOCS","zscan"], "*2\r\n$5\r\nzscan\r\n*10\r\n$7\r\nsummary\r\n$64\r\nIncrementally iterate sorted sets elements and associated scores\r\n$5\r\nsince\r\n$5\r\n2.8.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$170\r\nO(1) for every call. O(N) for a complete iteration, including enough command calls for the cursor to return back to 0. N is the number of elements inside the collection..\r\n$9\r\narguments\r\n*4\r\n*6\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n*4\r\n$4\r\nname\r\n$6\r\ncursor\r\n$4\r\ntype\r\n$7\r\ninteger\r\n*8\r\n$4\r\nname\r\n$7\r\npattern\r\n$4\r\ntype\r\n$7\r\npattern\r\n$5\r\ntoken\r\n$5\r\nMATCH\r\n$5\r\nflags\r\n*1\r\n+optional\r\n*8\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$5\r\nCOUNT\r\n$5\r\nflags\r\n*1\r\n+optional\r\n"],
  [["COMMAND","GETKEYS","ZUNIONSTORE","d","2","a","b","WEIGHTS","1","2"], "*3\r\n$1\r\nd\r\n$1\r\na\r\n$1\r\nb\r\n"],
  [["COMMAND","GETKEYS","ZMPOP","2","a","b","MIN"], "*2\r\n$1\r\na\r\n$1\r\nb\r\n"],
  [["COMMAND","GETKEYS","ZINTERCARD","3","a","b","c","LIMIT","1"], "*3\r\n$1\r\na\r\n$1\r\nb\r\n$1\r\nc\r\n"],
  [["COMMAND","GETKEYS","ZRANGESTORE","d","s","0","1"], "*2\r\n$1\r\nd\r\n$1\r\ns\r\n"],
  [["COMMAND","GETKEYS","ZDIFF","1","a"], "*1\r\n$1\r\na\r\n"],
  [["HELLO","3"], null],
  [["COMMAND","INFO","zadd"], "*1\r\n*10\r\n$4\r\nzadd\r\n:-4\r\n~3\r\n+write\r\n+denyoom\r\n+fast\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@write\r\n+@sortedset\r\n+@fast\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RW\r\n+update\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n"],
  [["COMMAND","DOCS","zadd"], "%1\r\n$4\r\nzadd\r\n%6\r\n$7\r\nsummary\r\n$81\r\nAdd one or more members to a sorted set, or update its score if it already exists\r\n$5\r\nsince\r\n$5\r\n1.2.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$83\r\nO(log(N)) for each item added, where N is the number of elements in the sorted set.\r\n$7\r\nhistory\r\n~3\r\n*2\r\n$5\r\n2.4.0\r\n$26\r\nAccepts multiple elements.\r\n*2\r\n$5\r\n3.0.2\r\n$46\r\nAdded the `XX`, `NX`, `CH` and `INCR` options.\r\n*2\r\n$5\r\n6.2.0\r\n$32\r\nAdded the `GT` and `LT` options.\r\n$9\r\narguments\r\n*6\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%5\r\n$4\r\nname\r\n$9\r\ncondition\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nsince\r\n$5\r\n3.0.2\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$2\r\nnx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nNX\r\n%3\r\n$4\r\nname\r\n$2\r\nxx\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nXX\r\n%5\r\n$4\r\nname\r\n$10\r\ncomparison\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$2\r\ngt\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nGT\r\n%3\r\n$4\r\nname\r\n$2\r\nlt\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nLT\r\n%5\r\n$4\r\nname\r\n$6\r\nchange\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$2\r\nCH\r\n$5\r\nsince\r\n$5\r\n3.0.2\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$9\r\nincrement\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$4\r\nINCR\r\n$5\r\nsince\r\n$5\r\n3.0.2\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%4\r\n$4\r\nname\r\n$12\r\nscore_member\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\nflags\r\n~1\r\n+multiple\r\n$9\r\narguments\r\n*2\r\n%2\r\n$4\r\nname\r\n$5\r\nscore\r\n$4\r\ntype\r\n$6\r\ndouble\r\n%2\r\n$4\r\nname\r\n$6\r\nmember\r\n$4\r\ntype\r\n$6\r\nstring\r\n"],
  [["COMMAND","INFO","zrange"], "*1\r\n*10\r\n$6\r\nzrange\r\n:-4\r\n~1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@sortedset\r\n+@slow\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n"],
  [["COMMAND","DOCS","zrange"], "%1\r\n$6\r\nzrange\r\n%6\r\n$7\r\nsummary\r\n$41\r\nReturn a range of members in a sorted set\r\n$5\r\nsince\r\n$5\r\n1.2.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$104\r\nO(log(N)+M) with N being the number of elements in the sorted set and M the number of elements returned.\r\n$7\r\nhistory\r\n~1\r\n*2\r\n$5\r\n6.2.0\r\n$56\r\nAdded the `REV`, `BYSCORE`, `BYLEX` and `LIMIT` options.\r\n$9\r\narguments\r\n*7\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%2\r\n$4\r\nname\r\n$5\r\nstart\r\n$4\r\ntype\r\n$6\r\nstring\r\n%2\r\n$4\r\nname\r\n$4\r\nstop\r\n$4\r\ntype\r\n$6\r\nstring\r\n%5\r\n$4\r\nname\r\n$6\r\nsortby\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$7\r\nbyscore\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$7\r\nBYSCORE\r\n%3\r\n$4\r\nname\r\n$5\r\nbylex\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$5\r\nBYLEX\r\n%5\r\n$4\r\nname\r\n$3\r\nrev\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nREV\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%6\r\n$4\r\nname\r\n$12\r\noffset_count\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$5\r\nLIMIT\r\n$5\r\nsince\r\n$5\r\n6.2.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%2\r\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n%2\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n%4\r\n$4\r\nname\r\n$10\r\nwithscores\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$10\r\nWITHSCORES\r\n$5\r\nflags\r\n~1\r\n+optional\r\n"],
  [["COMMAND","INFO","zunionstore"], "*1\r\n*10\r\n$11\r\nzunionstore\r\n:-4\r\n~3\r\n+write\r\n+denyoom\r\n+movablekeys\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n~0\r\n~2\r\n%3\r\n$5\r\nflags\r\n~2\r\n+OW\r\n+update\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:2\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n%3\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n~0\r\n"],
  [["COMMAND","DOCS","zunionstore"], "%1\r\n$11\r\nzunionstore\r\n%5\r\n$7\r\nsummary\r\n$72\r\nAdd multiple sorted sets and store the resulting sorted set in a new key\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$140\r\nO(N)+O(M log(M)) with N being the sum of the sizes of the input sorted sets, and M being the number of elements in the resulting sorted set.\r\n$9\r\narguments\r\n*5\r\n%3\r\n$4\r\nname\r\n$11\r\ndestination\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%2\r\n$4\r\nname\r\n$7\r\nnumkeys\r\n$4\r\ntype\r\n$7\r\ninteger\r\n%4\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:1\r\n$5\r\nflags\r\n~1\r\n+multiple\r\n%4\r\n$4\r\nname\r\n$6\r\nweight\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$7\r\nWEIGHTS\r\n$5\r\nflags\r\n~2\r\n+optional\r\n+multiple\r\n%5\r\n$4\r\nname\r\n$9\r\naggregate\r\n$4\r\ntype\r\n$5\r\noneof\r\n$5\r\ntoken\r\n$9\r\nAGGREGATE\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*3\r\n%3\r\n$4\r\nname\r\n$3\r\nsum\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nSUM\r\n%3\r\n$4\r\nname\r\n$3\r\nmin\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nMIN\r\n%3\r\n$4\r\nname\r\n$3\r\nmax\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nMAX\r\n"],
  [["COMMAND","INFO","zmpop"], "*1\r\n*10\r\n$5\r\nzmpop\r\n:-4\r\n~2\r\n+write\r\n+movablekeys\r\n:0\r\n:0\r\n:0\r\n~3\r\n+@write\r\n+@sortedset\r\n+@slow\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~3\r\n+RW\r\n+access\r\n+delete\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$6\r\nkeynum\r\n$4\r\nspec\r\n%3\r\n$9\r\nkeynumidx\r\n:0\r\n$8\r\nfirstkey\r\n:1\r\n$7\r\nkeystep\r\n:1\r\n~0\r\n"],
  [["COMMAND","DOCS","zmpop"], "%1\r\n$5\r\nzmpop\r\n%5\r\n$7\r\nsummary\r\n$53\r\nRemove and return members with scores in a sorted set\r\n$5\r\nsince\r\n$5\r\n7.0.0\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$151\r\nO(K) + O(M*log(N)) where K is the number of provided keys, N being the number of elements in the sorted set, and M being the number of elements popped.\r\n$9\r\narguments\r\n*4\r\n%2\r\n$4\r\nname\r\n$7\r\nnumkeys\r\n$4\r\ntype\r\n$7\r\ninteger\r\n%4\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n$5\r\nflags\r\n~1\r\n+multiple\r\n%3\r\n$4\r\nname\r\n$5\r\nwhere\r\n$4\r\ntype\r\n$5\r\noneof\r\n$9\r\narguments\r\n*2\r\n%3\r\n$4\r\nname\r\n$3\r\nmin\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nMIN\r\n%3\r\n$4\r\nname\r\n$3\r\nmax\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$3\r\nMAX\r\n%4\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n$5\r\ntoken\r\n$5\r\nCOUNT\r\n$5\r\nflags\r\n~1\r\n+optional\r\n"],
  [["COMMAND","INFO","zrangebyscore"], "*1\r\n*10\r\n$13\r\nzrangebyscore\r\n:-4\r\n~1\r\n+readonly\r\n:1\r\n:1\r\n:1\r\n~3\r\n+@read\r\n+@sortedset\r\n+@slow\r\n~0\r\n~1\r\n%3\r\n$5\r\nflags\r\n~2\r\n+RO\r\n+access\r\n$12\r\nbegin_search\r\n%2\r\n$4\r\ntype\r\n$5\r\nindex\r\n$4\r\nspec\r\n%1\r\n$5\r\nindex\r\n:1\r\n$9\r\nfind_keys\r\n%2\r\n$4\r\ntype\r\n$5\r\nrange\r\n$4\r\nspec\r\n%3\r\n$7\r\nlastkey\r\n:0\r\n$7\r\nkeystep\r\n:1\r\n$5\r\nlimit\r\n:0\r\n~0\r\n"],
  [["COMMAND","DOCS","zrangebyscore"], "%1\r\n$13\r\nzrangebyscore\r\n%9\r\n$7\r\nsummary\r\n$51\r\nReturn a range of members in a sorted set, by score\r\n$5\r\nsince\r\n$5\r\n1.0.5\r\n$5\r\ngroup\r\n$10\r\nsorted-set\r\n$10\r\ncomplexity\r\n$217\r\nO(log(N)+M) with N being the number of elements in the sorted set and M the number of elements being returned. If M is constant (e.g. always asking for the first 10 elements with LIMIT), you can consider it O(log(N)).\r\n$9\r\ndoc_flags\r\n~1\r\n+deprecated\r\n$16\r\ndeprecated_since\r\n$5\r\n6.2.0\r\n$11\r\nreplaced_by\r\n$36\r\n`ZRANGE` with the `BYSCORE` argument\r\n$7\r\nhistory\r\n~1\r\n*2\r\n$5\r\n2.0.0\r\n$32\r\nAdded the `WITHSCORES` modifier.\r\n$9\r\narguments\r\n*5\r\n%3\r\n$4\r\nname\r\n$3\r\nkey\r\n$4\r\ntype\r\n$3\r\nkey\r\n$14\r\nkey_spec_index\r\n:0\r\n%2\r\n$4\r\nname\r\n$3\r\nmin\r\n$4\r\ntype\r\n$6\r\ndouble\r\n%2\r\n$4\r\nname\r\n$3\r\nmax\r\n$4\r\ntype\r\n$6\r\ndouble\r\n%5\r\n$4\r\nname\r\n$10\r\nwithscores\r\n$4\r\ntype\r\n$10\r\npure-token\r\n$5\r\ntoken\r\n$10\r\nWITHSCORES\r\n$5\r\nsince\r\n$5\r\n2.0.0\r\n$5\r\nflags\r\n~1\r\n+optional\r\n%5\r\n$4\r\nname\r\n$12\r\noffset_count\r\n$4\r\ntype\r\n$5\r\nblock\r\n$5\r\ntoken\r\n$5\r\nLIMIT\r\n$5\r\nflags\r\n~1\r\n+optional\r\n$9\r\narguments\r\n*2\r\n%2\r\n$4\r\nname\r\n$6\r\noffset\r\n$4\r\ntype\r\n$7\r\ninteger\r\n%2\r\n$4\r\nname\r\n$5\r\ncount\r\n$4\r\ntype\r\n$7\r\ninteger\r\n"],
];

const replay = (transcript: Transcript): Promise<void> => replayTranscript(srv.port, transcript);

test('errors and WRONGTYPE as redis-server 7.0', () => replay(ERRORS));
test('ZADD, ZINCRBY and scores as redis-server 7.0', () => replay(SCORES));
test('ranges, counts, removals and pops as redis-server 7.0', () => replay(RANGES));
test('set operations as redis-server 7.0', () => replay(SET_OPERATIONS));
test('a skiplist-encoded set as redis-server 7.0', () => replay(SKIPLIST));
test('encodings, -0, lex over mixed scores and RESP3 as redis-server 7.0', () => replay(ENCODINGS_AND_RESP3));
test('sorted sets among other keys, in transactions, with binary members, as redis-server 7.0', () => replay(KEYSPACE));
test('COMMAND INFO, DOCS and GETKEYS as redis-server 7.0', () => replay(METADATA));

/** [command, keyspace_hits, keyspace_misses] after it, recorded from redis-server 7.0.15 (each on a fresh a = {x:1, y:2}, str a string). */
const LOOKUPS: ReadonlyArray<readonly [readonly string[], number, number]> = [
  [["ZSCORE","a","x"], 1, 0],
  [["ZSCORE","nokey","x"], 0, 1],
  [["ZMSCORE","a","x","q"], 1, 0],
  [["ZMSCORE","nokey","x"], 0, 1],
  [["ZCARD","a"], 1, 0],
  [["ZRANK","a","x"], 1, 0],
  [["ZREVRANK","nokey","x"], 0, 1],
  [["ZCOUNT","a","0","1"], 1, 0],
  [["ZLEXCOUNT","nokey","-","+"], 0, 1],
  [["ZRANGE","a","0","-1"], 1, 0],
  [["ZRANGEBYSCORE","nokey","0","1"], 0, 1],
  [["ZREVRANGEBYLEX","a","+","-"], 1, 0],
  [["ZRANGESTORE","d","a","0","-1"], 1, 0],
  [["ZRANGESTORE","d","nokey","0","-1"], 0, 1],
  [["ZRANDMEMBER","a"], 1, 0],
  [["ZRANDMEMBER","nokey","2"], 0, 1],
  [["ZSCAN","a","0"], 1, 0],
  [["ZSCAN","nokey","0"], 0, 1],
  [["ZUNION","2","a","nokey"], 1, 1],
  [["ZINTERSTORE","d","2","a","nokey"], 1, 1],
  [["ZINTERCARD","2","a","nokey"], 1, 1],
  [["ZDIFFSTORE","d","2","a","a"], 2, 0],
  [["ZADD","a","3","z"], 0, 0],
  [["ZINCRBY","a","1","x"], 0, 0],
  [["ZREM","a","y"], 0, 0],
  [["ZPOPMIN","a"], 0, 0],
  [["ZMPOP","2","nokey","a","MAX"], 0, 0],
  [["ZREMRANGEBYSCORE","a","-inf","+inf"], 0, 0],
  [["ZSCORE","str","x"], 1, 0],
  [["ZRANGE","str","0","1"], 1, 0],
  [["ZUNION","1","str"], 1, 0],
];

test('keyspace hits and misses counted as redis-server 7.0 counts them (reads, *STORE sources; writes not at all)', async () => {
  const raw = await RawClient.connect(srv.port);
  try {
    for (const [args, hits, misses] of LOOKUPS) {
      await raw.command('FLUSHALL');
      await raw.command('ZADD', 'a', '1', 'x', '2', 'y');
      await raw.command('SET', 'str', 'v');
      await raw.command('CONFIG', 'RESETSTAT');
      await raw.command(...args);
      const info = (await raw.command('INFO', 'stats')).toString('latin1');
      assert.equal([Number(/keyspace_hits:(\d+)/.exec(info)?.[1]), Number(/keyspace_misses:(\d+)/.exec(info)?.[1])], [hits, misses], args.join(' '));
    }
  } finally {
    raw.close();
  }
});

/** `n` members m0..m(n-1) with score i, in ZADD calls of up to 1000 members. */
async function fill(r: Redis, key: string, n: number, score: (i: number) => number = (i) => i): Promise<void> {
  const pipeline = r.pipeline();
  for (let i = 0; i < n; i += 1000) {
    const args: Array<string | number> = [];
    for (let j = i; j < Math.min(n, i + 1000); j++) args.push(score(j), `m${j}`);
    pipeline.zadd(key, ...args);
  }
  const results = await pipeline.exec();
  for (const [err] of results ?? []) if (err) throw err;
}

test('ZRANDMEMBER: members of the set, distinct or repeated as the count says, with their scores', async () => {
  const r = clients.connect({ port: srv.port });
  await r.del('rand-small', 'rand-big');
  await fill(r, 'rand-small', 10, (i) => i * 1.5);
  await fill(r, 'rand-big', 5000, (i) => i * 1.5);
  for (const [key, size] of [['rand-small', 10], ['rand-big', 5000]] as const) {
    const isMember = (m: string): boolean => /^m\d+$/.test(m) && Number(m.slice(1)) < size;
    const one = (await r.zrandmember(key)) as string;
    assert.ok(isMember(one), one);
    for (const count of [1, 5, 9, 10, 11, 100]) {
      const got = (await r.zrandmember(key, count)) as string[];
      assert.is(got.length, Math.min(count, size), `${key} ${count}: how many`);
      assert.is(new Set(got).size, got.length, `${key} ${count}: distinct`);
      for (const m of got) assert.ok(isMember(m), m);
    }
    const repeated = (await r.zrandmember(key, -30)) as string[];
    assert.is(repeated.length, 30);
    for (const m of repeated) assert.ok(isMember(m), m);
    const scored = (await r.call('ZRANDMEMBER', key, '-7', 'WITHSCORES')) as string[];
    assert.is(scored.length, 14);
    for (let i = 0; i < scored.length; i += 2) assert.is(Number(scored[i + 1]), Number(scored[i].slice(1)) * 1.5, 'each member with its own score');
  }
  assert.is(new Set((await r.zrandmember('rand-small', -200)) as string[]).size, 10, 'repeats reach every member of a small set');
  const picks = new Set<string>();
  for (let i = 0; i < 40; i++) for (const m of (await r.zrandmember('rand-big', 10)) as string[]) picks.add(m);
  assert.ok(picks.size > 300, `400 picks found ${picks.size} distinct members`);
  const raw = await RawClient.connect(srv.port);
  try {
    await raw.command('HELLO', '3');
    const reply = (await raw.command('ZRANDMEMBER', 'rand-small', '2', 'WITHSCORES')).toString('latin1');
    assert.match(reply, /^\*2\r\n\*2\r\n\$\d+\r\nm\d\r\n,[\d.]+\r\n\*2\r\n\$\d+\r\nm\d\r\n,[\d.]+\r\n$/, 'RESP3: [member, double] pairs');
  } finally {
    raw.close();
  }
});

test('ZRANDMEMBER: a repeat count no reply could hold drops the client at once, as SRANDMEMBER; the server goes on', async () => {
  const raw = await RawClient.connect(srv.port);
  await raw.command('ZADD', 'rand-huge', '1', 'a');
  // Before: a JavaScript "Invalid array length" error reply for the first, seconds of work and
  // gigabytes of memory for the second.
  raw.write('*3\r\n$11\r\nZRANDMEMBER\r\n$9\r\nrand-huge\r\n$11\r\n-9999999999\r\n');
  assert.is((await raw.readUntilClose()).length, 0);
  const withScores = await RawClient.connect(srv.port);
  withScores.write('*4\r\n$11\r\nZRANDMEMBER\r\n$9\r\nrand-huge\r\n$9\r\n-99999999\r\n$10\r\nWITHSCORES\r\n');
  assert.is((await withScores.readUntilClose()).length, 0);
  const again = await RawClient.connect(srv.port);
  assert.is((await again.command('ZRANDMEMBER', 'rand-huge', '-3')).toString(), '*3\r\n$1\r\na\r\n$1\r\na\r\n$1\r\na\r\n');
  again.close();
});

/**
 * Pearson's chi-square of `counts` against equal expected counts. With k - 1 degrees of freedom
 * its mean is k - 1 and its standard deviation sqrt(2(k - 1)); for 10 buckets a statistic over 60
 * comes by chance less than once in 10^9 runs.
 */
function chiSquare(counts: readonly number[]): number {
  const total = counts.reduce((a, b) => a + b, 0);
  const expected = total / counts.length;
  return counts.reduce((sum, c) => sum + (c - expected) ** 2 / expected, 0);
}

test('ZRANDMEMBER on a big set picks every member equally often: one, distinct counts, repeats, WITHSCORES; it follows ZREM and ZADD', async () => {
  const r = clients.connect({ port: srv.port });
  const size = 10_000;
  await r.del('rand-uniform');
  await fill(r, 'rand-uniform', size, (i) => i * 1.5);
  // m0..m9999: "m0" is one member where "m1".."m9" hold 1 111 each, and "m10".."m19" 111 each
  // beside "m1": a walk that treats branches alike (or spreads a pick over its neighbours) favours
  // the small ones by orders of magnitude.
  const bucketOf = new Map([...Array.from({ length: size }, (_, i) => `m${i}`)].sort().map((m, rank) => [m, Math.floor((rank * 10) / size)]));
  const tally = (members: readonly string[]): number[] => {
    const counts = new Array<number>(10).fill(0);
    for (const m of members) {
      const bucket = bucketOf.get(m);
      assert.ok(bucket !== undefined, `${m} is a member`);
      counts[bucket]++;
    }
    return counts;
  };
  const single: string[] = [];
  const pipeline = r.pipeline();
  for (let i = 0; i < 2000; i++) pipeline.zrandmember('rand-uniform');
  for (const [err, m] of (await pipeline.exec()) ?? []) {
    if (err) throw err;
    single.push(m as string);
  }
  const distinct: string[] = [];
  for (let i = 0; i < 200; i++) {
    const got = (await r.call('ZRANDMEMBER', 'rand-uniform', '10', 'WITHSCORES')) as string[];
    assert.is(got.length, 20);
    const members = got.filter((_, j) => j % 2 === 0);
    assert.is(new Set(members).size, 10, 'distinct');
    for (let j = 0; j < got.length; j += 2) assert.is(Number(got[j + 1]), Number(got[j].slice(1)) * 1.5, 'each member with its own score');
    distinct.push(...members);
  }
  const repeated: string[] = [];
  for (let i = 0; i < 100; i++) repeated.push(...((await r.zrandmember('rand-uniform', -20)) as string[]));
  for (const [name, members] of [['no count', single], ['count 10', distinct], ['count -20', repeated]] as const) {
    const counts = tally(members);
    assert.ok(chiSquare(counts) < 60, `${name}: picks per tenth of the members in byte order ${counts.join(' ')} (chi-square ${chiSquare(counts).toFixed(1)})`);
  }
  // The picks follow later changes: members removed never come back, a changed score comes with
  // its member, members added in a new branch come as often as their number says.
  const removed = Array.from({ length: 2000 }, (_, i) => `m${2000 + i}`);
  assert.is(await r.zrem('rand-uniform', ...removed), 2000);
  await r.zincrby('rand-uniform', 1000, 'm1');
  const added = Array.from({ length: 4000 }, (_, i) => [i, `z:${i}`]).flat();
  assert.is(await r.zadd('rand-uniform', ...added), 4000);
  const gone = new Set(removed);
  let fresh = 0;
  for (let i = 0; i < 100; i++) {
    const got = (await r.call('ZRANDMEMBER', 'rand-uniform', '-10', 'WITHSCORES')) as string[];
    for (let j = 0; j < got.length; j += 2) {
      const m = got[j];
      assert.not.ok(gone.has(m), `${m} was removed`);
      if (m.startsWith('z:')) {
        fresh++;
        assert.is(Number(got[j + 1]), Number(m.slice(2)));
      } else assert.is(Number(got[j + 1]), m === 'm1' ? 1001.5 : Number(m.slice(1)) * 1.5);
    }
  }
  const share = fresh / 1000;
  assert.ok(share > 0.25 && share < 0.42, `4 000 of 12 000 members, picked ${share} of the time`);
});

test('ZSCAN of a skiplist-encoded set pages with a cursor: every member once, with MATCH and COUNT', async () => {
  const r = clients.connect({ port: srv.port });
  await r.del('scan');
  await fill(r, 'scan', 500, (i) => i / 4);
  assert.is(await r.object('ENCODING', 'scan'), 'skiplist');
  const seen = new Map<string, string>();
  let cursor = '0';
  let pages = 0;
  do {
    const [next, flat] = await r.zscan('scan', cursor, 'COUNT', 40);
    for (let i = 0; i < flat.length; i += 2) {
      assert.not.ok(seen.has(flat[i]), `${flat[i]} returned twice`);
      seen.set(flat[i], flat[i + 1]);
    }
    cursor = next;
    pages++;
  } while (cursor !== '0');
  assert.is(seen.size, 500);
  assert.is(pages, 13, 'COUNT members per page');
  assert.is(seen.get('m7'), '1.75');
  const matched: string[] = [];
  cursor = '0';
  do {
    const [next, flat] = await r.zscan('scan', cursor, 'MATCH', 'm4?');
    for (let i = 0; i < flat.length; i += 2) matched.push(flat[i]);
    cursor = next;
  } while (cursor !== '0');
  assert.equal(matched.sort(), ['m40', 'm41', 'm42', 'm43', 'm44', 'm45', 'm46', 'm47', 'm48', 'm49']);
  const [, restarted] = await r.zscan('scan', '12345', 'COUNT', 5);
  assert.is(restarted.length, 10, 'an unknown cursor starts over');
});

test('ioredis: scores in and out, options, binary members', async () => {
  const r: Redis = clients.connect({ port: srv.port });
  await r.del('board', 'bin');
  assert.is(await r.zadd('board', 10, 'ada', 20, 'bob', 15, 'cy'), 3);
  assert.equal(await r.zrange('board', 0, -1, 'WITHSCORES'), ['ada', '10', 'cy', '15', 'bob', '20']);
  assert.is(await r.zincrby('board', 7.5, 'ada'), '17.5');
  assert.is(await r.zadd('board', 'GT', 'CH', 5, 'bob', 25, 'cy'), 1);
  assert.equal(await r.zrevrangebyscore('board', '+inf', '(17.5', 'WITHSCORES'), ['cy', '25', 'bob', '20']);
  assert.is(await r.zrank('board', 'ada'), 0);
  assert.equal(await r.zmscore('board', 'ada', 'nobody'), ['17.5', null]);
  assert.equal(await r.zpopmax('board'), ['cy', '25']);
  assert.equal(await r.call('ZMPOP', '1', 'board', 'MIN', 'COUNT', '5'), ['board', [['ada', '17.5'], ['bob', '20']]]);
  assert.is(await r.exists('board'), 0);
  const member = Buffer.from([0, 13, 10, 0xff]);
  await r.zadd('bin', 1, member, 2, Buffer.from('plain'));
  const members = await r.zrangeBuffer('bin', 0, -1);
  assert.equal(members.map((m) => [...m]), [[...member], [...Buffer.from('plain')]]);
  assert.is(await r.zscore('bin', member), '1');
});

test('a 50 000-member set: ranks and ranges near both ends and by score in the middle, DEL, then a new set under the name', async () => {
  const r = clients.connect({ port: srv.port });
  const n = 50_000;
  await r.del('huge');
  await fill(r, 'huge', n);
  assert.is(await r.zcard('huge'), n);
  assert.is(await r.object('ENCODING', 'huge'), 'skiplist');
  assert.is(await r.zrank('huge', 'm0'), 0);
  assert.is(await r.zrank('huge', 'm3'), 3);
  assert.is(await r.zrank('huge', `m${n - 1}`), n - 1);
  assert.is(await r.zrank('huge', `m${n - 5}`), n - 5);
  assert.is(await r.zrevrank('huge', `m${n - 1}`), 0);
  assert.is(await r.zrevrank('huge', 'm0'), n - 1);
  assert.equal(await r.zrange('huge', 0, 2), ['m0', 'm1', 'm2']);
  assert.equal(await r.zrange('huge', -3, -1), [`m${n - 3}`, `m${n - 2}`, `m${n - 1}`]);
  assert.equal(await r.zrevrange('huge', 0, 1, 'WITHSCORES'), [`m${n - 1}`, String(n - 1), `m${n - 2}`, String(n - 2)]);
  assert.equal(await r.zrange('huge', n - 2, n + 10), [`m${n - 2}`, `m${n - 1}`]);
  assert.equal(await r.zrangebyscore('huge', 25_000, '(25003'), ['m25000', 'm25001', 'm25002']);
  assert.equal(await r.zrangebyscore('huge', '(24999', '+inf', 'LIMIT', 0, 2), ['m25000', 'm25001']);
  assert.equal(await r.zrevrangebyscore('huge', 25_001, '-inf', 'LIMIT', 0, 2), ['m25001', 'm25000']);
  assert.is(await r.zcount('huge', 100, 199), 100);
  assert.is(await r.zcount('huge', '-inf', '+inf'), n);
  assert.equal(await r.zrange('huge', 25_000, 25_001), ['m25000', 'm25001'], 'a middle rank (read from the nearer end)');
  assert.equal(await r.zpopmax('huge', 2), [`m${n - 1}`, String(n - 1), `m${n - 2}`, String(n - 2)]);
  assert.is(await r.zremrangebyrank('huge', 0, 9), 10);
  assert.is(await r.zcard('huge'), n - 12);
  assert.is(await r.zrank('huge', 'm10'), 0);
  assert.is(await r.del('huge'), 1);
  assert.is(await r.exists('huge'), 0);
  await r.zadd('huge', 7, 'fresh');
  assert.is(await r.zcard('huge'), 1);
  assert.equal(await r.zrange('huge', 0, -1, 'WITHSCORES'), ['fresh', '7']);
  assert.is(await r.zscore('huge', 'm100'), null, 'members of the deleted set stay invisible');
  assert.equal(await r.zrangebyscore('huge', '-inf', '+inf'), ['fresh']);
  assert.is(await r.object('ENCODING', 'huge'), 'listpack');
});

test('after SIGKILL with appendfsync always, every acknowledged change is there', async () => {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'stratakv-zset-kill-'));
  let server = await startServer({ dir, args: ['--appendfsync', 'always'] });
  try {
    const r = clients.connect({ port: server.port });
    const acked = new Map<string, number>();
    for (let i = 0; i < 300; i++) {
      await r.zadd('durable', i % 17, `m${i}`);
      acked.set(`m${i}`, i % 17);
      if (i % 5 === 0) {
        assert.is(Number(await r.zincrby('durable', 0.5, `m${i}`)), (i % 17) + 0.5);
        acked.set(`m${i}`, (i % 17) + 0.5);
      }
      if (i % 7 === 0) {
        await r.zrem('durable', `m${i}`);
        acked.delete(`m${i}`);
      }
    }
    const [popped] = (await r.zpopmin('durable')) as [string, string];
    acked.delete(popped);
    assert.is(await r.zunionstore('copy', 1, 'durable', 'WEIGHTS', 2), acked.size);
    await server.kill();
    server = await startServer({ dir, port: server.port, args: ['--appendfsync', 'always'] });
    const again = clients.connect({ port: server.port });
    const expected = [...acked].sort((a, b) => a[1] - b[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
    const flat = await again.zrange('durable', 0, -1, 'WITHSCORES');
    assert.equal(flat, expected.flatMap(([m, s]) => [m, String(s)]));
    assert.is(await again.zcard('durable'), acked.size);
    assert.is(await again.zcard('copy'), acked.size);
    assert.is(await again.zscore('copy', expected[0][0]), String(expected[0][1] * 2));
    assert.is(await again.zrank('durable', expected[expected.length - 1][0]), acked.size - 1);
  } finally {
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
});

test.run();
