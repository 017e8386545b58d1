/**
 * Consumer group commands: XGROUP (every subcommand, MKSTREAM, ENTRIESREAD, `$`), XREADGROUP
 * (`>` and history IDs, COUNT, NOACK, several streams; never BLOCK, whose wait is the clock's),
 * XACK, XPENDING (summary and extended, IDLE, exclusive ranges, a consumer), XCLAIM (IDLE, TIME,
 * RETRYCOUNT, FORCE, JUSTID, LASTID), XAUTOCLAIM (COUNT, JUSTID, its cursor and deleted IDs), and
 * the XINFO subcommands that show groups. The streams family's XADD/XDEL/XTRIM/DEL on the same
 * keys make PEL entries of deleted entries and groups that die with their stream.
 *
 * Idle filters are 0 or an hour (and XCLAIM's IDLE/TIME far in the past), so which entries pass
 * never depends on how many ms apart the two servers ran a command. Replies holding clock readings
 * (XPENDING's rows, XINFO CONSUMERS, XINFO STREAM FULL in the streams family) compare those numbers
 * within a tolerance (compare.ts withTimes); every other byte is exact.
 */
import { withTimes } from '../compare.js';
import type { Arg, CommandSpec, Family, Gen } from '../gen.js';

/** Clock readings of the two servers for one command differ by a few ms, more under load. */
export const TIME_TOLERANCE_MS = 5_000;

const GROUPS: readonly string[] = ['grp', 'grp', 'g2', 'nog', 'g\x00\xff'];
const CONSUMERS: readonly string[] = ['c1', 'c1', 'c2', 'c3', '', 'c\r\n'];
const MALFORMED: readonly string[] = ['abc', '-1', '1-x', '18446744073709551616', ''];
const IDLE: readonly string[] = ['0', '0', '3600000', '-5', 'x'];

function id(g: Gen): string {
  const roll = g.int(20);
  if (roll < 16) return `${g.between(0, 40)}-${g.between(0, 3)}`;
  if (roll < 18) return String(g.between(0, 40));
  return g.pick(MALFORMED);
}

function xgroupArgs(g: Gen): Arg[] {
  const roll = g.int(20);
  const key = g.key();
  const group = g.pick(GROUPS);
  if (roll < 7) {
    const out: Arg[] = ['CREATE', key, group, g.chance(0.4) ? '$' : g.chance(0.9) ? id(g) : g.pick(['-', '+'])];
    if (g.chance(0.5)) out.push('MKSTREAM');
    if (g.chance(0.25)) out.push('ENTRIESREAD', g.pick(['0', '3', '-1', '-2', 'x']));
    if (g.chance(0.05)) out.push('FOO');
    return out;
  }
  if (roll < 10) {
    const out: Arg[] = ['SETID', key, group, g.chance(0.3) ? '$' : g.chance(0.9) ? id(g) : g.pick(['-', '+'])];
    if (g.chance(0.3)) out.push('ENTRIESREAD', g.pick(['0', '5', '-1', '-3', 'x']));
    if (g.chance(0.05)) out.push('FOO');
    return out;
  }
  if (roll < 12) return ['DESTROY', key, group];
  if (roll < 15) return ['CREATECONSUMER', key, group, g.pick(CONSUMERS)];
  if (roll < 18) return ['DELCONSUMER', key, group, g.pick(CONSUMERS)];
  return g.pick<Arg[]>([['HELP'], ['FOO', key], ['CREATE', key], ['DESTROY', key, group, 'x']]);
}

function xreadgroupArgs(g: Gen): Arg[] {
  const out: Arg[] = [];
  if (g.chance(0.97)) out.push('GROUP', g.pick(GROUPS), g.pick(CONSUMERS));
  if (g.chance(0.4)) out.push('COUNT', g.chance(0.9) ? String(g.between(-1, 4)) : 'x');
  if (g.chance(0.2)) out.push('NOACK');
  if (g.chance(0.03)) out.push('FOO');
  out.push('STREAMS');
  const keys = g.keys(1, 2);
  const ids = keys.map(() => (g.chance(0.6) ? '>' : g.chance(0.8) ? `${g.between(0, 40)}-${g.between(0, 3)}` : g.pick(['0', '$', 'x'])));
  if (g.chance(0.03)) ids.pop();
  out.push(...keys, ...ids);
  return out;
}

function ids(g: Gen, most: number): string[] {
  return Array.from({ length: g.between(1, most) }, () => id(g));
}

function xpendingArgs(g: Gen): Arg[] {
  const out: Arg[] = [g.key(), g.pick(GROUPS)];
  if (g.chance(0.4)) return out;
  if (g.chance(0.3)) out.push('IDLE', g.pick(IDLE));
  const bound = (): string => (g.chance(0.3) ? g.pick(['-', '+', '(1-1', '(', '(0-0']) : id(g));
  out.push(bound(), bound(), g.pick(['10', '2', '0', '-1', 'x']));
  if (g.chance(0.4)) out.push(g.pick(CONSUMERS));
  return out;
}

function xclaimArgs(g: Gen): Arg[] {
  const out: Arg[] = [g.key(), g.pick(GROUPS), g.pick(CONSUMERS), g.pick(IDLE), ...ids(g, 3)];
  if (g.chance(0.2)) out.push('IDLE', g.pick(['0', '7200000', '-1', 'x']));
  if (g.chance(0.15)) out.push('TIME', g.pick(['1000', '0', '-1', 'x']));
  if (g.chance(0.2)) out.push('RETRYCOUNT', g.pick(['0', '5', '-1', 'x']));
  if (g.chance(0.25)) out.push('FORCE');
  if (g.chance(0.3)) out.push('JUSTID');
  if (g.chance(0.15)) out.push('LASTID', g.chance(0.9) ? id(g) : 'x');
  if (g.chance(0.03)) out.push('FOO');
  return out;
}

function xautoclaimArgs(g: Gen): Arg[] {
  const out: Arg[] = [g.key(), g.pick(GROUPS), g.pick(CONSUMERS), g.pick(IDLE), g.chance(0.8) ? g.pick(['0', '-', `${g.between(0, 40)}-${g.between(0, 3)}`, '(5-0']) : g.pick(['x', '(18446744073709551615-18446744073709551615', '+'])];
  if (g.chance(0.5)) out.push('COUNT', g.pick(['1', '2', '5', '0', '-1', 'x']));
  if (g.chance(0.3)) out.push('JUSTID');
  if (g.chance(0.03)) out.push('FOO');
  return out;
}

const TIMED = withTimes(TIME_TOLERANCE_MS, true);

const commands: CommandSpec[] = [
  { name: 'XGROUP', weight: 8, args: xgroupArgs },
  { name: 'XREADGROUP', weight: 8, args: xreadgroupArgs, extraArgument: false },
  { name: 'XACK', weight: 4, args: (g) => [g.key(), g.pick(GROUPS), ...ids(g, 3)] },
  { name: 'XPENDING', weight: 4, args: xpendingArgs, rule: TIMED },
  { name: 'XCLAIM', weight: 4, args: xclaimArgs },
  { name: 'XAUTOCLAIM', weight: 3, args: xautoclaimArgs },
];

export const streamGroups: Family = { name: 'stream-groups', commands };
