/**
 * The 16 databases: SELECT (which every later command of the connection then runs in), MOVE and
 * SWAPDB between the first three, and flushing one or all of them. Out-of-range and malformed
 * database numbers are drawn too.
 */
import type { CommandSpec, Family, Gen } from '../gen.js';

function database(g: Gen): string {
  return g.chance(0.9) ? g.pick(['0', '1', '2']) : g.pick(['15', '16', '-1', 'x', '', '1.0']);
}

const commands: CommandSpec[] = [
  { name: 'SELECT', weight: 3, args: (g) => [database(g)] },
  { name: 'MOVE', weight: 2, args: (g) => [g.key(), database(g)] },
  { name: 'SWAPDB', weight: 1, args: (g) => [database(g), database(g)] },
  { name: 'FLUSHDB', weight: 0.3, args: (g) => g.pick([[], ['ASYNC'], ['SYNC'], ['sync'], ['FOO']]) },
  { name: 'FLUSHALL', weight: 0.1, args: (g) => g.pick([[], ['ASYNC'], ['SYNC'], ['FOO']]) },
];

export const databases: Family = { name: 'databases', commands };
