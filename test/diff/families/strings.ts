/**
 * String commands: every option of SET and GETEX (alone, combined, conflicting, repeated, in any
 * case), counters at the int64 edges, floats at the long-double edges, ranges and offsets past
 * either end. Offsets that Redis would honour by allocating hundreds of megabytes (SETRANGE at
 * 500 MB) are left out: both servers would spend seconds and memory on it; the ones just past the
 * 512 MB limit, which Redis refuses before allocating, are in.
 */
import type { Arg, CommandSpec, Family, Gen } from '../gen.js';

const FLOATS: readonly string[] = [
  '0', '1', '-1', '1.5', '-0.1', '0.1', '3', '10.5', '1e3', '-1e3', '1e308', '-1e308', '1e309', '1.7976931348623157e308',
  '5e-324', '1e-300', 'inf', '-inf', '+inf', 'nan', '0x10', '  1', '1 ', 'abc', '', '.5', '5.', '-0', '1e', '17.0000000000000001',
];

const SET_OPTIONS: ReadonlyArray<(g: Gen) => Arg[]> = [
  () => ['NX'], () => ['XX'], () => ['GET'], () => ['KEEPTTL'], () => ['nx'], () => ['get'],
  (g) => ['EX', g.expiry('s', false)], (g) => ['PX', g.expiry('ms', false)],
  (g) => ['EXAT', g.expiry('s', true)], (g) => ['PXAT', g.expiry('ms', true)],
  (g) => ['ex', g.expiry('s', false)], () => ['EX'], () => ['FOO'],
];

const GETEX_OPTIONS: ReadonlyArray<(g: Gen) => Arg[]> = [
  () => ['PERSIST'], () => ['persist'],
  (g) => ['EX', g.expiry('s', false)], (g) => ['PX', g.expiry('ms', false)],
  (g) => ['EXAT', g.expiry('s', true)], (g) => ['PXAT', g.expiry('ms', true)],
  () => ['PX'], () => ['KEEPTTL'], () => ['NX'],
];

/** 0 to `max` options drawn from `pool`, in the order drawn (repeats and conflicts included). */
function options(g: Gen, pool: ReadonlyArray<(g: Gen) => Arg[]>, max: number): Arg[] {
  const out: Arg[] = [];
  const n = g.int(max + 1);
  for (let i = 0; i < n; i++) out.push(...g.pick(pool)(g));
  return out;
}

function rangeIndex(g: Gen): string {
  return g.chance(0.7) ? String(g.between(-20, 20)) : g.integer();
}

function setrangeOffset(g: Gen): string {
  return g.chance(0.8) ? String(g.between(0, 20)) : g.pick(['-1', '1000', '65535', '536870912', '4294967296', '9223372036854775807', 'abc', '']);
}

function pairs(g: Gen, min: number, max: number): Arg[] {
  const out: Arg[] = [];
  for (let i = g.between(min, max); i > 0; i--) out.push(g.key(), g.value());
  return out;
}

function lcsOptions(g: Gen): Arg[] {
  const pool: ReadonlyArray<() => Arg[]> = [
    () => ['LEN'], () => ['IDX'], () => ['WITHMATCHLEN'], () => ['MINMATCHLEN', g.pick(['0', '1', '2', '3', '-1', 'x'])], () => ['FOO'],
  ];
  const out: Arg[] = [];
  for (let i = g.int(4); i > 0; i--) out.push(...g.pick(pool)());
  return out;
}

const commands: CommandSpec[] = [
  { name: 'GET', weight: 8, args: (g) => [g.key()] },
  { name: 'SET', weight: 10, args: (g) => [g.key(), g.value(), ...options(g, SET_OPTIONS, 3)] },
  { name: 'SETNX', weight: 2, args: (g) => [g.key(), g.value()] },
  { name: 'SETEX', weight: 2, args: (g) => [g.key(), g.expiry('s', false), g.value()] },
  { name: 'PSETEX', weight: 2, args: (g) => [g.key(), g.expiry('ms', false), g.value()] },
  { name: 'GETSET', weight: 2, args: (g) => [g.key(), g.value()] },
  { name: 'GETDEL', weight: 2, args: (g) => [g.key()] },
  { name: 'GETEX', weight: 3, args: (g) => [g.key(), ...options(g, GETEX_OPTIONS, 2)] },
  { name: 'MGET', weight: 3, args: (g) => g.keys(1, 5) },
  { name: 'MSET', weight: 3, args: (g) => pairs(g, 1, 3) },
  { name: 'MSETNX', weight: 2, args: (g) => pairs(g, 1, 3) },
  { name: 'APPEND', weight: 4, args: (g) => [g.key(), g.value()] },
  { name: 'STRLEN', weight: 3, args: (g) => [g.key()] },
  { name: 'GETRANGE', weight: 3, args: (g) => [g.key(), rangeIndex(g), rangeIndex(g)] },
  { name: 'SUBSTR', weight: 1, args: (g) => [g.key(), rangeIndex(g), rangeIndex(g)] },
  { name: 'SETRANGE', weight: 4, args: (g) => [g.key(), setrangeOffset(g), g.value()] },
  { name: 'INCR', weight: 4, args: (g) => [g.key()] },
  { name: 'DECR', weight: 3, args: (g) => [g.key()] },
  { name: 'INCRBY', weight: 3, args: (g) => [g.key(), g.integer()] },
  { name: 'DECRBY', weight: 3, args: (g) => [g.key(), g.integer()] },
  { name: 'INCRBYFLOAT', weight: 4, args: (g) => [g.key(), g.pick(FLOATS)] },
  { name: 'LCS', weight: 3, args: (g) => [g.key(), g.key(), ...lcsOptions(g)] },
];

export const strings: Family = { name: 'strings', commands };
