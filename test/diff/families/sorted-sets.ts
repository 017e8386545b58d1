/**
 * Sorted-set commands: members from a small pool (short, so every set stays listpack-encoded in
 * Redis: lex ranges over a skiplist with mixed scores depend on its random levels, and Redis
 * leaves them undefined), scores at the double edges and the strtod shapes Redis accepts or
 * refuses, ranges by rank, score (exclusive, infinite) and lex, every option of ZADD and ZRANGE,
 * the numkeys forms with WEIGHTS and AGGREGATE. ZRANDMEMBER is compared by shape.
 */
import { memberScanPage, randomPick } from '../compare.js';
import type { Arg, CommandSpec, Family, Gen } from '../gen.js';
import { memberScanArgs, scanMembersToEnd } from './member-scan.js';

const MEMBERS: readonly string[] = ['a', 'b', 'c', 'm1', 'm2', '', '1', 'z\x00\r\n\xff'];
const SCORES: readonly string[] = ['0', '1', '-1', '1.5', '2', '10', '-0', '+inf', '-inf', 'inf', '1e308', '5e-324', '0.1', '3.0000000000000001', 'nan', 'abc', '', '1e', '0x10', ' 1'];
const SCORE_BOUNDS: readonly string[] = ['-inf', '+inf', '0', '1', '(1', '(0', '1.5', '(1.5', '10', '-1', '(-inf', 'abc', '(', '', 'nan'];
const LEX_BOUNDS: readonly string[] = ['-', '+', '[a', '(a', '[m', '(m1', '[', '(', 'a', '[z', ''];

function member(g: Gen): string {
  return g.pick(MEMBERS);
}

function rank(g: Gen): string {
  return g.chance(0.7) ? String(g.between(-6, 6)) : g.integer();
}

function zaddArgs(g: Gen): Arg[] {
  const out: Arg[] = [g.key()];
  for (let i = g.int(3); i > 0; i--) out.push(g.pick(['NX', 'XX', 'GT', 'LT', 'CH', 'INCR', 'ch']));
  for (let i = g.between(1, 3); i > 0; i--) out.push(g.pick(SCORES), member(g));
  if (g.chance(0.05)) out.pop();
  return out;
}

function limit(g: Gen): Arg[] {
  return g.chance(0.3) ? ['LIMIT', g.pick(['0', '1', '-1', '2']), g.pick(['1', '2', '-1', '0', '10'])] : [];
}

function zrangeArgs(g: Gen): Arg[] {
  const by = g.pick(['', 'BYSCORE', 'BYLEX']);
  const [min, max] = by === 'BYSCORE' ? [g.pick(SCORE_BOUNDS), g.pick(SCORE_BOUNDS)] : by === 'BYLEX' ? [g.pick(LEX_BOUNDS), g.pick(LEX_BOUNDS)] : [rank(g), rank(g)];
  const out: Arg[] = [g.key(), min, max];
  if (by !== '') out.push(by);
  if (g.chance(0.3)) out.push('REV');
  out.push(...limit(g));
  if (g.chance(0.4)) out.push('WITHSCORES');
  return out;
}

/** numkeys, the keys, then WEIGHTS / AGGREGATE (and WITHSCORES where `withScores`). */
function numkeysArgs(g: Gen, weights: boolean, withScores: boolean): Arg[] {
  const keys = g.keys(1, 3);
  const out: Arg[] = [g.chance(0.9) ? String(keys.length) : g.pick(['0', '-1', '5', 'x']), ...keys];
  if (weights && g.chance(0.3)) out.push('WEIGHTS', ...keys.map(() => g.pick(['1', '2', '-1', '0.5', 'inf', 'x'])));
  if (weights && g.chance(0.3)) out.push('AGGREGATE', g.pick(['SUM', 'MIN', 'MAX', 'avg']));
  if (withScores && g.chance(0.4)) out.push('WITHSCORES');
  return out;
}

const commands: CommandSpec[] = [
  { name: 'ZADD', weight: 10, args: zaddArgs },
  { name: 'ZINCRBY', weight: 3, args: (g) => [g.key(), g.pick(SCORES), member(g)] },
  { name: 'ZREM', weight: 3, args: (g) => [g.key(), member(g), ...(g.chance(0.3) ? [member(g)] : [])] },
  { name: 'ZCARD', weight: 2, args: (g) => [g.key()] },
  { name: 'ZSCORE', weight: 3, args: (g) => [g.key(), member(g)] },
  { name: 'ZMSCORE', weight: 2, args: (g) => [g.key(), member(g), member(g)] },
  { name: 'ZRANK', weight: 2, args: (g) => [g.key(), member(g)] },
  { name: 'ZREVRANK', weight: 2, args: (g) => [g.key(), member(g)] },
  { name: 'ZCOUNT', weight: 2, args: (g) => [g.key(), g.pick(SCORE_BOUNDS), g.pick(SCORE_BOUNDS)] },
  { name: 'ZLEXCOUNT', weight: 2, args: (g) => [g.key(), g.pick(LEX_BOUNDS), g.pick(LEX_BOUNDS)] },
  { name: 'ZRANGE', weight: 5, args: zrangeArgs },
  { name: 'ZRANGESTORE', weight: 2, args: (g) => [g.key(), ...zrangeArgs(g).filter((a) => a !== 'WITHSCORES')] },
  { name: 'ZREVRANGE', weight: 2, args: (g) => [g.key(), rank(g), rank(g), ...(g.chance(0.4) ? ['WITHSCORES'] : [])] },
  { name: 'ZRANGEBYSCORE', weight: 2, args: (g) => [g.key(), g.pick(SCORE_BOUNDS), g.pick(SCORE_BOUNDS), ...(g.chance(0.4) ? ['WITHSCORES'] : []), ...limit(g)] },
  { name: 'ZREVRANGEBYSCORE', weight: 2, args: (g) => [g.key(), g.pick(SCORE_BOUNDS), g.pick(SCORE_BOUNDS), ...(g.chance(0.4) ? ['WITHSCORES'] : []), ...limit(g)] },
  { name: 'ZRANGEBYLEX', weight: 2, args: (g) => [g.key(), g.pick(LEX_BOUNDS), g.pick(LEX_BOUNDS), ...limit(g)] },
  { name: 'ZREVRANGEBYLEX', weight: 2, args: (g) => [g.key(), g.pick(LEX_BOUNDS), g.pick(LEX_BOUNDS), ...limit(g)] },
  { name: 'ZREMRANGEBYRANK', weight: 1, args: (g) => [g.key(), rank(g), rank(g)] },
  { name: 'ZREMRANGEBYSCORE', weight: 1, args: (g) => [g.key(), g.pick(SCORE_BOUNDS), g.pick(SCORE_BOUNDS)] },
  { name: 'ZREMRANGEBYLEX', weight: 1, args: (g) => [g.key(), g.pick(LEX_BOUNDS), g.pick(LEX_BOUNDS)] },
  { name: 'ZPOPMIN', weight: 2, args: (g) => [g.key(), ...(g.chance(0.5) ? [g.pick(['0', '1', '2', '10', '-1', 'x'])] : [])] },
  { name: 'ZPOPMAX', weight: 2, args: (g) => [g.key(), ...(g.chance(0.5) ? [g.pick(['0', '1', '2', '10', '-1', 'x'])] : [])] },
  {
    name: 'ZMPOP', weight: 2,
    args: (g) => {
      const keys = g.keys(1, 3);
      return [g.chance(0.9) ? String(keys.length) : g.pick(['0', '-1', 'x']), ...keys, g.pick(['MIN', 'MAX', 'min', 'FOO']), ...(g.chance(0.4) ? ['COUNT', g.pick(['1', '2', '10', '0', '-1'])] : [])];
    },
  },
  { name: 'ZRANDMEMBER', weight: 2, rule: randomPick, args: (g) => [g.key(), ...(g.chance(0.7) ? [g.pick(['0', '100', '-3', '2', 'x']), ...(g.chance(0.4) ? ['WITHSCORES'] : [])] : [])] },
  { name: 'ZUNION', weight: 2, args: (g) => numkeysArgs(g, true, true) },
  { name: 'ZINTER', weight: 2, args: (g) => numkeysArgs(g, true, true) },
  { name: 'ZDIFF', weight: 2, args: (g) => numkeysArgs(g, false, true) },
  { name: 'ZUNIONSTORE', weight: 1, args: (g) => [g.key(), ...numkeysArgs(g, true, false)] },
  { name: 'ZINTERSTORE', weight: 1, args: (g) => [g.key(), ...numkeysArgs(g, true, false)] },
  { name: 'ZDIFFSTORE', weight: 1, args: (g) => [g.key(), ...numkeysArgs(g, false, false)] },
  { name: 'ZINTERCARD', weight: 1, args: (g) => [...numkeysArgs(g, false, false), ...(g.chance(0.3) ? ['LIMIT', g.pick(['0', '1', '-1'])] : [])] },
  { name: 'ZSCAN', weight: 2, args: (g) => [g.key(), ...memberScanArgs(g)], exchange: scanMembersToEnd(true), rule: memberScanPage(true) },
];

export const sortedSets: Family = { name: 'sorted-sets', commands };
