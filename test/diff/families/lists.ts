/**
 * List commands: elements from a small pool (so LREM, LPOS and LINSERT find their matches, often
 * several), indexes and counts at the edges Redis checks (negative, past either end, ±2^63), every
 * option of LPOS and LMPOP with its error texts, LMOVE between and within lists. Keys are shared
 * with every other family, so lists meet DEL, EXPIRE, RENAME, COPY, MOVE, MULTI blocks and
 * WRONGTYPE both ways. Now and then a push of over a thousand elements, so that middle edits shift
 * long sides and LTRIM takes its rebuild path (keeping few of many).
 *
 * Everything here is deterministic: every reply is compared byte for byte.
 */
import type { Arg, CommandSpec, Family, Gen } from '../gen.js';

const ELEMENTS: readonly string[] = ['a', 'b', 'c', 'a', 'b', '1', '2', '-1', '', 'x'.repeat(70), 'e\x00\r\n\xff'];

function element(g: Gen): string {
  return g.pick(ELEMENTS);
}

/** `min` to `max` elements; rarely over a thousand (a list long enough for the big-list paths). */
function elements(g: Gen, min: number, max: number): string[] {
  const n = g.chance(0.01) ? g.between(1000, 1500) : g.between(min, max);
  return Array.from({ length: n }, () => element(g));
}

/** Indexes and counts: small ones around both ends, and the edges of a C long. */
const EDGES: readonly string[] = ['9223372036854775807', '-9223372036854775808', '9223372036854775808', '4294967296', '-4294967296', 'abc', '1.5', '', ' 1', '+1', '00', '-0'];

function index(g: Gen): string {
  return g.chance(0.85) ? String(g.between(-12, 12)) : g.pick(EDGES);
}

function count(g: Gen): string {
  return g.chance(0.8) ? String(g.between(-1, 12)) : g.chance(0.5) ? String(g.between(1000, 1600)) : g.pick(EDGES);
}

function where(g: Gen): string {
  return g.chance(0.92) ? g.pick(['LEFT', 'RIGHT', 'left', 'Right']) : g.pick(['UP', '', 'LEFTX']);
}

function popArgs(g: Gen): Arg[] {
  const roll = g.int(10);
  if (roll < 5) return [g.key()];
  if (roll < 9) return [g.key(), count(g)];
  return [g.key(), '1', g.pick(['1', 'x'])];
}

function lposArgs(g: Gen): Arg[] {
  const out: Arg[] = [g.key(), element(g)];
  for (let i = g.int(4); i > 0; i--) {
    out.push(...g.pick<Arg[]>([
      ['RANK', g.pick(['1', '2', '-1', '-2', '3', '-3'])],
      ['RANK', g.pick(['0', 'x', '-9223372036854775808', '-9223372036854775807', '9223372036854775807'])],
      ['COUNT', g.pick(['0', '1', '2', '3'])],
      ['COUNT', g.pick(['-1', 'x', '9223372036854775807'])],
      ['MAXLEN', g.pick(['0', '1', '2', '5'])],
      ['MAXLEN', g.pick(['-1', 'x'])],
      ['rank', '1'], ['count'], ['FOO', '1'],
    ]));
  }
  return out;
}

function lmpopArgs(g: Gen): Arg[] {
  const keys = g.keys(1, 3);
  const numkeys = g.chance(0.85) ? String(keys.length) : g.pick(['0', '-1', '5', 'x', '9223372036854775807']);
  const out: Arg[] = [numkeys, ...keys, where(g)];
  if (g.chance(0.5)) out.push(...g.pick<Arg[]>([['COUNT', count(g)], ['COUNT', '1', 'COUNT', '2'], ['count', '0'], ['COUNT'], ['FOO']]));
  return out;
}

const commands: CommandSpec[] = [
  { name: 'LPUSH', weight: 8, args: (g) => [g.key(), ...elements(g, 1, 6)] },
  { name: 'RPUSH', weight: 8, args: (g) => [g.key(), ...elements(g, 1, 6)] },
  { name: 'LPUSHX', weight: 2, args: (g) => [g.key(), ...elements(g, 1, 3)] },
  { name: 'RPUSHX', weight: 2, args: (g) => [g.key(), ...elements(g, 1, 3)] },
  { name: 'LPOP', weight: 4, args: popArgs },
  { name: 'RPOP', weight: 4, args: popArgs },
  { name: 'LLEN', weight: 2, args: (g) => [g.key()] },
  { name: 'LINDEX', weight: 3, args: (g) => [g.key(), index(g)] },
  { name: 'LSET', weight: 3, args: (g) => [g.key(), index(g), element(g)] },
  { name: 'LRANGE', weight: 5, args: (g) => [g.key(), index(g), index(g)] },
  { name: 'LTRIM', weight: 2, args: (g) => [g.key(), index(g), index(g)] },
  { name: 'LREM', weight: 4, args: (g) => [g.key(), g.chance(0.9) ? String(g.between(-3, 3)) : g.pick(EDGES), element(g)] },
  {
    name: 'LINSERT', weight: 4,
    args: (g) => [g.key(), g.chance(0.92) ? g.pick(['BEFORE', 'AFTER', 'before', 'After']) : g.pick(['MIDDLE', '']), element(g), element(g)],
  },
  { name: 'LPOS', weight: 4, args: lposArgs },
  { name: 'LMOVE', weight: 3, args: (g) => [g.key(), g.key(), where(g), where(g)] },
  { name: 'RPOPLPUSH', weight: 2, args: (g) => [g.key(), g.key()] },
  { name: 'LMPOP', weight: 3, args: lmpopArgs },
];

export const lists: Family = { name: 'lists', commands };
