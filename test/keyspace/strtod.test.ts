/**
 * Scores as redis-server 7.0.15 reads and prints them: every case below was recorded from it (ZADD
 * then ZSCORE of a skiplist-encoded set for the strict parser and %.17g, ZCOUNT for range bounds,
 * ZSCAN of a listpack-encoded set for the listpack text).
 */
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { listpackScoreText, parseRangeDouble, parseStrictDouble, strtod } from '../../src/keyspace/strtod.js';
import { formatDouble } from '../../src/protocol/reply.js';

/** [argument, ZSCORE's reply after ZADD with it (null: ZADD refused it), whether ZCOUNT took it as a bound] */
const RECORDED: ReadonlyArray<readonly [string, string | null, boolean]> = [
  ["0","0",true],
  ["-0","-0",true],
  ["+0","0",true],
  ["1","1",true],
  ["-1","-1",true],
  ["+1.5","1.5",true],
  [".5","0.5",true],
  ["5.","5",true],
  ["-.5e1","-5",true],
  ["0.1","0.10000000000000001",true],
  ["1e-300","1e-300",true],
  ["4e-320","3.999955468730732e-320",true],
  ["2.4703282292062328e-324","4.9406564584124654e-324",true],
  ["2.4703282292062327e-324",null,true],
  ["1e-400",null,true],
  ["1e308","1e+308",true],
  ["1.7976931348623157e308","1.7976931348623157e+308",true],
  ["1.7976931348623159e308",null,true],
  ["1e400",null,true],
  ["-1e400",null,true],
  ["inf","inf",true],
  ["-inf","-inf",true],
  ["+inf","inf",true],
  ["Inf","inf",true],
  ["INFINITY","inf",true],
  ["-Infinity","-inf",true],
  ["infinit",null,false],
  ["infx",null,false],
  ["nan",null,false],
  ["NaN",null,false],
  ["-nan",null,false],
  ["nan(1)",null,false],
  ["0x10","16",true],
  ["0X1p4","16",true],
  ["0x1.8p1","3",true],
  ["-0x.8","-0.5",true],
  ["0x",null,false],
  ["0x.",null,false],
  ["0xg",null,false],
  ["0x1p",null,false],
  ["0x1p-1074","4.9406564584124654e-324",true],
  ["0x1p-1075",null,true],
  ["0x1.8p-1074","9.8813129168249309e-324",true],
  ["0x1p1024",null,true],
  ["0x1.fffffffffffff8p1023",null,true],
  ["1e",null,false],
  ["1e+",null,false],
  ["1e-5","1.0000000000000001e-05",true],
  ["1E5","100000",true],
  [" 1",null,true],
  ["1 ",null,false],
  ["\t1",null,true],
  ["",null,true],
  ["-",null,false],
  ["+",null,false],
  [".",null,false],
  ["e5",null,false],
  ["1_0",null,false],
  ["1,5",null,false],
  ["00012","12",true],
  ["123456789012345678901234567890","1.2345678901234568e+29",true],
  ["0.30000000000000004","0.30000000000000004",true],
  ["9007199254740993","9007199254740992",true],
  ["1\u00001",null,true],
  ["3.14159265358979323846","3.1415926535897931",true],
  ["-1.5e-310","-1.5000000000000201e-310",true],
  ["0e999999","0",true],
  ["1e-999999",null,true],
];

test('ZADD scores: string2d refuses what Redis refuses, and %.17g prints what it prints', () => {
  for (const [text, printed] of RECORDED) {
    const score = parseStrictDouble(text);
    assert.is(score === undefined ? null : formatDouble(score), printed, JSON.stringify(text));
  }
});

test('range bounds: plain strtod, leading spaces and overflow allowed, stopping only at the end or a NUL', () => {
  for (const [text, , accepted] of RECORDED) assert.is(parseRangeDouble(text, 0) !== undefined, accepted, JSON.stringify(text));
  assert.is(parseRangeDouble('(5', 1), 5);
  assert.is(parseRangeDouble('(', 1), 0, "'(' alone is an open 0, as strtod of an empty string");
  assert.is(parseRangeDouble('1e400', 0), Infinity);
});

test('strtod stops where glibc stops', () => {
  const stop = (s: string): [number, number] => {
    const r = strtod(s);
    return [r.value, r.end];
  };
  assert.equal(stop('0x'), [0, 1], '"0x" is a 0 followed by an unread x');
  assert.equal(stop('0x1p'), [1, 3], 'an exponent letter without digits is left unread');
  assert.equal(stop('1e+'), [1, 1]);
  assert.equal(stop('infinity!'), [Infinity, 8]);
  assert.equal(stop('infinit'), [Infinity, 3]);
  assert.ok(Number.isNaN(strtod('nan(abc)x').value));
  assert.is(strtod('nan(abc)x').end, 8);
  assert.is(strtod('nan(abc').end, 3, 'an unclosed parenthesis is not part of the NaN');
  assert.is(strtod('  -2.5e1xyz').end, 8);
  assert.is(strtod('-').end, 0, 'nothing parsed: the end is the start');
  assert.ok(Object.is(strtod('-0').value, -0));
  assert.ok(Object.is(strtod('-0x0p3').value, -0));
  assert.is(strtod('0x1.00000000000008p0').value, 1, 'a hex tie rounds to even');
  assert.is(strtod('0x1.00000000000018p0').value, 1 + 2 * Number.EPSILON);
});

test('ZSCAN of a listpack: integers within ±2^62 as integers, the rest %.17g', () => {
  const text = (d: number): string => listpackScoreText(d, formatDouble);
  // Recorded: ZADD of these scores to a listpack-encoded set, then ZSCAN.
  assert.is(text(4503599627370496), '4503599627370496');
  assert.is(text(Number('9007199254740993')), '9007199254740992');
  assert.is(text(1e17), '100000000000000000');
  assert.is(text(2 ** 62), '4611686018427387904');
  assert.is(text(-(2 ** 62)), '-4611686018427387904');
  assert.is(text(4611686018427388928), '4.6116860184273889e+18');
  assert.is(text(2 ** 63), '9.2233720368547758e+18');
  assert.is(text(1e19), '1e+19');
  assert.is(text(-6e18), '-6e+18');
  assert.is(text(0.1), '0.10000000000000001');
  assert.is(text(1e-5), '1.0000000000000001e-05');
  assert.is(text(123.456), '123.456');
  assert.is(text(-0.5), '-0.5');
  assert.is(text(Infinity), 'inf');
  assert.is(text(-Infinity), '-inf');
  assert.is(text(-0), '0');
});

test.run();
