/**
 * Set commands: members from a small pool mixing integers (Redis' intset encoding, replied in
 * numeric order) and strings (hashtable), counts at the edges Redis checks, several keys per
 * command so SINTER/SUNION/SDIFF and their *STORE forms meet missing keys, wrong types and the
 * destination among the sources. Keys are shared with every other family.
 *
 * Randomness: SPOP and SRANDMEMBER pick differently on each server, so they are drawn only where
 * the answer is fixed (a count at least the set's size takes the whole set) or compared by shape
 * (how many, nil or not); a plain SPOP, which would leave the two servers holding different sets,
 * is never drawn.
 */
import { memberScanPage, randomPick, unordered } from '../compare.js';
import type { Arg, CommandSpec, Family, Gen } from '../gen.js';
import { memberScanArgs, scanMembersToEnd } from './member-scan.js';

const MEMBERS: readonly string[] = ['1', '2', '3', '10', '-5', '0', '9223372036854775807', '9223372036854775808', '01', 'a', 'b', 'm1', '', 'x'.repeat(70), 'm\x00\r\n\xff'];

function member(g: Gen): string {
  return g.pick(MEMBERS);
}

function members(g: Gen, min: number, max: number): string[] {
  return Array.from({ length: g.between(min, max) }, () => member(g));
}

/** Counts for SRANDMEMBER: every one whose answer does not depend on chance, plus the errors. */
// Not -9223372036854775807: Redis tries to build a reply that long and runs out of memory.
const FIXED_COUNTS: readonly string[] = ['0', '100', '1000', 'abc', '1.5', '', '9223372036854775807', '-9223372036854775808'];

const commands: CommandSpec[] = [
  { name: 'SADD', weight: 10, args: (g) => [g.key(), ...members(g, 1, 4)] },
  { name: 'SREM', weight: 4, args: (g) => [g.key(), ...members(g, 1, 3)] },
  { name: 'SCARD', weight: 3, args: (g) => [g.key()] },
  { name: 'SISMEMBER', weight: 3, args: (g) => [g.key(), member(g)] },
  { name: 'SMISMEMBER', weight: 2, args: (g) => [g.key(), ...members(g, 1, 4)] },
  { name: 'SMEMBERS', weight: 3, args: (g) => [g.key()], rule: unordered },
  {
    name: 'SRANDMEMBER', weight: 4, rule: randomPick,
    // No count: one member or nil. A count of at least the set's size is the whole set; negative
    // counts repeat at random.
    args: (g) => (g.chance(0.3) ? [g.key()] : [g.key(), g.chance(0.6) ? g.pick(FIXED_COUNTS) : String(-g.between(1, 5))]),
  },
  { name: 'SPOP', weight: 2, args: (g) => [g.key(), g.pick(['100', '0', '-1', 'abc'])], rule: unordered, truncateBelow: 1 },
  { name: 'SMOVE', weight: 3, args: (g) => [g.key(), g.key(), member(g)] },
  { name: 'SINTER', weight: 2, args: (g) => g.keys(1, 3), rule: unordered },
  { name: 'SUNION', weight: 2, args: (g) => g.keys(1, 3), rule: unordered },
  { name: 'SDIFF', weight: 2, args: (g) => g.keys(1, 3), rule: unordered },
  { name: 'SINTERSTORE', weight: 2, args: (g) => [g.key(), ...g.keys(1, 3)] },
  { name: 'SUNIONSTORE', weight: 2, args: (g) => [g.key(), ...g.keys(1, 3)] },
  { name: 'SDIFFSTORE', weight: 2, args: (g) => [g.key(), ...g.keys(1, 3)] },
  {
    name: 'SINTERCARD', weight: 2,
    args: (g) => {
      const keys = g.keys(1, 3);
      const numkeys = g.chance(0.85) ? String(keys.length) : g.pick(['0', '-1', '5', 'x']);
      const limit: Arg[] = g.chance(0.4) ? ['LIMIT', g.pick(['0', '1', '2', '-1', 'x'])] : [];
      return [numkeys, ...keys, ...limit];
    },
  },
  { name: 'SSCAN', weight: 2, args: (g) => [g.key(), ...memberScanArgs(g)], exchange: scanMembersToEnd(false), rule: memberScanPage(false) },
];

export const sets: Family = { name: 'sets', commands };
