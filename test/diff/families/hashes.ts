/**
 * Hash commands: fields from a small pool (so they collide), values of every shape the string
 * family uses (long ones turn a hash into Redis' hashtable encoding, which OBJECT ENCODING in the
 * keys family then compares), counters at the int64 edges, floats at the long-double edges, odd
 * field/value counts. Keys are shared with every other family, so WRONGTYPE comes up both ways.
 * Orders Redis leaves undefined (HKEYS, HVALS, HGETALL) are compared as multisets.
 */
import { unordered, unorderedPairs } from '../compare.js';
import type { Arg, CommandSpec, Family, Gen } from '../gen.js';

const FIELDS: readonly string[] = ['f1', 'f2', 'f3', 'f1', 'f2', 'count', '', 'f\x00\r\n\xff', 'x'.repeat(70)];

const FLOATS: readonly string[] = ['0', '1', '-1', '1.5', '-0.1', '0.1', '1e3', '1e308', '-1e308', '1e309', '5e-324', 'inf', '-inf', 'nan', 'abc', '', '.5', '-0', '17.0000000000000001'];

function field(g: Gen): string {
  return g.pick(FIELDS);
}

/** `min` to `max` field/value pairs; now and then one argument short, which HSET/HMSET refuse. */
function pairs(g: Gen, min: number, max: number): Arg[] {
  const out: Arg[] = [];
  for (let i = g.between(min, max); i > 0; i--) out.push(field(g), g.value());
  if (g.chance(0.05)) out.pop();
  return out;
}

function fields(g: Gen, min: number, max: number): string[] {
  return Array.from({ length: g.between(min, max) }, () => field(g));
}

const commands: CommandSpec[] = [
  { name: 'HSET', weight: 10, args: (g) => [g.key(), ...pairs(g, 1, 3)] },
  { name: 'HSETNX', weight: 3, args: (g) => [g.key(), field(g), g.value()] },
  { name: 'HMSET', weight: 2, args: (g) => [g.key(), ...pairs(g, 1, 3)] },
  { name: 'HGET', weight: 6, args: (g) => [g.key(), field(g)] },
  { name: 'HMGET', weight: 3, args: (g) => [g.key(), ...fields(g, 1, 4)] },
  { name: 'HDEL', weight: 4, args: (g) => [g.key(), ...fields(g, 1, 3)] },
  { name: 'HLEN', weight: 3, args: (g) => [g.key()] },
  { name: 'HSTRLEN', weight: 2, args: (g) => [g.key(), field(g)] },
  { name: 'HEXISTS', weight: 2, args: (g) => [g.key(), field(g)] },
  { name: 'HKEYS', weight: 2, args: (g) => [g.key()], rule: unordered },
  { name: 'HVALS', weight: 2, args: (g) => [g.key()], rule: unordered },
  { name: 'HGETALL', weight: 3, args: (g) => [g.key()], rule: unorderedPairs },
  { name: 'HINCRBY', weight: 4, args: (g) => [g.key(), field(g), g.integer()] },
  { name: 'HINCRBYFLOAT', weight: 3, args: (g) => [g.key(), field(g), g.pick(FLOATS)] },
];

export const hashes: Family = { name: 'hashes', commands };
