/**
 * Stream commands: explicit IDs from a small space (ms 0..40, seq 0..3) so that XADD meets its
 * "equal or smaller" and `ms-*` cases often, never `*` (its ID is the clock, different on each
 * server); incomplete, exclusive, `-`/`+` and malformed IDs in ranges; MAXLEN/MINID trims with
 * `=`, `~` and LIMIT and their errors; XREAD without BLOCK (a blocked read waits on the clock);
 * XSETID with its options; XINFO STREAM (plain and FULL), GROUPS, CONSUMERS, HELP. Keys are shared
 * with every other family, so streams meet DEL, RENAME, COPY, MOVE, EXPIRE, MULTI and WRONGTYPE.
 *
 * Values stay short and streams stay well under 100 entries, so Redis' listpack nodes are cut by
 * entry count alone (which StrataKV models) and XINFO's radix-tree counts are those of at most one
 * node (docs/format.md, "Streams"). Every reply is compared byte for byte.
 */
import type { Arg, CommandSpec, Family, Gen } from '../gen.js';
import { withTimes } from '../compare.js';

const FIELDS: readonly string[] = ['f', 'g', 'a', '1', '', 'e\x00\r'];
const MALFORMED_IDS: readonly string[] = ['abc', '-', '+', '1-x', '-1', '18446744073709551616', '18446744073709551615-18446744073709551615', ' 5', '00007-1', '1-*', '5-', ''];

function pairs(g: Gen): string[] {
  const out: string[] = [];
  for (let i = g.between(1, 2); i > 0; i--) out.push(g.pick(FIELDS), g.pick(FIELDS));
  return out;
}

function id(g: Gen): string {
  const roll = g.int(20);
  if (roll < 14) return `${g.between(0, 40)}-${g.between(0, 3)}`;
  if (roll < 17) return String(g.between(0, 40));
  if (roll < 19) return `${g.between(0, 40)}-*`;
  return g.pick(MALFORMED_IDS);
}

/** A range end: IDs, incomplete IDs, `-`/`+`, exclusive forms. */
function bound(g: Gen): string {
  const roll = g.int(10);
  if (roll < 4) return `${g.between(0, 40)}-${g.between(0, 3)}`;
  if (roll < 6) return String(g.between(0, 40));
  if (roll < 8) return g.pick(['-', '+']);
  if (roll < 9) return `(${g.between(0, 40)}${g.chance(0.5) ? `-${g.between(0, 3)}` : ''}`;
  return g.pick(['(-', '(+', '(', 'x', '(18446744073709551615-18446744073709551615', '(0-0', '(0']);
}

function trimArgs(g: Gen): Arg[] {
  const out: Arg[] = [];
  const strategy = g.chance(0.6) ? 'MAXLEN' : 'MINID';
  out.push(g.chance(0.9) ? strategy : strategy.toLowerCase());
  if (g.chance(0.5)) out.push(g.pick(['~', '=', '~', '=']));
  out.push(strategy === 'MAXLEN' ? (g.chance(0.9) ? String(g.between(0, 8)) : g.pick(['-1', 'x', '9223372036854775807'])) : (g.chance(0.9) ? `${g.between(0, 40)}-${g.between(0, 3)}` : g.pick(MALFORMED_IDS)));
  if (g.chance(0.25)) out.push('LIMIT', g.pick(['0', '1', '5', '100', '-1', 'x']));
  return out;
}

function xaddArgs(g: Gen): Arg[] {
  const out: Arg[] = [g.key()];
  if (g.chance(0.1)) out.push('NOMKSTREAM');
  if (g.chance(0.25)) out.push(...trimArgs(g));
  if (g.chance(0.05)) out.push(g.pick(['LIMIT', 'MAXLEN', 'NOMKSTREAM']), '1');
  out.push(id(g), ...pairs(g));
  if (g.chance(0.03)) out.pop();
  return out;
}

function countOption(g: Gen): Arg[] {
  return g.chance(0.5) ? [] : ['COUNT', g.chance(0.85) ? String(g.between(-1, 5)) : g.pick(['x', '9223372036854775807', ''])];
}

function xreadArgs(g: Gen): Arg[] {
  const out: Arg[] = [];
  if (g.chance(0.4)) out.push('COUNT', g.chance(0.9) ? String(g.between(-1, 4)) : 'x');
  if (g.chance(0.03)) out.push(g.pick(['NOACK', 'FOO']));
  out.push(g.chance(0.95) ? 'STREAMS' : 'streams');
  const keys = g.keys(1, 3);
  const ids = keys.map(() => (g.chance(0.7) ? `${g.between(0, 40)}-${g.between(0, 3)}` : g.pick(['$', '0', '>', '+', '-', 'x'])));
  if (g.chance(0.04)) ids.pop();
  out.push(...keys, ...ids);
  return out;
}

function xsetidArgs(g: Gen): Arg[] {
  const out: Arg[] = [g.key(), g.chance(0.85) ? `${g.between(0, 60)}-${g.between(0, 3)}` : g.pick(MALFORMED_IDS)];
  if (g.chance(0.3)) out.push('ENTRIESADDED', g.chance(0.8) ? String(g.between(0, 80)) : g.pick(['-1', 'x']));
  if (g.chance(0.3)) out.push('MAXDELETEDID', g.chance(0.8) ? `${g.between(0, 60)}-${g.between(0, 3)}` : g.pick(MALFORMED_IDS));
  if (g.chance(0.03)) out.push('FOO');
  return out;
}

function xinfoArgs(g: Gen): Arg[] {
  const roll = g.int(12);
  if (roll < 6) return ['STREAM', g.key()];
  if (roll < 9) return ['STREAM', g.key(), 'FULL', ...(g.chance(0.5) ? ['COUNT', g.pick(['0', '1', '2', '-3', 'x'])] : [])];
  if (roll < 10) return ['GROUPS', g.key()];
  if (roll < 11) return ['CONSUMERS', g.key(), 'grp'];
  return g.pick<Arg[]>([['HELP'], ['STREAM', g.key(), 'FULLX'], ['STREAM', g.key(), 'FULL', 'COUNT'], ['FOO', g.key()]]);
}

const commands: CommandSpec[] = [
  { name: 'XADD', weight: 14, args: xaddArgs },
  { name: 'XLEN', weight: 2, args: (g) => [g.key()] },
  { name: 'XRANGE', weight: 5, args: (g) => [g.key(), bound(g), bound(g), ...countOption(g)] },
  { name: 'XREVRANGE', weight: 3, args: (g) => [g.key(), bound(g), bound(g), ...countOption(g)] },
  { name: 'XDEL', weight: 4, args: (g) => [g.key(), ...Array.from({ length: g.between(1, 3) }, () => (g.chance(0.9) ? `${g.between(0, 40)}-${g.between(0, 3)}` : g.pick(MALFORMED_IDS)))] },
  { name: 'XTRIM', weight: 4, args: (g) => [g.key(), ...trimArgs(g)] },
  { name: 'XREAD', weight: 4, args: xreadArgs, extraArgument: false },
  { name: 'XSETID', weight: 2, args: xsetidArgs },
  // XINFO STREAM FULL and CONSUMERS print clock readings once groups exist (stream-groups.ts).
  { name: 'XINFO', weight: 3, args: xinfoArgs, subcommandRules: { STREAM: withTimes(5_000), CONSUMERS: withTimes(5_000) } },
];

export const streams: Family = { name: 'streams', commands };
