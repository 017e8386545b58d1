/**
 * Hash commands: fields from a small pool (so they collide), values of every shape the string
 * family uses (long ones turn a hash into Redis' hashtable encoding, which OBJECT ENCODING in the
 * keys family then compares), counters at the int64 edges, floats at the long-double edges, odd
 * field/value counts. Keys are shared with every other family, so WRONGTYPE comes up both ways.
 * Orders Redis leaves undefined (HKEYS, HVALS, HGETALL) are compared as multisets.
 *
 * HRANDFIELD picks differently on each server: compared by shape (nil or not, how many), with
 * every count whose answer does not depend on chance and the errors of the count and WITHVALUES.
 * HSCAN goes to the end of the scan and compares the field/value pairs it saw (member-scan.ts).
 */
import { memberScanPage, randomPick, unordered, unorderedPairs } from '../compare.js';
import type { Arg, CommandSpec, Family, Gen } from '../gen.js';
import { memberScanArgs, scanMembersToEnd } from './member-scan.js';

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

/**
 * HRANDFIELD counts whose answer does not depend on chance (0, at least the hash's size), the
 * edges Redis checks (±LONG_MAX), and the errors of a count that is not one.
 */
const RANDOM_COUNTS: readonly string[] = ['0', '1', '2', '100', '9223372036854775807', '-9223372036854775808', '4611686018427387904', '4611686018427387903', 'abc', '1.5', ''];

/**
 * Counts only drawn with WITHVALUES: beyond ±LONG_MAX/2 they are refused, -4611686018427387903
 * is not drawn (Redis would build a reply that long and run out of memory, as it would for any
 * huge negative count without WITHVALUES).
 */
const COUNTS_WITH_VALUES: readonly string[] = ['-4611686018427387904', '-9223372036854775807', '4611686018427387904', '4611686018427387903'];

function hrandfieldArgs(g: Gen): Arg[] {
  const out: Arg[] = [g.key()];
  const roll = g.int(10);
  if (roll < 2) return out;
  if (roll < 3) return [...out, g.pick(COUNTS_WITH_VALUES), 'WITHVALUES'];
  out.push(roll < 7 ? g.pick(RANDOM_COUNTS) : String(-g.between(1, 5)));
  if (g.chance(0.5)) out.push(g.chance(0.85) ? g.pick(['WITHVALUES', 'withvalues']) : g.pick(['WITHSCORES', 'x']));
  return out;
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
  // Truncated to the key alone at most: without its WITHVALUES, a huge negative count is a reply Redis cannot build.
  { name: 'HRANDFIELD', weight: 3, args: hrandfieldArgs, rule: randomPick, truncateBelow: 2 },
  { name: 'HSCAN', weight: 2, args: (g) => [g.key(), ...memberScanArgs(g)], exchange: scanMembersToEnd(true), rule: memberScanPage(true) },
];

export const hashes: Family = { name: 'hashes', commands };
